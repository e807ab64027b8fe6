/**
 * A differential round: `count` programs from consecutive seeds, each checked and run through
 * the harness's engines, with counts of accepted and refused programs and every disagreement
 * (seed, program text, what differed). Case i of a round with seed S is reproduced by seed S+i
 * alone. Progress reporting is left to the caller (the CLI draws a bar, the test stays quiet).
 */
import { formatProgram, type ProgramSpec } from '@ebpf/core';
import { generateProgram, type GenerateOptions } from './generator.js';
import type { DifferentialHarness } from './harness.js';
import { Prng } from './prng.js';
import { DIFF_CTX_SIZE } from './subsystem.js';

/** Options of {@link runRound}. */
export interface RoundOptions {
  /** First seed. */
  readonly seed: number;
  /** Number of programs. */
  readonly count: number;
  /** Generator options. */
  readonly generate?: GenerateOptions;
  /** Stop at the first disagreement (default false). */
  readonly stopOnMismatch?: boolean;
  /** Called after each program. */
  readonly onProgress?: (done: number, stats: RoundStats) => void;
}

/** One disagreement between engines. */
export interface Mismatch {
  readonly seed: number;
  readonly mismatch: string;
  /** The program, one instruction a line. */
  readonly program: string;
}

/** The counts of a round. */
export interface RoundStats {
  generated: number;
  accepted: number;
  /** Refusals by checker reason. */
  readonly rejected: Map<string, number>;
  readonly mismatches: Mismatch[];
}

/** The program and context of case `seed`. */
export function differentialCase(seed: number, options: GenerateOptions = {}): { spec: ProgramSpec; ctx: Uint8Array } {
  const rng = new Prng(seed);
  const spec = generateProgram(rng, `diff-${seed}`, options);
  const ctx = new Uint8Array(DIFF_CTX_SIZE);
  for (let i = 0; i < ctx.length; i++) ctx[i] = rng.u32() & 0xff;
  return { spec, ctx };
}

/** Runs a round through `harness`. */
export function runRound(harness: DifferentialHarness, options: RoundOptions): RoundStats {
  const stats: RoundStats = { generated: 0, accepted: 0, rejected: new Map(), mismatches: [] };
  for (let i = 0; i < options.count; i++) {
    const seed = (options.seed + i) >>> 0;
    const { spec, ctx } = differentialCase(seed, options.generate);
    stats.generated++;
    const result = harness.runCase(spec, ctx);
    if (!result.accepted) {
      const why = result.rejected ?? 'unknown';
      stats.rejected.set(why, (stats.rejected.get(why) ?? 0) + 1);
    } else {
      stats.accepted++;
      if (result.mismatch !== undefined) {
        stats.mismatches.push({ seed, mismatch: result.mismatch, program: formatProgram(spec.insns).join('\n') });
      }
    }
    options.onProgress?.(i + 1, stats);
    if (options.stopOnMismatch && stats.mismatches.length > 0) break;
  }
  return stats;
}
