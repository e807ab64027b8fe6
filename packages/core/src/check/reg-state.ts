/**
 * The abstract machine state the checker walks with: what each register holds (the seed's
 * register kinds grown: scalars with ranges, context/stack/map/packet/memory pointers with a
 * fixed and a variable offset, maybe-NULL pointers), per-frame stack bytes with spilled
 * registers, call frames and the ring-buffer reservations a path holds. Pure data and copies;
 * the rules that change it live in `alu.ts`, `mem-access.ts`, `call.ts` and `walk.ts`.
 */
import { REG_COUNT, STACK_SIZE } from '../isa/registers.js';
import { SCALAR_UNKNOWN, SCALAR_ZERO, type Scalar, isConst, scalarText } from './scalar.js';

/** What a register holds. */
export type RegType =
  /** Never written on this path: not readable. */
  | 'not_init'
  /** A number. */
  | 'scalar'
  /** The context (seed PTR_TO_CTX). */
  | 'ctx'
  /** A pointer into a stack frame (seed PTR_TO_STACK / PTR_TO_STACK_IMM). */
  | 'stack'
  /** A map descriptor loaded by `lddw` (Linux CONST_PTR_TO_MAP). */
  | 'map_ptr'
  /** A pointer into one value of a map (seed PTR_TO_TABLE). */
  | 'map_value'
  /** A map value pointer or NULL (seed PTR_TO_TABLE_CONDITIONAL). */
  | 'map_value_or_null'
  /** A pointer into the packet; accessible up to `range` bytes from its base. */
  | 'packet'
  /** A pointer into the packet metadata. */
  | 'packet_meta'
  /** One past the packet's last byte. */
  | 'packet_end'
  /** Memory of `range` bytes (a ring buffer reservation). */
  | 'mem'
  /** Like `mem`, or NULL. */
  | 'mem_or_null';

/** One register's abstract value. Immutable: rules make new ones. */
export interface Reg {
  readonly type: RegType;
  /** A scalar's value, or a pointer's variable offset (constant 0 when fixed). */
  readonly s: Scalar;
  /** A pointer's fixed offset. */
  readonly off: number;
  /** Links copies: a maybe-NULL check, a packet range or a scalar bound applies to all with the same id. */
  readonly id: number;
  /** Reference (ring buffer reservation) the pointer belongs to; 0 when none. */
  readonly ref: number;
  /** Map index (map_ptr, map_value*). */
  readonly map: number;
  /** Frame a stack pointer points into (0 = main program). */
  readonly frame: number;
  /** Packets: bytes from the base known to be inside the packet. `mem`: its size. */
  readonly range: number;
}

const BASE: Reg = Object.freeze({ type: 'not_init', s: SCALAR_UNKNOWN, off: 0, id: 0, ref: 0, map: -1, frame: 0, range: 0 });

/** The unreadable register. */
export const REG_NOT_INIT: Reg = BASE;

/** A scalar register. */
export function scalarReg(s: Scalar, id = 0): Reg {
  return { ...BASE, type: 'scalar', s, id };
}

/** An unknown scalar, shared. */
export const REG_UNKNOWN: Reg = Object.freeze(scalarReg(SCALAR_UNKNOWN));

/** A pointer of `type` with zero offsets; `fields` override. */
export function ptrReg(type: Exclude<RegType, 'not_init' | 'scalar'>, fields: Partial<Omit<Reg, 'type'>> = {}): Reg {
  return { ...BASE, type, s: SCALAR_ZERO, ...fields };
}

/** True for every pointer type. */
export function isPointer(r: Reg): boolean {
  return r.type !== 'scalar' && r.type !== 'not_init';
}

/** True for pointers that may be NULL (usable only after a comparison with 0). */
export function isNullable(r: Reg): boolean {
  return r.type === 'map_value_or_null' || r.type === 'mem_or_null';
}

/** Bytes per frame. */
export const FRAME_BYTES = STACK_SIZE;
/** 8-byte slots per frame. */
export const FRAME_SLOTS = STACK_SIZE / 8;

/** Stack byte kinds. */
export const StackByte = {
  /** Never written: not readable. */ INVALID: 0,
  /** Written with data. */ MISC: 1,
  /** Part of a spilled register (see the frame's `spills`). */ SPILL: 2,
} as const;

/** One call frame: registers, stack bytes and spilled registers. */
export interface Frame {
  /** r0..r10. */
  regs: Reg[];
  /** Kind of each stack byte; index 0 is fp-512. */
  stack: Uint8Array;
  /** Spilled register per 8-byte slot (slot 0 is fp-512). */
  spills: Array<Reg | undefined>;
  /** Slot index of the call that made this frame (-1 for the main program). */
  readonly callsite: number;
  /** Function index this frame runs. */
  readonly func: number;
}

