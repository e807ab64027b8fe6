/**
 * Runs one program through several engines in one VM and compares what they did: r0 (or the
 * error code), the bytes of the context and of the whole stack, the maps' entries, and the
 * helper-call trace. The
 * first engine is the oracle (the interpreter); every other one must match it exactly. Which
 * programs to run is the generator's and the round's business.
 */
import { EbpfError, Vm, type BpfMap, type Engine, type ProgramSpec, type Region, type VerifiedProgram } from '@ebpf/core';
import { DIFF_CTX_SIZE, DIFF_MAPS, DiffSubsystem, type HelperCall } from './subsystem.js';

/** The checker, passed in: `check(spec, subsystem, maps)` from `@ebpf/core`. */
export type Verifier = (spec: ProgramSpec, subsystem: DiffSubsystem, maps: readonly BpfMap[]) => VerifiedProgram;

/** What one engine did with one program. */
export interface EngineOutcome {
  /** r0, unsigned, when the run finished. */
  readonly r0?: bigint;
  /** The error code (and message) when it did not. */
  readonly error?: string;
  /** Context bytes, then stack bytes, after the run. */
  readonly memory: Uint8Array;
  readonly trace: readonly HelperCall[];
  /** Every map's entries after the run, `key=value` in hex, sorted. */
  readonly maps: readonly string[];
}

/** The result of one differential case. */
export interface CaseResult {
  /** False when the checker refused the program (then nothing ran). */
  readonly accepted: boolean;
  /** The checker's reason for refusing. */
  readonly rejected?: string;
  /** Outcomes by engine name (oracle first). */
  readonly outcomes: ReadonlyMap<string, EngineOutcome>;
  /** A description of the first disagreement, when there is one. */
  readonly mismatch?: string;
}

/** Runs programs through engines and compares them with the first (the oracle). */
export class DifferentialHarness {
  /** The VM every engine runs in (shared, so addresses are equal across engines). */
  readonly vm: Vm;
  readonly subsystem = new DiffSubsystem();
  private readonly ctx: Region;
  /** The maps of {@link DIFF_MAPS}, which every generated program declares. */
  readonly maps: readonly BpfMap[];

  /**
   * @param engines the engines, oracle first; engines that cannot run here must be left out.
   * @param verify the checker.
   */
  constructor(
    readonly engines: ReadonlyArray<{ readonly name: string; readonly engine: Engine }>,
    private readonly verify: Verifier,
  ) {
    if (engines.length < 2) throw new EbpfError('USAGE', 'differential testing needs at least two engines');
    const native = engines.find((e) => e.engine.memoryBase !== undefined)?.engine;
    this.vm = new Vm({ size: 1 << 20, ...(native ? { base: (m: WebAssembly.Memory) => native.memoryBase!(m) } : {}) });
    this.ctx = this.vm.mem.alloc(DIFF_CTX_SIZE, { kind: 'context', name: 'ctx' });
    this.maps = DIFF_MAPS.map((m) => this.vm.createMap(m));
  }

  /** Checks `spec`, runs it through every engine with `ctxInit` as the context, and compares. */
  runCase(spec: ProgramSpec, ctxInit: Uint8Array): CaseResult {
    let verified: VerifiedProgram;
    try {
      verified = this.verify(spec, this.subsystem, spec.maps.length > 0 ? this.maps : []);
    } catch (e) {
      if (EbpfError.is(e) && e.code === 'CHECK') return { accepted: false, rejected: (e as EbpfError & { reason?: string }).reason ?? e.message, outcomes: new Map() };
      throw e;
    }
    const outcomes = new Map<string, EngineOutcome>();
    for (const { name, engine } of this.engines) outcomes.set(name, this.runOne(engine, verified, ctxInit));
    const mismatch = compareOutcomes(outcomes);
    return { accepted: true, outcomes, ...(mismatch !== undefined ? { mismatch } : {}) };
  }

