/**
 * The Tracer: the host application's tracing facility. It owns the events (static tracepoints,
 * dynamic probes), the trace buffer and pipe, and the BPF programs attached to events — loaded
 * through a Runtime (checker + engine) against a per-event {@link TraceSubsystem}. Filter strings
 * run either as predicates on the recorded entry or compiled to BPF on the arguments. The control
 * socket (`control/`) and the CLI read programs and maps through it.
 */
import { EbpfError, type BpfMap, type EngineChoice, type ProgramSpec, type Runnable, type VerifiedProgram, type Vm } from '@ebpf/core';
import { compileFilter } from './filter/compile.js';
import { TraceBuffer, DEFAULT_BUFFER_ENTRIES, type TraceEntry } from './events/buffer.js';
import { DynamicProbe, propertySlot, type FunctionSlot, type ProbeOptions } from './events/dynamic-probe.js';
import { TraceEvent, type EventHost, type EventProgram } from './events/event.js';
import { tracePipe, type PipeOptions } from './events/pipe.js';
import { Tracepoint, type TracepointOptions } from './events/tracepoint.js';
import { currentTask, HelperId, type TaskInfo, type TraceSink } from './helpers.js';
import { StructRegistry, type StructLayout } from './host-structs.js';
import { TraceSubsystem } from './subsystem.js';
import { matchGlob, parseGlob } from './filter/glob.js';
import type { ControlServer } from './control/server.js';
import { esmExportSlot } from './events/esm-hooks.js';

/** What the tracer needs of a loaded program (a Runtime's `LoadedProgram` fits). */
export interface LoadedProgramLike {
  /** The program as loaded. */
  readonly spec: ProgramSpec;
  /** What the checker produced. */
  readonly verified: VerifiedProgram;
  /** What the engine produced. */
  readonly runnable: Runnable;
  /** Its maps, in spec order. */
  readonly maps: readonly BpfMap[];
  /** Engine name. */
  readonly engine: string;
  /** Frees code and maps. */
  dispose(): void;
}

/** What the tracer needs of a Runtime (structural, so any Runtime fits). */
export interface ProgramLoader {
  /** The VM programs run in. */
  readonly vm: Vm;
  /** Checks and compiles a program against a subsystem. */
  load(spec: ProgramSpec, options: { subsystem: TraceSubsystem; engine?: string; license?: string; check?: Record<string, unknown> }): LoadedProgramLike;
}

/** Options of {@link Tracer}. */
export interface TracerOptions {
  /** The runtime programs load into (its VM holds events, host structs and maps). */
  readonly runtime: ProgramLoader;
  /** Trace buffer capacity in entries (default 16384). */
  readonly bufferEntries?: number;
  /** Engine for programs and compiled filters unless an attach names one (default `auto`). */
  readonly engine?: EngineChoice | (string & {});
  /** Extra host struct layouts (sk_buff and net_device are built in). */
  readonly structs?: readonly StructLayout[];
  /** Process identity shown in lines and returned by helpers (default: this process). */
  readonly task?: TaskInfo;
}

/** Options of {@link Tracer.attach}. */
export interface AttachOptions {
  /** Engine (default the tracer's). */
  readonly engine?: EngineChoice | (string & {});
  /** License for formats without one (default the spec's, "GPL"). */
  readonly license?: string;
  /** Checker options. */
  readonly check?: Record<string, unknown>;
}

/** Options of {@link Tracer.setFilter}. */
export interface FilterOptions {
  /** `preds`: record, walk predicates, discard (ftrace); `bpf`: compile to BPF, run on the arguments. */
  readonly mode?: 'preds' | 'bpf';
  /** Engine of a `bpf` filter (default the tracer's). */
  readonly engine?: EngineChoice | (string & {});
}

/** A program attached to an event. */
export interface AttachedProgram {
  /** Tracer-wide id (what `ebpf prog list` shows). */
  readonly id: number;
  /** Program name. */
  readonly name: string;
  /** The event it runs on. */
  readonly event: TraceEvent;
  /** `program` (attached bytecode) or `filter` (a compiled filter string). */
  readonly kind: 'program' | 'filter';
  /** The filter string of a compiled filter. */
  readonly filter?: string;
  /** What the runtime loaded. */
  readonly loaded: LoadedProgramLike;
  /** Engine that runs it. */
  readonly engine: string;
  /** When it was attached. */
  readonly attachedAt: Date;
  /** Runs so far. */
  readonly runs: number;
  /** Runs that ended in an error. */
  readonly errors: number;
  /** Message of the last failed run. */
  readonly lastError?: string;
  /** Detaches and unloads the program. */
  detach(): void;
}

