/**
 * Dynamic probes, the analog of kprobe events: wrap a function of a running application (a
 * method of a live object, a CommonJS export, an ESM export through the loader hook in
 * `esm-hooks.ts`) without changing its code. The probed call's arguments become the context
 * (`di, si, dx, cx, r8, r9`); detaching restores the original. Functions reachable only through
 * closures cannot be probed: there is no reference to replace.
 */
import { EbpfError } from '@ebpf/core';
import { TraceEvent, type EventHost, type EventOptions } from './event.js';
import type { ArgDeclInput } from './marshal.js';

/** A replaceable function slot: an object property or an ESM binding. */
export interface FunctionSlot {
  /** What the slot is, for messages (`server.handle`, `file:///app.mjs#parse`). */
  readonly label: string;
  get(): unknown;
  set(fn: unknown): void;
  /** Puts the slot back as it was before the first `set` (own property restored or removed). */
  restore(original: unknown): void;
}

/** A slot for `obj[key]` (methods of live objects, CommonJS `module.exports`). */
export function propertySlot(obj: object, key: string | symbol, label?: string): FunctionSlot {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  const rec = obj as Record<string | symbol, unknown>;
  return {
    label: label ?? String(key),
    get: () => rec[key],
    set(fn) {
      if (desc && !desc.writable && !desc.set && !desc.configurable) throw new EbpfError('USAGE', `cannot probe ${String(key)}: the property is read-only`);
      if (desc && !desc.writable && !desc.set) Object.defineProperty(obj, key, { ...desc, value: fn });
      else rec[key] = fn;
    },
    restore(original) {
      if (!desc) delete rec[key];
      else if ('value' in desc) Object.defineProperty(obj, key, { ...desc, value: original });
      else rec[key] = original;
    },
  };
}

/** Options of a dynamic probe. */
export interface ProbeOptions extends Partial<Omit<EventOptions, 'args'>> {
  /** Argument declarations; default `arg0..argN` of the function's arity, marshalled by value. */
  readonly args?: readonly ArgDeclInput[];
}

/** A dynamic probe on one function slot. */
export class DynamicProbe extends TraceEvent {
  private original: unknown;
  private wrapper: ((...a: unknown[]) => unknown) | undefined;

  /** @throws {@link @ebpf/core!EbpfError} (`USAGE`) when the slot does not hold a function. */
  constructor(host: EventHost, id: number, readonly slot: FunctionSlot, options: ProbeOptions = {}) {
    const fn = slot.get();
    if (typeof fn !== 'function') throw new EbpfError('USAGE', `cannot probe ${slot.label}: it is ${fn === undefined ? 'undefined' : `a ${typeof fn}`}, not a function`);
    const arity = Math.min(Math.max((fn as (...a: unknown[]) => unknown).length, 1), 6);
    const args = options.args ?? Array.from({ length: arity }, (_, i) => ({ name: `arg${i}`, type: 'auto' }));
    const name = options.name ?? `probe:${sanitize(slot.label)}`;
    super(host, id, 'probe', { ...options, name, args });
    this.original = fn;
    this.install();
  }

  /** True while the wrapper is installed. */
  get installed(): boolean {
    return this.wrapper !== undefined;
  }

  private install(): void {
    const original = this.original as (...a: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const probe = this;
    const wrapper = function (this: unknown, ...a: unknown[]): unknown {
      if (probe.enabled) probe.fire(a);
      return new.target ? Reflect.construct(original, a, new.target) : original.apply(this, a);
    };
    Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
    this.slot.set(wrapper);
    this.wrapper = wrapper;
  }

  /** Restores the original function (if the slot still holds our wrapper) and frees the event. */
  detach(): void {
    if (!this.wrapper) return;
    if (this.slot.get() === this.wrapper) this.slot.restore(this.original);
    this.wrapper = undefined;
    this.dispose();
  }
}

function sanitize(label: string): string {
  return label.replace(/^.*[/\\]/, '').replace(/[^\w.-]+/g, '_').replace(/^[^A-Za-z_]/, '_$&') || 'fn';
}
