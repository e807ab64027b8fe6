/**
 * What the rule modules (`alu.ts`, `mem-access.ts`, `call.ts`, `jump.ts`) see of the walk in
 * progress: the program, the subsystem and maps, the current state and instruction, and `fail`,
 * which ends the check with a reason. The walker (`walk.ts`) implements it.
 */
import type { BpfMap } from '../maps/bpf-map.js';
import type { HelperDef, Subsystem } from '../subsystem/subsystem.js';
import type { Cfg } from './cfg.js';
import type { ReasonParams, RejectReason } from './reasons.js';
import type { Reg, VState } from './reg-state.js';

/** The walk as the rules see it. */
export interface CheckEnv {
  readonly cfg: Cfg;
  readonly subsystem: Subsystem;
  readonly maps: readonly BpfMap[];
  /** Seed dialect rules are in force. */
  readonly seed: boolean;
  /** Bytes of stack a frame may use (512, or 480 for the seed dialect). */
  readonly stackLimit: number;
  /** The program's license is GPL-compatible. */
  readonly gplCompatible: boolean;
  readonly license: string;
  /** Maximum call frames (main program included). */
  readonly maxCallFrames: number;
  /** Slot of the instruction being checked. */
  readonly pc: number;
  /** The state of the path being walked. */
  readonly st: VState;
  /** A fresh id (for NULL checks, packet ranges, scalar links and references). */
  newId(): number;
  /** Reads register `r` of the current frame, refusing it when it was never written. */
  readReg(r: number): Reg;
  /** Writes register `r` of the current frame (refusing r10). */
  writeReg(r: number, v: Reg): void;
  /** Records that a frame of function `func` used `bytes` of stack. */
  noteStackDepth(frame: number, bytes: number): void;
  /** Records a read of stack bytes `[lo, hi)` (indices into the frame, 0 = fp-512) of `frame`. */
  noteStackRead(frame: number, lo: number, hi: number): void;
  /** Records that stack bytes `[lo, hi)` of `frame` were certainly written. */
  noteStackWrite(frame: number, lo: number, hi: number): void;
  /** Records a helper the program calls (at `pc`, for resolution of seed calls by name). */
  noteHelper(def: HelperDef, pc: number): void;
  /** Ends the check: the program is refused for `reason` at the current instruction. */
  fail(reason: RejectReason, params?: ReasonParams): never;
}
