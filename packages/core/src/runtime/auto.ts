/**
 * The `auto` engine rule: which registered engine the runtime picks when the caller names none.
 * A small cost model, with constants measured on this machine class (see docs/jit-wasm.md and
 * `packages/bench/src/engine-costs.ts`): each engine costs an entry (one call from JS), a price
 * per executed instruction and a price per helper call; the program's static profile estimates
 * how many instructions and helper calls one run executes; the cheapest engine that can run
 * here wins. The choice is reported, never hidden, and an engine named explicitly never comes
 * through here: it runs or fails.
 */
import type { Engine } from '../engine/engine.js';
import { NotSupportedError } from '../errors.js';
import type { ProgramSpec } from '../image/program-spec.js';

/** The engines `auto` considers, best first when costs tie. */
export const AUTO_PREFERENCE: readonly string[] = ['jit-wasm', 'jit-x86_64', 'interp'];

/** What one run costs on an engine, in nanoseconds. */
export interface EngineCost {
  /** One call from JS of a program that does nothing (`mov r0, 0; exit`). */
  readonly entryNs: number;
  /** Per executed instruction (long loops: xorshift and checksum). */
  readonly perInsnNs: number;
  /** Per helper call (the round trip into the JS helper and back). */
  readonly perHelperNs: number;
}

/**
 * Measured with `node --conditions=@ebpf/source --import tsx packages/bench/src/engine-costs.ts`
 * and `pnpm bench` (Node 20.20, x86-64, 2 cores shared with other work; best of 5 samples):
 * entry = an empty program through `runLow32`; per instruction = the mean of a dependent
 * xorshift loop (wasm 0.18, native 0.18, interp 4.4 ns) and a 1500-byte checksum (wasm 0.066,
 * native 0.10, interp 5.5 ns); per helper = (10 calls - empty) / 10. The wasm JIT enters in
 * ~11 ns and reaches a JS helper in ~10 ns; the native JIT pays ~50 ns through koffi and
 * ~150 ns per helper callback and is no faster per instruction, so on this machine class the
 * rule picks jit-wasm whenever it can run, then jit-x86_64 (hosts without WebAssembly), then
 * the interpreter. Re-measure and update these figures when an engine changes.
 */
export const ENGINE_COSTS: Readonly<Record<string, EngineCost>> = Object.freeze({
  'jit-wasm': { entryNs: 11, perInsnNs: 0.12, perHelperNs: 10 },
  'jit-x86_64': { entryNs: 50, perInsnNs: 0.14, perHelperNs: 150 },
  interp: { entryNs: 35, perInsnNs: 5, perHelperNs: 50 },
});

/** Instructions a loop body is assumed to run per program run (loops are bounded, counts unknown). */
export const LOOP_TRIP_ESTIMATE = 100;

/** The static estimate of one run of a program. */
export interface RunProfile {
  /** Instructions one run is expected to execute. */
  readonly insns: number;
  /** Helper calls one run is expected to make. */
  readonly helperCalls: number;
  /** The program has back edges (bounded loops). */
  readonly loops: boolean;
}

/**
 * Estimates one run of `spec`: a loop-free program executes at most its length (and each helper
 * call site once); instructions inside a loop (between a back edge's target and the edge) count
 * {@link LOOP_TRIP_ESTIMATE} times.
 */
export function runProfile(spec: Pick<ProgramSpec, 'insns'>): RunProfile {
  const insns = spec.insns;
  // Slot of each instruction, and the slot ranges covered by back edges.
  const slots: number[] = [];
  let slot = 0;
  for (const i of insns) {
    slots.push(slot);
    slot += i.code === 0x18 ? 2 : 1;
  }
  const inLoop = new Uint8Array(slot + 1);
  let loops = false;
  insns.forEach((i, k) => {
    const cls = i.code & 7;
    if ((cls !== 0x05 && cls !== 0x06) || i.code === 0x85 || i.code === 0x95 || i.code === 0x8d) return;
    const off = i.code === 0x06 ? i.imm : i.off;
    const target = slots[k]! + 1 + off;
    if (target <= slots[k]! && target >= 0) {
      loops = true;
      inLoop.fill(1, target, slots[k]! + 1);
    }
  });
  let run = 0;
  let helperCalls = 0;
  insns.forEach((i, k) => {
    const weight = inLoop[slots[k]!] ? LOOP_TRIP_ESTIMATE : 1;
    run += weight;
    if ((i.code === 0x85 && i.src === 0) || i.code === 0x8d) helperCalls += weight;
  });
  return { insns: run, helperCalls, loops };
}

/** Estimated nanoseconds of one run of a program with `profile` on an engine with `cost`. */
export function estimateRunNs(cost: EngineCost, profile: RunProfile): number {
  return cost.entryNs + profile.insns * cost.perInsnNs + profile.helperCalls * cost.perHelperNs;
}

/** What `auto` picked and why. */
export interface AutoChoice {
  /** The engine. */
  readonly engine: Engine;
  /** One line for logs and `--json` output: `auto: jit-wasm (...)`. */
  readonly reason: string;
}

/**
 * Picks an engine for `program` among the registered ones (`lookup(name)` returns undefined for
 * an engine that is not registered): the lowest {@link estimateRunNs} among the engines of
 * {@link AUTO_PREFERENCE} that can run here (ties go to the earlier one). Without a program,
 * a 20-instruction filter is assumed.
 * @throws {@link NotSupportedError} when no engine of {@link AUTO_PREFERENCE} can run here, saying
 * why each was skipped.
 */
export function chooseEngine(lookup: (name: string) => Engine | undefined, program?: ProgramSpec): AutoChoice {
  const profile: RunProfile = program ? runProfile(program) : { insns: 20, helperCalls: 0, loops: false };
  const skipped: string[] = [];
  let best: { engine: Engine; name: string; ns: number } | undefined;
  for (const name of AUTO_PREFERENCE) {
    const engine = lookup(name);
    if (!engine) {
      skipped.push(`${name}: not registered`);
      continue;
    }
    const why = engine.unavailable();
    if (why) {
      skipped.push(`${name}: ${why.message}`);
      continue;
    }
    const ns = estimateRunNs(ENGINE_COSTS[name] ?? ENGINE_COSTS['interp']!, profile);
    if (best === undefined || ns < best.ns) best = { engine, name, ns };
  }
  if (best === undefined) {
    throw new NotSupportedError(`auto: no engine can run here (${skipped.join('; ')}); register one, e.g. registerInterp(container)`);
  }
  const rest = skipped.length ? `; skipped ${skipped.join(', ')}` : '';
  const est = `~${profile.insns} insns, ${profile.helperCalls} helper calls${profile.loops ? ', loops' : ''}`;
  return { engine: best.engine, reason: `auto: ${best.name} (lowest estimated cost, ${best.ns.toFixed(0)} ns/run for ${est}${rest})` };
}
