/**
 * VerifiedProgram: the only thing an engine accepts. Its brand is an unexported unique symbol,
 * so only the checker (`checker.ts`, through {@link sealVerified}) can make one: no unverified
 * program reaches a JIT.
 */
import type { LoweredProgram } from '../engine/lowered.js';
import type { ProgramSpec } from '../image/program-spec.js';
import type { BpfMap } from '../maps/bpf-map.js';
import type { HelperDef, Subsystem } from '../subsystem/subsystem.js';

declare const VERIFIED: unique symbol;

/** A function (the main program or a bpf-to-bpf subprogram) as the checker found it. */
export interface VerifiedFunc {
  /** First slot. */
  readonly start: number;
  /** One past the last slot. */
  readonly end: number;
  /** Stack bytes the function uses (rounded up to 8). */
  readonly stackDepth: number;
}

/** Figures from the verification run. */
export interface CheckStats {
  /** Instructions simulated (the Linux "processed N insns"). */
  readonly processed: number;
  /** States remembered for pruning. */
  readonly states: number;
  /** States pruned. */
  readonly pruned: number;
  /** Wall time of the check in nanoseconds. */
  readonly timeNs: number;
}

/** A program the checker accepted, resolved against a VM's maps and a subsystem's helpers. */
export interface VerifiedProgram {
  /** @internal */
  readonly [VERIFIED]: true;
  readonly spec: ProgramSpec;
  /**
   * The lowered program, resolved: `lddw` map loads hold map descriptor / value addresses,
   * seed calls by name hold the helper's id in `imm`.
   */
  readonly lowered: LoweredProgram;
  /** Helpers the program may call (direct calls and `callx` targets), by id. */
  readonly helpers: ReadonlyMap<number, HelperDef>;
  /** The program's maps, in spec order. */
  readonly maps: readonly BpfMap[];
  readonly subsystem: Subsystem;
  /** Functions, main first. */
  readonly funcs: readonly VerifiedFunc[];
  /** Bytes of context the program may touch (the subsystem's context size). */
  readonly contextSize: number;
  readonly stats: CheckStats;
  /**
   * The verifier log of the accepted program, with the state after each instruction, when the
   * check ran with `verbose` (what `ebpf check -v` prints).
   */
  readonly log?: readonly string[];
}

/** The fields of a VerifiedProgram, without its brand. */
export type VerifiedFields = Omit<VerifiedProgram, typeof VERIFIED>;

/**
 * Brands checked fields as a VerifiedProgram. Called by the checker only.
 * @internal
 */
export function sealVerified(fields: VerifiedFields): VerifiedProgram {
  return Object.freeze({ ...fields }) as VerifiedProgram;
}
