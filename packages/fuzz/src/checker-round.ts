/**
 * One round of checker soundness fuzzing: generate (and sometimes mutate) programs, check them,
 * and run every accepted one in the interpreter's oracle mode (every access bounded to one
 * object, an instruction budget) on several random contexts, packets and map contents. An
 * accepted program that faults, calls a helper with bad memory or exceeds its budget is a
 * checker bug, reported with its seed and text. The CLI and the CI test drive this.
 */
import { check, CheckerError, type ProgramSpec, type RejectReason } from '@ebpf/core';
import { parseAsm, formatProgram } from '@ebpf/core/asm';
import { Interpreter } from '@ebpf/interp';
import { Prng } from './differential/prng.js';
import { generateCheckerProgram, mutate } from './checker-gen.js';
import { FUZZ_MAPS, FuzzWorld, fuzzSubsystem } from './checker-subsystem.js';

/** Options of {@link runCheckerRound}. */
export interface CheckerRoundOptions {
  /** First seed; program i uses seed + i. */
  readonly seed: number;
  /** Programs to generate. */
  readonly count: number;
  /** Share of programs mutated after generation (default 0.3). */
  readonly mutateShare?: number;
  /** Runs per accepted program (default 3). */
  readonly runs?: number;
  /** Instruction budget per run (default 200,000). */
  readonly budget?: number;
  /** Called after each program (progress). */
  readonly onProgress?: (done: number) => void;
}

/** A checker bug: an accepted program that misbehaved. */
export interface CheckerFailure {
  readonly seed: number;
  readonly error: string;
  readonly program: string;
}

/** What a round found. */
export interface CheckerRoundStats {
  readonly generated: number;
  readonly accepted: number;
  readonly mutated: number;
  readonly mutatedAccepted: number;
  /** Accepted programs run (each {@link CheckerRoundOptions.runs} times). */
  readonly runs: number;
  readonly rejected: ReadonlyMap<RejectReason, number>;
  readonly failures: readonly CheckerFailure[];
}

/** Runs one round. */
export function runCheckerRound(options: CheckerRoundOptions): CheckerRoundStats {
  const subsystem = fuzzSubsystem();
  const world = new FuzzWorld();
  const runsPer = options.runs ?? 3;
  const budget = options.budget ?? 200_000;
  const rejected = new Map<RejectReason, number>();
  const failures: CheckerFailure[] = [];
  let accepted = 0;
  let mutated = 0;
  let mutatedAccepted = 0;
  let runs = 0;
  for (let i = 0; i < options.count; i++) {
    const seed = (options.seed + i) >>> 0;
    const rng = new Prng(seed);
    let insns = parseAsm(generateCheckerProgram(rng));
    const isMutant = rng.chance(options.mutateShare ?? 0.3);
    if (isMutant) {
      insns = mutate(rng, insns);
      mutated++;
    }
    const spec: ProgramSpec = { name: `fuzz-${seed}`, dialect: 'rfc', insns, maps: FUZZ_MAPS, license: 'GPL' };
    let verified;
    try {
      verified = check(spec, subsystem, world.maps, { maxProcessed: 8_000, maxPendingBranches: 512 });
    } catch (e) {
      if (!CheckerError.isCheckerError(e)) {
        failures.push({ seed, error: `checker crashed: ${(e as Error).stack ?? String(e)}`, program: formatProgram(insns).join('\n') });
      } else {
        rejected.set(e.reason, (rejected.get(e.reason) ?? 0) + 1);
      }
      options.onProgress?.(i + 1);
      continue;
    }
    accepted++;
    if (isMutant) mutatedAccepted++;
    const interp = new Interpreter(world.vm, verified.lowered, { oracle: true, budget, helpers: verified.helpers, maps: world.maps, name: spec.name });
    for (let k = 0; k < runsPer; k++) {
      world.reset(() => rng.u32());
      runs++;
      try {
        interp.run(world.ctx.address, 0n);
      } catch (e) {
        failures.push({ seed, error: (e as Error).message, program: formatProgram(insns).join('\n') });
        break;
      }
    }
    options.onProgress?.(i + 1);
  }
  return { generated: options.count, accepted, mutated, mutatedAccepted, runs, rejected, failures };
}