  private runOne(engine: Engine, program: VerifiedProgram, ctxInit: Uint8Array): EngineOutcome {
    const mem = this.vm.mem;
    const stack = this.vm.stack;
    mem.bytes.fill(0, stack.offset, stack.offset + stack.size);
    mem.bytes.set(ctxInit.subarray(0, DIFF_CTX_SIZE), this.ctx.offset);
    for (const m of this.maps) m.clear();
    this.subsystem.reset();
    let r0: bigint | undefined;
    let error: string | undefined;
    try {
      const runnable = engine.compile(program, this.vm);
      try {
        r0 = runnable.run(this.ctx.address, BigInt(DIFF_CTX_SIZE));
      } finally {
        runnable.dispose();
      }
    } catch (e) {
      error = EbpfError.is(e) ? `${e.code}: ${e.message}` : `${e instanceof Error ? e.name : 'throw'}: ${String(e)}`;
    }
    const memory = new Uint8Array(DIFF_CTX_SIZE + stack.size);
    memory.set(mem.bytes.subarray(this.ctx.offset, this.ctx.offset + DIFF_CTX_SIZE), 0);
    memory.set(mem.bytes.subarray(stack.offset, stack.offset + stack.size), DIFF_CTX_SIZE);
    const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const maps = this.maps.flatMap((m) => [...m.entries()].map(([k, v]) => `${m.spec.name}[${hex(k)}]=${hex(v)}`)).sort();
    return { ...(r0 !== undefined ? { r0 } : {}), ...(error !== undefined ? { error } : {}), memory, trace: this.subsystem.trace, maps };
  }
}

/** The first disagreement between the oracle (first entry) and any other engine, if any. */
export function compareOutcomes(outcomes: ReadonlyMap<string, EngineOutcome>): string | undefined {
  const [[oracleName, oracle], ...rest] = [...outcomes];
  if (oracle === undefined) return undefined;
  for (const [name, o] of rest) {
    const vs = `${name} vs ${oracleName}`;
    if (o.error !== undefined || oracle.error !== undefined) {
      const a = o.error?.split(':')[0];
      const b = oracle.error?.split(':')[0];
      if (a !== b) return `${vs}: ${o.error ?? `r0 0x${o.r0!.toString(16)}`} / ${oracle.error ?? `r0 0x${oracle.r0!.toString(16)}`}`;
    } else if (o.r0 !== oracle.r0) {
      return `${vs}: r0 0x${o.r0!.toString(16)} / 0x${oracle.r0!.toString(16)}`;
    }
    for (let i = 0; i < o.memory.length; i++) {
      if (o.memory[i] !== oracle.memory[i]) {
        const where = i < DIFF_CTX_SIZE ? `ctx+${i}` : `stack+${i - DIFF_CTX_SIZE}`;
        return `${vs}: memory differs at ${where}: 0x${o.memory[i]!.toString(16)} / 0x${oracle.memory[i]!.toString(16)}`;
      }
    }
    const mapDiff = o.maps.findIndex((e, i) => e !== oracle.maps[i]);
    if (mapDiff >= 0 || o.maps.length !== oracle.maps.length) {
      const i = mapDiff >= 0 ? mapDiff : Math.min(o.maps.length, oracle.maps.length);
      return `${vs}: maps differ: ${o.maps[i] ?? 'none'} / ${oracle.maps[i] ?? 'none'}`;
    }
    const n = Math.max(o.trace.length, oracle.trace.length);
    for (let i = 0; i < n; i++) {
      const a = o.trace[i];
      const b = oracle.trace[i];
      if (a === undefined || b === undefined || a.id !== b.id || a.args.some((v, k) => v !== b.args[k])) {
        const show = (c: HelperCall | undefined): string => (c ? `${c.id}(${c.args.map((v) => '0x' + v.toString(16)).join(', ')})` : 'none');
        return `${vs}: helper call ${i} differs: ${show(a)} / ${show(b)}`;
      }
    }
  }
  return undefined;
}