class Attachment implements AttachedProgram, EventProgram {
  runs = 0;
  errors = 0;
  lastError?: string;
  readonly attachedAt = new Date();
  readonly needsEntry: boolean;
  readonly usesSink: boolean;
  readonly run: (ctx: number) => boolean;
  readonly engine: string;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly event: TraceEvent,
    readonly kind: 'program' | 'filter',
    readonly loaded: LoadedProgramLike,
    needsEntry: boolean,
    private readonly onDetach: (a: Attachment) => void,
    readonly filter?: string,
  ) {
    this.needsEntry = needsEntry;
    this.usesSink = usesSink(loaded);
    this.engine = loaded.engine;
    const r = loaded.runnable;
    if (kind === 'filter') {
      this.run = (ctx) => {
        this.runs++;
        return r.runLow32(ctx, 0) !== 0;
      };
    } else if (loaded.spec.dialect === 'seed') {
      this.run = (ctx) => {
        this.runs++;
        r.runLow32(ctx, 0);
        return false;
      };
    } else {
      this.run = (ctx) => {
        this.runs++;
        return r.run(ctx, 0) !== 0n;
      };
    }
  }

  detach(): void {
    this.onDetach(this);
  }
}

/** True when a program may call `bpf_trace_printk` or `bpf_dump_stack` (or calls helpers indirectly). */
function usesSink(loaded: LoadedProgramLike): boolean {
  const sinkNames = new Set(['bpf_trace_printk', 'bpf_dump_stack']);
  const sinkIds = new Set<number>([HelperId.trace_printk, HelperId.dump_stack]);
  return loaded.spec.insns.some((i) => (i.code === 0x85 && i.src === 0 && (sinkIds.has(i.imm) || (i.helperName !== undefined && sinkNames.has(i.helperName)))) || i.code === 0x8d);
}

/** Reads an ELF-less program's need for the recorded entry: any load at an offset past pt_regs. */
function readsEntry(spec: ProgramSpec): boolean {
  return spec.insns.some((i) => (i.code & 0x07) === 0x01 && i.off >= 168);
}

/** The tracing facility of one application. */
export class Tracer {
  /** The trace buffer (bounded; `dropped` counts what it lost). */
  readonly buffer: TraceBuffer;
  /** Known struct layouts. */
  readonly structs: StructRegistry;
  /** The runtime programs load into. */
  readonly runtime: ProgramLoader;
  private readonly host: EventHost;
  private readonly eventsByName = new Map<string, TraceEvent>();
  private readonly subsystems = new Map<TraceEvent, TraceSubsystem>();
  private readonly progs = new Map<number, Attachment>();
  private readonly task: TaskInfo;
  private readonly engine: string;
  private nextEventId = 1;
  private nextProgId = 1;
  private readonly warned = new Set<Attachment>();

  constructor(options: TracerOptions) {
    this.runtime = options.runtime;
    this.buffer = new TraceBuffer(options.bufferEntries ?? DEFAULT_BUFFER_ENTRIES);
    this.structs = new StructRegistry();
    for (const s of options.structs ?? []) this.structs.add(s);
    this.task = options.task ?? currentTask();
    this.engine = options.engine ?? 'auto';
    const tracer = this;
    const vm = this.runtime.vm;
    this.host = {
      vm,
      buffer: this.buffer,
      structs: this.structs,
      pid: this.task.pid,
      comm: this.task.comm,
      now: () => Math.floor(performance.now() * 1e6),
      current: undefined,
      programFailed(p, e) {
        tracer.programFailed(p as Attachment, e);
      },
    };
  }

  /** The VM events, host structures and maps live in. */
  get vm(): Vm {
    return this.runtime.vm;
  }

  // ---- events --------------------------------------------------------------------------------

  /**
   * Declares a static tracepoint.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for a duplicate name or a bad declaration.
   */
  tracepoint(options: TracepointOptions): Tracepoint {
    this.checkFree(options.name);
    const tp = new Tracepoint(this.host, this.nextEventId++, options);
    this.eventsByName.set(tp.fullName, tp);
    return tp;
  }

  /**
   * Probes `obj[key]` (a method of a live object, or a CommonJS export on `module.exports`).
   * Event name default: `probe:<key>`.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when it is not a function or the name is taken.
   */
  probe(obj: object, key: string | symbol, options: ProbeOptions = {}): DynamicProbe {
    return this.probeSlot(propertySlot(obj, key), options);
  }