/** A reference a path holds (a ring buffer reservation) and where it was taken. */
export interface RefEntry {
  readonly id: number;
  readonly insn: number;
}

/** The whole abstract state of one path. */
export interface VState {
  frames: Frame[];
  refs: RefEntry[];
  /**
   * Stack slots (frame * 64 + slot) this path certainly wrote since its last remembered state:
   * reads of them do not make the remembered state's slot live (stack liveness for pruning).
   */
  written: Uint8Array;
}

/** A new frame with only r10 (and `args`) set. */
export function newFrame(index: number, callsite: number, func: number): Frame {
  const regs = new Array<Reg>(REG_COUNT).fill(REG_NOT_INIT);
  regs[10] = ptrReg('stack', { frame: index });
  return { regs, stack: new Uint8Array(FRAME_BYTES), spills: new Array<Reg | undefined>(FRAME_SLOTS).fill(undefined), callsite, func };
}

/** A deep copy of a state (registers are immutable values, so they are shared). */
export function cloneState(st: VState): VState {
  return {
    frames: st.frames.map((f) => ({ regs: f.regs.slice(), stack: f.stack.slice(), spills: f.spills.slice(), callsite: f.callsite, func: f.func })),
    refs: st.refs.slice(),
    written: st.written.slice(),
  };
}

/** The current (innermost) frame. */
export function curFrame(st: VState): Frame {
  return st.frames[st.frames.length - 1]!;
}

/** Applies `fn` to every register and spilled register of every frame (rewriting in place). */
export function mapAllRegs(st: VState, fn: (r: Reg) => Reg): void {
  for (const f of st.frames) {
    for (let i = 0; i < f.regs.length; i++) {
      const r = f.regs[i]!;
      if (r.type === 'not_init') continue;
      const n = fn(r);
      if (n !== r) f.regs[i] = n;
    }
    for (let i = 0; i < f.spills.length; i++) {
      const r = f.spills[i];
      if (r === undefined) continue;
      const n = fn(r);
      if (n !== r) f.spills[i] = n;
    }
  }
}

function offText(r: Reg): string {
  const parts: string[] = [];
  if (r.off !== 0) parts.push(`off=${r.off}`);
  if (!(isConst(r.s) && r.s.umin === 0n)) parts.push(`var=${scalarText(r.s)}`);
  return parts.join(',');
}

/** Text form of a register, in the style of the Linux log (`ctx()`, `fp-8`, `map_value(map=0,off=4)`, `17`). */
export function regText(r: Reg, mapName?: (i: number) => string): string {
  const join = (...p: string[]): string => p.filter((x) => x !== '').join(',');
  const map = (): string => `map=${mapName ? mapName(r.map) : r.map}`;
  switch (r.type) {
    case 'not_init': return '?';
    case 'scalar': return r.id ? `${scalarText(r.s)}#${r.id}` : scalarText(r.s);
    case 'ctx': return `ctx(${offText(r)})`;
    case 'stack': {
      const base = `fp${r.off === 0 ? '0' : r.off}`;
      const v = isConst(r.s) && r.s.umin === 0n ? '' : `(var=${scalarText(r.s)})`;
      return `${r.frame > 0 ? `frame${r.frame}:` : ''}${base}${v}`;
    }
    case 'map_ptr': return `map_ptr(${map()})`;
    case 'map_value':
    case 'map_value_or_null':
      return `${r.type}(${join(r.id ? `id=${r.id}` : '', map(), offText(r))})`;
    case 'packet':
    case 'packet_meta':
      return `${r.type === 'packet' ? 'pkt' : 'pkt_meta'}(${join(r.id ? `id=${r.id}` : '', offText(r), `r=${r.range}`)})`;
    case 'packet_end': return 'pkt_end()';
    case 'mem':
    case 'mem_or_null':
      return `${r.type}(${join(r.id ? `id=${r.id}` : '', `ref_obj_id=${r.ref}`, `sz=${r.range}`, offText(r))})`;
  }
}

/** Text of the stack slot at `slot` of `f` (`mmmmmmmm`, a spilled register, or undefined when unwritten). */
export function slotText(f: Frame, slot: number, mapName?: (i: number) => string): string | undefined {
  const spill = f.spills[slot];
  if (spill) return regText(spill, mapName);
  let s = '';
  let any = false;
  for (let i = 0; i < 8; i++) {
    const b = f.stack[slot * 8 + i]!;
    if (b !== StackByte.INVALID) any = true;
    s += b === StackByte.MISC ? 'm' : '?';
  }
  return any ? s : undefined;
}
