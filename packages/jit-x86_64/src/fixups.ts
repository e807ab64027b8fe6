/**
 * Jump sizing: short (rel8) or near (rel32) jumps, chosen over repeated code generation passes.
 * Pass 1 emits every layout-dependent jump near; each later pass measures distances on the
 * previous pass's layout and shortens what fits. Sizes only shrink, so distances only shrink and
 * the passes converge; generation stops when a pass reproduces the previous layout exactly, so
 * every displacement in the final bytes is exact. It leaves the instructions themselves to
 * `codegen.ts`.
 */
import { EbpfError } from '@ebpf/core';
import { isImm8, type Cond, type X86Writer } from './x86/encoder.js';

/** Where one pass put things: code offset per eBPF slot, plus named anchors. */
export interface Layout {
  /** Offset of the first byte of each slot's code (-1 for the second slot of `lddw`). */
  readonly slotStart: Int32Array;
  /** Offset of the shared abort path (helper failed: unwind and return). */
  readonly abort: number;
  /** Total code size. */
  readonly size: number;
}

/** True when two layouts put every slot and anchor at the same offset. */
export function sameLayout(a: Layout, b: Layout): boolean {
  if (a.size !== b.size || a.abort !== b.abort || a.slotStart.length !== b.slotStart.length) return false;
  for (let i = 0; i < a.slotStart.length; i++) if (a.slotStart[i] !== b.slotStart[i]) return false;
  return true;
}

/**
 * Chooses jump encodings for one pass. `prev` is the previous pass's layout (undefined on the
 * first pass: every jump is near with a placeholder displacement).
 */
export class JumpPlanner {
  constructor(
    private readonly prev: Layout | undefined,
    private readonly forceNear = false,
  ) {}

  /** The previous layout, if this is not the first pass. */
  get previous(): Layout | undefined {
    return this.prev;
  }

  /** True in the fallback passes, where every jump is near. */
  get jumpsForcedNear(): boolean {
    return this.forceNear;
  }

  /**
   * Emits `jmp` (cc undefined) or `jcc` to the code offset `target` (in the previous layout),
   * from the current write position, which sits at offset `fromPrev` in the previous layout.
   */
  jump(w: X86Writer, cc: Cond | undefined, fromPrev: number, target: number): void {
    if (this.prev === undefined) {
      if (cc === undefined) w.jmpRel32(0);
      else w.jccRel32(cc, 0);
      return;
    }
    const short = target - (fromPrev + 2);
    if (!this.forceNear && isImm8(short)) {
      if (cc === undefined) w.jmpRel8(short);
      else w.jccRel8(cc, short);
      return;
    }
    if (cc === undefined) w.jmpRel32(target - (fromPrev + 5));
    else w.jccRel32(cc, target - (fromPrev + 6));
  }

  /** Emits a near `jcc`/`jmp` (fixed size) to `target`, e.g. to the abort path. */
  jumpNear(w: X86Writer, cc: Cond | undefined, fromPrev: number, target: number): void {
    const known = this.prev !== undefined;
    if (cc === undefined) w.jmpRel32(known ? target - (fromPrev + 5) : 0);
    else w.jccRel32(cc, known ? target - (fromPrev + 6) : 0);
  }

  /** Emits `call rel32` to `target`. */
  call(w: X86Writer, fromPrev: number, target: number): void {
    w.callRel32(this.prev !== undefined ? target - (fromPrev + 5) : 0);
  }
}

/** The result of {@link converge}. */
export interface Converged<T> {
  /** The output of the final pass. */
  readonly result: T;
  /** Passes run. */
  readonly passes: number;
}

/** Passes before falling back to all-near jumps (never reached in practice). */
export const MAX_PASSES = 20;

/**
 * Runs `pass` until two consecutive layouts agree. Falls back to near jumps everywhere (two
 * more passes, stable by construction) if that takes more than {@link MAX_PASSES}.
 * @throws {@link @ebpf/core!EbpfError} (`ENCODE`) if even the all-near layout is unstable (a code generator bug).
 */
export function converge<T extends { layout: Layout }>(pass: (planner: JumpPlanner) => T): Converged<T> {
  let prev: Layout | undefined;
  for (let i = 1; i <= MAX_PASSES; i++) {
    const out = pass(new JumpPlanner(prev));
    if (prev !== undefined && sameLayout(prev, out.layout)) return { result: out, passes: i };
    prev = out.layout;
  }
  const sizing = pass(new JumpPlanner(undefined, true));
  const final = pass(new JumpPlanner(sizing.layout, true));
  if (!sameLayout(sizing.layout, final.layout)) {
    throw new EbpfError('ENCODE', 'jit-x86_64: jump layout did not converge');
  }
  return { result: final, passes: MAX_PASSES + 2 };
}
