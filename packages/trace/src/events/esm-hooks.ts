/**
 * Dynamic probes on ESM exports. An ES module namespace is immutable, so the exports to probe are
 * named at start-up: {@link registerEsmProbes} registers loader hooks (`module.register`) that
 * serve each named module through a small facade — `export let` bindings initialised from the
 * original module, plus `export *` for the rest — and the facade registers setters for its
 * bindings. Probing an export swaps the live binding; every importer sees the wrapper, and
 * detaching restores the original. Modules imported before registration are not affected; a
 * function reachable only through a closure inside a module cannot be probed. Node only.
 */
import { EbpfError } from '@ebpf/core';
import type { FunctionSlot } from './dynamic-probe.js';

/** A module whose exports should be probe-able. */
export interface EsmProbeTarget {
  /** How the application imports it: a bare or relative specifier, or an absolute URL. */
  readonly module: string;
  /** The exports to make replaceable (`default` included). */
  readonly exports: readonly string[];
}

/** What a facade registers for its module. */
interface FacadeEntry {
  readonly url: string;
  readonly specifiers: readonly string[];
  readonly names: readonly string[];
  get(name: string): unknown;
  set(name: string, value: unknown): void;
}

const REGISTRY = Symbol.for('@ebpf/trace/esm');

function registry(): Map<string, FacadeEntry> {
  const g = globalThis as unknown as Record<symbol, Map<string, FacadeEntry> | undefined>;
  return (g[REGISTRY] ??= new Map());
}

/**
 * The hooks module, as source (it runs on the loader thread, so it is sent as a `data:` URL and
 * needs nothing from this package). `resolve` notes which specifiers reach a target; `load`
 * serves a target as a facade over `<url>?ebpf-orig`, which loads the original.
 */
const HOOKS_SOURCE = String.raw`
let targets = [];
const byUrl = new Map();
export function initialize(data) { targets = (data && data.targets) || []; }
function wanted(specifier, url) {
  for (const t of targets) {
    if (t.module === specifier || t.module === url || (t.module.startsWith('/') && url === 'file://' + t.module)) return t;
  }
  return undefined;
}
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.includes('ebpf-orig')) return r;
  const t = wanted(specifier, r.url);
  if (t) {
    const e = byUrl.get(r.url) || { names: new Set(), specifiers: new Set() };
    for (const n of t.exports) e.names.add(n);
    e.specifiers.add(specifier);
    byUrl.set(r.url, e);
  }
  return r;
}
export async function load(url, context, next) {
  const e = byUrl.get(url);
  if (!e) return next(url, context);
  const orig = url + (url.includes('?') ? '&' : '?') + 'ebpf-orig';
  const names = [...e.names];
  const lines = [
    'import * as __orig from ' + JSON.stringify(orig) + ';',
    'export * from ' + JSON.stringify(orig) + ';',
  ];
  names.forEach((n, i) => {
    lines.push('let __b' + i + ' = __orig[' + JSON.stringify(n) + '];');
    lines.push('export { __b' + i + ' as ' + (n === 'default' ? 'default' : JSON.stringify(n)) + ' };');
  });
  lines.push('const __reg = (globalThis[Symbol.for("@ebpf/trace/esm")] ??= new Map());');
  lines.push('__reg.set(' + JSON.stringify(url) + ', { url: ' + JSON.stringify(url) + ', specifiers: ' + JSON.stringify([...e.specifiers]) + ', names: ' + JSON.stringify(names) + ',');
  lines.push('  get(n) { switch (n) { ' + names.map((n, i) => 'case ' + JSON.stringify(n) + ': return __b' + i + ';').join(' ') + ' } return undefined; },');
  lines.push('  set(n, v) { switch (n) { ' + names.map((n, i) => 'case ' + JSON.stringify(n) + ': __b' + i + ' = v; return;').join(' ') + ' } } });');
  return { format: 'module', source: lines.join('\n'), shortCircuit: true };
}
`;

/**
 * Registers the loader hooks that make the named exports probe-able. Call it at start-up, before
 * the application imports those modules (`node --import ./trace-setup.js app.js`).
 * @throws {@link @ebpf/core!EbpfError} (`NOT_SUPPORTED`) where `module.register` does not exist (Node < 20.6).
 */
export async function registerEsmProbes(targets: readonly EsmProbeTarget[], parentURL?: string): Promise<void> {
  const mod = (await import('node:module')) as { register?: (url: string, opts: unknown) => void };
  if (typeof mod.register !== 'function') throw new EbpfError('NOT_SUPPORTED', 'ESM probes need module.register (Node 20.6 or later)');
  const base = parentURL ?? (typeof process !== 'undefined' ? `file://${process.cwd()}/` : 'file:///');
  const resolved = targets.map((t) => ({
    module: t.module.startsWith('.') ? new URL(t.module, base).href : t.module,
    exports: [...t.exports],
  }));
  mod.register('data:text/javascript,' + encodeURIComponent(HOOKS_SOURCE), { parentURL: base, data: { targets: resolved } });
}

/** The facades loaded so far (modules whose exports can be probed). */
export function esmProbeModules(): Array<{ url: string; specifiers: readonly string[]; exports: readonly string[] }> {
  return [...registry().values()].map((e) => ({ url: e.url, specifiers: e.specifiers, exports: e.names }));
}

/**
 * The slot of ESM export `name` of `module` (URL, URL suffix such as `/lib/parse.mjs`, or a
 * specifier the application used), for `tracer.probeSlot`.
 * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when the module was not served through a facade (not named
 * at start-up, or not imported yet) or the export was not named.
 */
export function esmExportSlot(module: string, name: string): FunctionSlot {
  const all = [...registry().values()];
  const e = all.find((x) => x.url === module) ?? all.find((x) => x.specifiers.includes(module)) ?? all.find((x) => x.url.endsWith(module));
  if (!e) {
    throw new EbpfError('USAGE', `ESM module '${module}' cannot be probed: name it in registerEsmProbes() at start-up and import it first (probe-able: ${all.map((x) => x.url).join(', ') || 'none'})`);
  }
  if (!e.names.includes(name)) throw new EbpfError('USAGE', `export '${name}' of ${e.url} was not named in registerEsmProbes() (named: ${e.names.join(', ')})`);
  return {
    label: `${e.url.replace(/^.*\//, '')}#${name}`,
    get: () => e.get(name),
    set: (fn) => e.set(name, fn),
    restore: (original) => e.set(name, original),
  };
}
