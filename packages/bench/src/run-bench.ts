/**
 * Runs the benchmark: for each program, the JS baseline and every engine of BENCH_ENGINES on the
 * same memory, checking that each returns the baseline's r0. Executed instructions are counted
 * once with the interpreter, so ns per instruction is comparable across engines.
 */
import { Vm, check, lower, parseAsm, type Engine, type ProgramSpec, type Runnable } from '@ebpf/core';
import { CONFORMANCE_HELPERS, conformanceSubsystem } from '@ebpf/core/testing';
import { Interpreter } from '@ebpf/interp';
import { BENCH_ENGINES } from './engines.js';
import { measure } from './measure.js';
import { BENCH_PROGRAMS, viewOf, type BenchProgram } from './programs.js';

/** One engine's figures for one program, or why it has none. */
export type EngineResult =
  | { readonly nsPerRun: number; readonly nsPerInsn: number; readonly vsJs: number; readonly r0: string; readonly correct: boolean }
  | { readonly skipped: string };

/** One row of the table. */
export interface BenchRow {
  readonly program: string;
  readonly description: string;
  /** Instructions executed per run (counted by the interpreter). */
  readonly insns: number;
  readonly js: { readonly nsPerRun: number; readonly r0: string };
  readonly engines: Readonly<Record<string, EngineResult>>;
}

/** The whole run. */
export interface BenchReport {
  readonly node: string;
  readonly engines: readonly string[];
  readonly rows: readonly BenchRow[];
}

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  /** ms per measurement (default 300). */
  readonly timeMs?: number;
  /** Only these programs (default all). */
  readonly only?: readonly string[];
  /** Only these engines (default all that load). */
  readonly engines?: readonly string[];
  /** Called as each measurement finishes (progress). */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** A program compiled for one engine over its own copy of the memory. */
function prepare(engine: Engine | 'interp', spec: ProgramSpec, mem: Uint8Array): { run: () => bigint; runnable?: Runnable; steps?: () => number } {
  const base = engine !== 'interp' && engine.memoryBase ? { base: (m: WebAssembly.Memory) => engine.memoryBase!(m) } : {};
  const vm = new Vm({ size: 1 << 20, ...base });
  const region = vm.mem.alloc(mem.length, { kind: 'context', name: 'memory' });
  vm.mem.bytes.set(mem, region.offset);
  const r1 = Number(region.address);
  const r2 = mem.length;
  if (engine === 'interp') {
    const it = new Interpreter(vm, lower(spec.insns), { helpers: CONFORMANCE_HELPERS, name: spec.name });
    return { run: () => it.run(r1, r2), steps: () => it.steps };
  }
  const verified = check(spec, conformanceSubsystem(mem.length), []);
  const runnable = engine.compile(verified, vm);
  return { run: () => runnable.run(r1, r2), runnable };
}

/** Loads the engines that can run here (by name), skipping the others. */
async function loadEngines(names?: readonly string[]): Promise<Map<string, Engine>> {
  const out = new Map<string, Engine>();
  for (const e of BENCH_ENGINES) {
    if (names && !names.includes(e.name)) continue;
    try {
      const engine = await e.load();
      if (!engine.unavailable()) out.set(e.name, engine);
    } catch {
      // An engine whose package does not load has no column.
    }
  }
  return out;
}

/** Runs the benchmark. */
export async function runBench(options: RunBenchOptions = {}): Promise<BenchReport> {
  const timeMs = options.timeMs ?? 300;
  const engines = await loadEngines(options.engines);
  const programs = BENCH_PROGRAMS.filter((p) => !options.only || options.only.includes(p.name));
  const total = programs.length * (1 + engines.size);
  let done = 0;
  const tick = (label: string) => options.onProgress?.(++done, total, label);
  const rows: BenchRow[] = [];
  for (const p of programs) rows.push(benchOne(p, engines, timeMs, tick));
  return { node: typeof process !== 'undefined' ? process.version : 'unknown', engines: [...engines.keys()], rows };
}

function benchOne(p: BenchProgram, engines: Map<string, Engine>, timeMs: number, tick: (label: string) => void): BenchRow {
  const spec: ProgramSpec = { name: p.name, dialect: 'rfc', insns: parseAsm(p.asm), maps: [], license: 'GPL' };
  const mem = p.memory();
  const want = p.js(mem, viewOf(mem));
  const jsMem = mem.slice();
  const jsView = viewOf(jsMem);
  const js = measure(() => p.js(jsMem, jsView), { timeMs });
  tick(`${p.name}: js`);
  const counter = prepare('interp', spec, mem);
  counter.run();
  const insns = counter.steps!();
  const results: Record<string, EngineResult> = {};
  for (const [name, engine] of engines) {
    let prepared;
    try {
      prepared = prepare(name === 'interp' ? 'interp' : engine, spec, mem);
    } catch (e) {
      results[name] = { skipped: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
      tick(`${p.name}: ${name}`);
      continue;
    }
    try {
      const r0 = prepared.run();
      const m = measure(prepared.run, { timeMs });
      results[name] = { nsPerRun: m.nsPerRun, nsPerInsn: m.nsPerRun / insns, vsJs: m.nsPerRun / js.nsPerRun, r0: hex(r0), correct: r0 === want };
    } catch (e) {
      results[name] = { skipped: `run failed: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}` };
    } finally {
      prepared.runnable?.dispose();
    }
    tick(`${p.name}: ${name}`);
  }
  return { program: p.name, description: p.description, insns, js: { nsPerRun: js.nsPerRun, r0: hex(want) }, engines: results };
}