  /** Probes any replaceable function slot (the ESM loader hook's bindings use this). */
  probeSlot(slot: FunctionSlot, options: ProbeOptions = {}): DynamicProbe {
    if (options.name) this.checkFree(options.name);
    const p = new DynamicProbe(this.host, this.nextEventId++, slot, options);
    if (this.eventsByName.has(p.fullName)) {
      p.detach();
      throw new EbpfError('USAGE', `event ${p.fullName} already exists (give the probe a name)`);
    }
    this.eventsByName.set(p.fullName, p);
    return p;
  }

  /**
   * Probes export `name` of an ES module named in {@link registerEsmProbes} at start-up (by URL,
   * URL suffix, or the specifier the application imported it with). Event default: `probe:<file>#<name>`.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when the module or export was not made probe-able.
   */
  probeEsm(module: string, name: string, options: ProbeOptions = {}): DynamicProbe {
    return this.probeSlot(esmExportSlot(module, name), options);
  }

  private checkFree(name: string): void {
    if (this.eventsByName.has(name)) throw new EbpfError('USAGE', `event ${name} already exists`);
  }

  /**
   * The event called `name` (`system:event`, or the bare event name when unique).
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when there is none.
   */
  event(name: string): TraceEvent {
    const e = this.eventsByName.get(name) ?? [...this.eventsByName.values()].find((x) => x.name === name);
    if (!e) throw new EbpfError('USAGE', `no event '${name}' (events: ${[...this.eventsByName.keys()].join(', ') || 'none'})`);
    return e;
  }

  /** Every event. */
  events(): TraceEvent[] {
    return [...this.eventsByName.values()];
  }

  /** Events matching a glob over `system:event` (`net:*`, `*:kfree_skb`). */
  match(pattern: string): TraceEvent[] {
    const g = parseGlob(pattern, 1);
    return this.events().filter((e) => matchGlob(g, e.fullName));
  }

  /** Enables the events matching `pattern`; returns how many. */
  enable(pattern: string): number {
    const m = this.match(pattern);
    for (const e of m) e.enable();
    return m.length;
  }

  /** Disables the events matching `pattern`; returns how many. */
  disable(pattern: string): number {
    const m = this.match(pattern);
    for (const e of m) e.disable();
    return m.length;
  }

  /** Removes an event (detaching its programs; a probe restores the original function). */
  removeEvent(name: string): void {
    const e = this.event(name);
    for (const a of [...this.progs.values()]) if (a.event === e) this.detachProgram(a);
    if (e instanceof DynamicProbe) e.detach();
    else e.dispose();
    this.eventsByName.delete(e.fullName);
    this.subsystems.delete(e);
  }

  // ---- programs ------------------------------------------------------------------------------

  /** The subsystem programs attached to `event` are checked against (pt_regs + its entry). */
  subsystemFor(event: TraceEvent): TraceSubsystem {
    let s = this.subsystems.get(event);
    if (!s) {
      s = new TraceSubsystem({ entry: event.layout, sink: this.sink(), structs: this.structs.all(), task: this.task });
      this.subsystems.set(event, s);
    }
    return s;
  }

  private sink(): TraceSink {
    const push = (kind: TraceEntry['kind'], event: string, message: string) =>
      this.buffer.push({ seq: -1, ts: this.host.now(), pid: this.task.pid, cpu: 0, comm: this.task.comm, kind, event, message });
    return {
      printk: (message, program) => push('print', this.host.current?.name ?? program, message),
      dumpStack: (program) => {
        const frames = (new Error().stack ?? '').split('\n').slice(1).map((l) => l.trim());
        const host = frames.filter((l) => !/[/\\]packages[/\\](trace|core|interp|jit-[\w]+)[/\\]|@ebpf[/\\]|node:internal/.test(l));
        push('stack', this.host.current?.name ?? program, ['<stack trace>', ...host.map((l) => ` => ${l.replace(/^at /, '')}`)].join('\n'));
      },
    };
  }

  /**
   * Checks, compiles and attaches a program to an event. Seed-dialect programs print and count
   * (their `ret` returns nothing); an RFC program's r0 ≠ 0 records the event.
   * @throws {@link @ebpf/core!CheckerError} when the checker refuses it; {@link @ebpf/core!NotSupportedError} when the
   * engine cannot run here; {@link @ebpf/core!EbpfError} for an unknown event.
   */
  attach(eventName: string | TraceEvent, spec: ProgramSpec, options: AttachOptions = {}): AttachedProgram {
    const event = typeof eventName === 'string' ? this.event(eventName) : eventName;
    const loaded = this.load(event, spec, options);
    return this.install(event, 'program', loaded, readsEntry(spec));
  }

