/**
 * A trace event (static tracepoint or dynamic probe): its arguments, fields and format, its
 * enable switch, and what happens when it fires — marshal the arguments into the `pt_regs`
 * context, run the attached BPF programs (which may decide to record), then record the entry
 * (evaluating a predicate filter first, ftrace-style: record, evaluate, discard). Loading and
 * checking programs is the tracer's job; this file only runs what it is handed.
 */
import { Arena, EbpfError, type Region, type Vm } from '@ebpf/core';
import { argOffsets, ENTRY_OFFSET, maxArgs, PT_REGS, traceContext } from '../context.js';
import { parseCType, writeSlot, type CType } from '../ctypes.js';
import { toByteString, type StructRegistry } from '../host-structs.js';
import type { ContextDescriptor } from '@ebpf/core';
import { PredicateFilter } from '../filter/preds.js';
import { parseFilter } from '../filter/parse.js';
import type { TraceBuffer, TraceEntry } from './buffer.js';
import { castValue, evalFetch, parseFetchPath, type FetchPath } from './fetch.js';
import { formatDescription, layoutEntry, writeEntry, type EntryLayout, type FieldValue } from './fields.js';
import { resolveArgs, Marshaller, type ArgDeclInput, type ProbeArg } from './marshal.js';
import { compilePrintFormat, defaultPrintFormat, describePrintFormat, type PrintFormat } from './print-format.js';

/** A field's source: a path over the arguments (`skb->dev->name`) or a function of the JS arguments. */
export type FieldAssign = string | ((args: readonly unknown[]) => FieldValue | boolean | null | undefined);

/** Declaration of one event field. */
export interface FieldDecl {
  /** Field name (filters use it). */
  readonly name: string;
  /** C type: integers, pointers, `char[N]`. */
  readonly type: string;
  /** Where the value comes from; default: the argument of the same name. */
  readonly assign?: FieldAssign;
}

/** What an event needs from the tracer that owns it. */
export interface EventHost {
  /** The VM holding contexts and copies. */
  readonly vm: Vm;
  /** Where entries go. */
  readonly buffer: TraceBuffer;
  /** Struct layouts for `struct X *` arguments. */
  readonly structs: StructRegistry;
  /** Process id shown in entries. */
  readonly pid: number;
  /** Task name shown in entries. */
  readonly comm: string;
  /** Nanoseconds since the time origin. */
  now(): number;
  /** The event whose programs are running (helpers label their output with it). */
  current: TraceEvent | undefined;
  /** A program failed during a run: count it, report it once. */
  programFailed(program: EventProgram, error: unknown): void;
}

/** A program attached to an event, ready to run on its context. */
export interface EventProgram {
  /** Tracer-wide id. */
  readonly id: number;
  /** Program name. */
  readonly name: string;
  /** True when the program reads the recorded entry from the context. */
  readonly needsEntry: boolean;
  /** True when it may print or dump the stack (the host then tells the sink which event runs). */
  readonly usesSink: boolean;
  /** Runs on the context at `ctx`; true when the event should be recorded. */
  run(ctx: number): boolean;
}

/** Options shared by tracepoints and dynamic probes. */
export interface EventOptions {
  /** `system:event`. */
  readonly name: string;
  /** Arguments (name and C type), in calling order. */
  readonly args?: readonly ArgDeclInput[];
  /** The entry's fields; default one per argument. */
  readonly fields?: readonly FieldDecl[];
  /** Print format (default `field=value ...`). */
  readonly print?: PrintFormat;
  /** Bytes for argument copies per event (strings, laid-out objects); default 16 KiB. */
  readonly scratchSize?: number;
}

/** Counters of one event. */
export interface EventStats {
  /** Times the event fired while enabled. */
  readonly hits: number;
  /** Entries recorded. */
  readonly recorded: number;
  /** Firings a filter or program discarded. */
  readonly discarded: number;
  /** Arguments passed as NULL because their copy did not fit the scratch area. */
  readonly argOverflows: number;
}

const RECORD = 1, PREDS = 2, PROGRAMS = 3;

/** One event. */
export class TraceEvent {
  /** System part of the name (`net`). */
  readonly system: string;
  /** Short name (`netif_receive_skb`). */
  readonly name: string;
  /** Declared arguments. */
  readonly args: readonly ProbeArg[];
  /** The recorded entry's layout. */
  readonly layout: EntryLayout;
  /** The print format of its lines. */
  readonly printFormat: PrintFormat;
  /** Context offsets of the arguments. */
  readonly argOffsets: readonly number[];
  /** The event descriptor in VM memory (`di` of a tracepoint's context). */
  readonly descriptor: Region;
  private readonly render: (values: readonly FieldValue[]) => string;
  private readonly assigns: Array<{ index: number; type: CType; path?: FetchPath; fn?: Exclude<FieldAssign, string> }>;
  private readonly marshaller: Marshaller;
  private readonly arena: Arena;
  private readonly slots: Array<number | bigint>;
  private readonly u32: Uint32Array;
  private ctx: Region | undefined;
  private ctxAddress = 0;
  private ctxNeedsEntry = false;
  private ctxUsesSink = false;
  private enabledFlag = false;
  private mode = RECORD;
  private preds: PredicateFilter | undefined;
  private programs: EventProgram[] = [];
  private hits = 0;
  private recorded = 0;
  private discarded = 0;

  /**
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for a bad name, unknown types or field sources.
   */
  constructor(readonly host: EventHost, readonly id: number, readonly kind: 'tracepoint' | 'probe', options: EventOptions) {
    const m = /^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)$/.exec(options.name);
    if (!m) throw new EbpfError('USAGE', `event name '${options.name}' must look like system:event`);
    this.system = m[1]!;
    this.name = m[2]!;
    this.args = resolveArgs(options.args ?? [], host.structs);
    if (this.args.length > maxArgs(kind)) throw new EbpfError('USAGE', `${options.name}: at most ${maxArgs(kind)} arguments are passed in registers`);
    this.argOffsets = argOffsets(kind);
    const decls: readonly FieldDecl[] = options.fields ?? this.args.map((a) => ({ name: a.name, type: a.mode === 'string' ? 'char[64]' : a.type.name }));
    const own: Array<{ name: string; type: CType; path?: FetchPath }> = [];
    const fns: Array<FieldDecl['assign']> = [];
    for (const d of decls) {
      if (/^common_/.test(d.name)) throw new EbpfError('USAGE', `${options.name}: field name ${d.name} is reserved`);
      const type = parseCType(d.type);
      const src = d.assign ?? d.name;
      if (typeof src === 'string') own.push({ name: d.name, type, path: parseFetchPath(src, this.args, host.structs, type) });
      else own.push({ name: d.name, type });
      fns.push(src);
    }
    this.layout = layoutEntry(own);
    this.assigns = this.layout.fields.filter((f) => !f.common).map((f, i) => ({
      index: f.index,
      type: f.type,
      ...(f.path ? { path: f.path } : {}),
      ...(typeof fns[i] === 'function' ? { fn: fns[i] as Exclude<FieldAssign, string> } : {}),
    }));
    this.printFormat = options.print ?? defaultPrintFormat(this.layout);
    this.render = compilePrintFormat(this.printFormat, this.layout);
    const vm = host.vm;
    this.arena = new Arena(vm.mem, { name: `${options.name} arguments`, size: options.scratchSize ?? 16384, readOnly: true, kind: 'host' });
    this.marshaller = new Marshaller(vm, this.args, this.arena, host.structs);
    this.slots = new Array<number | bigint>(this.args.length).fill(0);
    this.u32 = new Uint32Array(vm.mem.memory.buffer);
    this.descriptor = vm.mem.alloc(64, { kind: 'host', name: `event ${options.name}`, readOnly: true });
    vm.mem.view.setUint32(this.descriptor.offset, id, true);
    vm.mem.view.setUint32(this.descriptor.offset + 4, this.args.length, true);
    const nameBytes = new TextEncoder().encode(this.fullName.slice(0, 55));
    vm.mem.bytes.set(nameBytes, this.descriptor.offset + 8);
  }

  /** `system:event`. */
  get fullName(): string {
    return `${this.system}:${this.name}`;
  }

  /** True while the event records or runs programs. */
  get enabled(): boolean {
    return this.enabledFlag;
  }

  /** Turns the event on or off. */
  set enabled(on: boolean) {
    this.enabledFlag = on;
  }

  /** Turns the event on. */
  enable(): this {
    this.enabledFlag = true;
    return this;
  }

  /** Turns the event off. */
  disable(): this {
    this.enabledFlag = false;
    return this;
  }

  /** The format description (ftrace's `events/<system>/<event>/format`). */
  format(): string {
    return formatDescription(this.name, this.id, this.layout, describePrintFormat(this.printFormat));
  }

  /** The context layout programs attached here see (pt_regs, then the entry). */
  contextDescriptor(): ContextDescriptor {
    return traceContext(this.layout);
  }

  /** Counters. */
  stats(): EventStats {
    return { hits: this.hits, recorded: this.recorded, discarded: this.discarded, argOverflows: this.marshaller.overflows };
  }

  /** The predicate filter's source, if one is set. */
  get predicateFilter(): string | undefined {
    return this.preds?.source;
  }

  /**
   * Sets (or with `undefined` clears) the predicate filter evaluated on each recorded entry.
   * @throws {@link @ebpf/core!ParseError} with the column when the filter does not parse.
   */
  setPredicateFilter(src: string | undefined): void {
    this.preds = src === undefined || src.trim() === '' || src.trim() === '0' ? undefined : new PredicateFilter(src, parseFilter(src, this.layout));
    this.updateMode();
  }

  /** Programs attached now. */
  attached(): readonly EventProgram[] {
    return this.programs;
  }

  /** Attaches a program (runs on every firing, in attach order). */
  attachProgram(p: EventProgram): void {
    if (!this.ctx) {
      const desc = traceContext(this.layout);
      this.ctx = this.host.vm.mem.alloc(desc.size, { kind: 'context', name: `ctx ${this.fullName}`, readOnly: true });
      this.ctxAddress = Number(this.ctx.address);
      const addr = this.descriptor.address;
      const base = this.ctx.offset;
      writeSlot(this.u32, (base + PT_REGS.ip) >> 2, Number(addr));
      if (this.kind === 'tracepoint') writeSlot(this.u32, (base + PT_REGS.di) >> 2, Number(addr));
    }
    this.programs = [...this.programs, p];
    this.updateMode();
  }

  /** Detaches a program; false when it was not attached. */
  detachProgram(p: EventProgram): boolean {
    const before = this.programs.length;
    this.programs = this.programs.filter((x) => x !== p);
    this.updateMode();
    return this.programs.length !== before;
  }

  private updateMode(): void {
    this.ctxNeedsEntry = this.programs.some((p) => p.needsEntry);
    this.ctxUsesSink = this.programs.some((p) => p.usesSink);
    this.mode = this.programs.length > 0 ? PROGRAMS : this.preds ? PREDS : RECORD;
  }

  /**
   * Fires the event with the probe's JS arguments (tracepoints: the declared arguments; probes:
   * the function's). Never throws because of a program: failures are counted and reported once.
   */
  fire(values: ArrayLike<unknown>): void {
    if (!this.enabledFlag) return;
    this.hits++;
    const slots = this.slots;
    let entry: FieldValue[] | undefined;
    if (this.mode === PROGRAMS) {
      const ctx = this.ctx!;
      const base = ctx.offset;
      this.marshaller.toContext(values, this.u32, base, this.argOffsets);
      if (this.ctxNeedsEntry) {
        this.marshaller.fromContext(this.host.vm.mem.view, base, this.argOffsets, slots);
        entry = this.assign(values);
        writeEntry(this.host.vm, base + ENTRY_OFFSET, this.layout, entry);
      }
      const addr = this.ctxAddress;
      const progs = this.programs;
      let keep = false;
      if (progs.length === 1 && !this.ctxUsesSink) {
        // The common case (one filter that prints nothing): no bookkeeping around the run.
        const p = progs[0]!;
        try {
          keep = p.run(addr);
        } catch (e) {
          this.host.programFailed(p, e);
        }
      } else {
        const host = this.host;
        const prev = host.current;
        host.current = this;
        for (let i = 0; i < progs.length; i++) {
          const p = progs[i]!;
          try {
            if (p.run(addr)) keep = true;
          } catch (e) {
            host.programFailed(p, e);
          }
        }
        host.current = prev;
      }
      if (!keep) {
        this.discarded++;
        return;
      }
      if (!entry) {
        this.marshaller.fromContext(this.host.vm.mem.view, base, this.argOffsets, slots);
        entry = this.assign(values);
      }
    } else {
      this.marshaller.marshal(values, slots);
      entry = this.assign(values);
    }
    // ftrace's order: reserve and fill the entry (timestamp included), then evaluate the
    // predicates on the recorded entry, then commit or discard it.
    const host = this.host;
    const rec: TraceEntry = {
      seq: -1,
      ts: host.now(),
      pid: host.pid,
      cpu: 0,
      comm: host.comm,
      kind: 'event',
      event: this.name,
      values: entry,
      render: this.render,
    };
    if (this.preds !== undefined && !this.preds.match(entry)) {
      this.discarded++;
      return;
    }
    this.recorded++;
    host.buffer.push(rec);
  }

  /** Computes the entry's values from the (already marshalled) arguments. */
  private assign(values: ArrayLike<unknown>): FieldValue[] {
    const out: FieldValue[] = [this.id, 0, 0, this.host.pid];
    const mem = this.host.vm.mem;
    const a = this.assigns;
    let js: unknown[] | undefined;
    for (let i = 0; i < a.length; i++) {
      const f = a[i]!;
      if (f.fn) out.push(normalize(f.fn((js ??= Array.from(values))), f.type));
      else out.push(evalFetch(mem, this.slots, f.path!, f.type));
    }
    return out;
  }

  /** Frees the event's VM memory (detach programs first). */
  dispose(): void {
    this.enabledFlag = false;
    this.programs = [];
    const mem = this.host.vm.mem;
    this.arena.dispose();
    mem.release(this.descriptor);
    if (this.ctx) mem.release(this.ctx);
  }
}

/** A JS-assigned field value as the entry holds it. */
function normalize(v: FieldValue | boolean | null | undefined, type: CType): FieldValue {
  if (type.kind === 'chars') {
    const s = typeof v === 'string' ? toByteString(v) : v == null ? '' : toByteString(String(v));
    const cut = s.indexOf('\0');
    return (cut >= 0 ? s.slice(0, cut) : s).slice(0, type.size);
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'bigint') return castValue(v, type);
  return 0;
}