  private load(event: TraceEvent, spec: ProgramSpec, options: AttachOptions): LoadedProgramLike {
    return this.runtime.load(spec, {
      subsystem: this.subsystemFor(event),
      engine: options.engine ?? this.engine,
      ...(options.license !== undefined ? { license: options.license } : {}),
      ...(options.check ? { check: options.check } : {}),
    });
  }

  private install(event: TraceEvent, kind: 'program' | 'filter', loaded: LoadedProgramLike, needsEntry: boolean, filter?: string): Attachment {
    const a = new Attachment(this.nextProgId++, loaded.spec.name, event, kind, loaded, needsEntry, (x) => this.detachProgram(x), filter);
    this.progs.set(a.id, a);
    event.attachProgram(a);
    return a;
  }

  /**
   * Sets an event's filter (ftrace's `events/<system>/<event>/filter`). `preds` mode records each
   * entry and discards what does not match; `bpf` mode compiles the same string to BPF that runs
   * on the arguments before anything is recorded. An empty string or "0" clears the filter.
   * @throws {@link @ebpf/core!ParseError} (with the column) for a bad filter; the checker's and engines'
   * errors in `bpf` mode.
   */
  setFilter(eventName: string | TraceEvent, filter: string | undefined, options: FilterOptions = {}): AttachedProgram | undefined {
    const event = typeof eventName === 'string' ? this.event(eventName) : eventName;
    const clear = filter === undefined || filter.trim() === '' || filter.trim() === '0';
    let next: Attachment | undefined;
    if (!clear && options.mode === 'bpf') {
      const c = compileFilter(filter, { layout: event.layout, argOffsets: event.argOffsets, eventId: event.id, name: `filter_${event.name}` });
      const loaded = this.load(event, c.spec, { engine: options.engine ?? this.engine });
      next = this.install(event, 'filter', loaded, c.needsEntry, filter);
    } else event.setPredicateFilter(clear ? undefined : filter);
    for (const a of [...this.progs.values()]) if (a.event === event && a.kind === 'filter' && a !== next) this.detachProgram(a);
    if (next) event.setPredicateFilter(undefined);
    return next;
  }

  /** Every attached program. */
  programs(): AttachedProgram[] {
    return [...this.progs.values()];
  }

  /**
   * The attached program with tracer id `id`.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when there is none.
   */
  program(id: number): AttachedProgram {
    const p = this.progs.get(id);
    if (!p) throw new EbpfError('USAGE', `no program with id ${id}`);
    return p;
  }

  private detachProgram(a: Attachment): void {
    if (!this.progs.delete(a.id)) return;
    a.event.detachProgram(a);
    a.loaded.dispose();
    this.warned.delete(a);
  }

  private programFailed(a: Attachment, e: unknown): void {
    a.errors++;
    a.lastError = e instanceof Error ? e.message : String(e);
    if (this.warned.has(a)) return;
    this.warned.add(a);
    this.buffer.push({
      seq: -1,
      ts: this.host.now(),
      pid: this.task.pid,
      cpu: 0,
      comm: this.task.comm,
      kind: 'warning',
      event: a.event.name,
      message: `bpf program ${a.name} (id ${a.id}) failed: ${a.lastError} (further failures are only counted)`,
    });
  }

  /** Maps of the attached programs, by VM map id (each once). */
  maps(): Array<{ map: BpfMap; programs: AttachedProgram[] }> {
    const out = new Map<BpfMap, AttachedProgram[]>();
    for (const a of this.progs.values()) for (const m of a.loaded.maps) out.set(m, [...(out.get(m) ?? []), a]);
    return [...out].map(([map, programs]) => ({ map, programs })).sort((x, y) => x.map.id - y.map.id);
  }

  /**
   * The map with VM id `id` among the attached programs' maps.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when there is none.
   */
  map(id: number): BpfMap {
    const m = this.maps().find((x) => x.map.id === id);
    if (!m) throw new EbpfError('USAGE', `no map with id ${id}`);
    return m.map;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** trace_pipe: consumes the buffer as ftrace-like lines (see {@link tracePipe}). */
  pipe(options: PipeOptions = {}): AsyncGenerator<string, void, undefined> {
    return tracePipe(this.buffer, options);
  }

  /**
   * Opens the control socket at `path` (a Unix domain socket, owner-only) so `ebpf prog list|dump`
   * and `ebpf map dump|clear` reach this application. Node only.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) when another process listens there.
   */
  async listen(path: string): Promise<ControlServer> {
    const { listenControl } = await import('./control/server.js');
    return listenControl(this, path);
  }

  /** Detaches every program, removes every probe (restoring the originals) and frees events. */
  close(): void {
    for (const a of [...this.progs.values()]) this.detachProgram(a);
    for (const e of this.events()) this.removeEvent(e.fullName);
  }
}
