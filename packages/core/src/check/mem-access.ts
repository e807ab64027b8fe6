/**
 * Memory rules for loads, stores and atomics through a pointer register: the stack (aligned,
 * inside the frame, reads of initialized bytes only, pointer spill/fill), the context (only
 * where the subsystem's access table allows), map values and ring-buffer memory (inside the
 * object, variable offsets only when their range proves it), and packets (inside the range a
 * `data_end` comparison proved). Pointers are never stored into maps, context or packets.
 */
import type { Insn } from '../isa/insn.js';
import type { Mnemonic } from '../isa/mnemonics.js';
import { AtomicOp, Class, Mode, opClass } from '../isa/opcodes.js';
import type { AccessDir } from '../subsystem/context-access.js';
import type { CheckEnv } from './env.js';
import {
  FRAME_BYTES, type Frame, type Reg, REG_UNKNOWN, StackByte, isPointer, ptrReg, scalarReg,
} from './reg-state.js';
import { type Scalar, isConst, scalarConst, scalarSext, scalarTrunc, SCALAR_UNKNOWN } from './scalar.js';

/** Largest variable offset range the checker enumerates for context accesses. */
const MAX_CTX_ENUM = 4096;
/** Largest packet offset tracked (as Linux's MAX_PACKET_OFF). */
export const MAX_PACKET_OFF = 0xffff;
const VAR_LIMIT = 1n << 29n;

/** A value a store writes: a register, or the immediate of `st`. */
type StoreValue = { reg: Reg; regno: number } | { imm: number };

/** Concrete bounds of `off + var`: [lo, hi] as Numbers, or undefined when unbounded. */
function bounds(off: number, v: Scalar): [number, number] | undefined {
  if (v.smin < -VAR_LIMIT || v.smax > VAR_LIMIT) return undefined;
  return [off + Number(v.smin), off + Number(v.smax)];
}

function sizeOfAccess(m: Mnemonic): 1 | 2 | 4 | 8 {
  return m.bytes ?? 8;
}

function loaded(size: 1 | 2 | 4 | 8, signExtend: boolean, from: Scalar = SCALAR_UNKNOWN): Reg {
  const s = signExtend ? scalarSext(from, (size * 8) as 8 | 16 | 32) : scalarTrunc(from, size);
  return scalarReg(s);
}

/** Checks `dst = *(size *)(src + off)` and sets dst. */
export function checkLoad(env: CheckEnv, insn: Insn, m: Mnemonic): void {
  const base = env.readReg(insn.src);
  if (insn.dst === 10) env.fail('FP_WRITE');
  const size = sizeOfAccess(m);
  const sx = (insn.code & 0xe0) === Mode.MEMSX;
  const v = access(env, insn.src, base, insn.off, size, 'read', undefined, sx);
  env.writeReg(insn.dst, v);
}

/** Checks `*(size *)(dst + off) = src|imm`. */
export function checkStore(env: CheckEnv, insn: Insn, m: Mnemonic): void {
  const base = env.readReg(insn.dst);
  const size = sizeOfAccess(m);
  const value: StoreValue = opClass(insn.code) === Class.STX ? { reg: env.readReg(insn.src), regno: insn.src } : { imm: insn.imm };
  access(env, insn.dst, base, insn.off, size, 'write', value, false);
}

/** Checks an atomic read-modify-write and sets the registers it fetches into. */
export function checkAtomic(env: CheckEnv, insn: Insn, m: Mnemonic): void {
  const base = env.readReg(insn.dst);
  const src = env.readReg(insn.src);
  const size = sizeOfAccess(m);
  if (isPointer(src)) env.fail('PTR_LEAK', { reg: insn.src, where: 'memory (atomic operand)' });
  const cmpxchg = insn.imm === AtomicOp.CMPXCHG;
  if (cmpxchg) {
    const r0 = env.readReg(0);
    if (isPointer(r0)) env.fail('PTR_LEAK', { reg: 0, where: 'memory (cmpxchg operand)' });
  }
  if (base.type !== 'stack' && base.type !== 'map_value' && base.type !== 'mem') {
    env.fail('INVALID_MEM_ACCESS', { reg: insn.dst, type: base.type === 'not_init' ? '?' : `atomic on ${base.type}` });
  }
  const old = access(env, insn.dst, base, insn.off, size, 'read', undefined, false);
  if (isPointer(old)) env.fail('PTR_LEAK', { reg: insn.dst, where: 'an atomic operation (spilled pointer)' });
  access(env, insn.dst, base, insn.off, size, 'write', { reg: REG_UNKNOWN, regno: insn.src }, false);
  const fetched = scalarReg(scalarTrunc(SCALAR_UNKNOWN, size));
  if (cmpxchg) env.writeReg(0, fetched);
  else if (insn.imm === AtomicOp.XCHG || (insn.imm & AtomicOp.FETCH) !== 0) env.writeReg(insn.src, fetched);
}

/**
 * Checks one access of `size` bytes at `reg + off` and returns what a read loads (a store
 * returns the unknown scalar).
 */
export function access(env: CheckEnv, regno: number, p: Reg, off: number, size: 1 | 2 | 4 | 8, dir: AccessDir,
  value: StoreValue | undefined, signExtend: boolean): Reg {
  const at = p.off + off;
  if (env.seed && p.type !== 'stack' && at % size !== 0) env.fail('MISALIGNED', { what: p.type, off: at, size });
  if (dir === 'write' && value && 'reg' in value && isPointer(value.reg) && p.type !== 'stack') {
    env.fail('PTR_LEAK', { reg: value.regno, where: p.type === 'map_value' ? 'map' : p.type });
  }
  switch (p.type) {
    case 'stack': return stackAccess(env, regno, p, at, size, dir, value, signExtend);
    case 'ctx': return ctxAccess(env, regno, p, at, size, dir, signExtend);
    case 'map_value': {
      const map = env.maps[p.map]!.spec;
      objectBounds(env, regno, at, p.s, size, map.valueSize, 'MAP_VALUE_OUT_OF_BOUNDS');
      if (dir === 'write' && map.frozen) env.fail('READ_ONLY', { what: `map ${map.name}` });
      return loaded(size, signExtend);
    }
    case 'mem':
      objectBounds(env, regno, at, p.s, size, p.range, 'MEM_OUT_OF_BOUNDS');
      return loaded(size, signExtend);
    case 'packet':
    case 'packet_meta': {
      if (p.s.smin < 0n || p.s.umax > BigInt(MAX_PACKET_OFF)) env.fail('UNBOUNDED_ACCESS', { reg: regno });
      if (at < 0 || at + size > p.range) {
        env.fail('PACKET_OUT_OF_RANGE', { off: at, size, reg: regno, id: p.id, poff: p.off, range: p.range });
      }
      return loaded(size, signExtend);
    }
    default:
      return env.fail('INVALID_MEM_ACCESS', { reg: regno, type: p.type === 'not_init' ? '?' : p.type });
  }
}

function objectBounds(env: CheckEnv, regno: number, at: number, v: Scalar, size: number, objSize: number,
  reason: 'MAP_VALUE_OUT_OF_BOUNDS' | 'MEM_OUT_OF_BOUNDS'): void {
  const b = bounds(at, v);
  if (!b) env.fail('UNBOUNDED_ACCESS', { reg: regno });
  if (b[0] < 0 || b[1] + size > objSize) {
    env.fail(reason, { valueSize: objSize, memSize: objSize, off: b[0] === b[1] ? b[0] : `${b[0]}..${b[1]}`, size });
  }
}

function ctxAccess(env: CheckEnv, regno: number, p: Reg, at: number, size: 1 | 2 | 4 | 8, dir: AccessDir, signExtend: boolean): Reg {
  if (isConst(p.s)) {
    const o = at + Number(BigInt.asIntN(64, p.s.umin));
    const a = env.subsystem.getContextAccess(o, size, dir);
    if (!a) return env.fail('CTX_ACCESS_DENIED', { off: o, size });
    if (dir === 'write') return REG_UNKNOWN;
    if (a.type === 'scalar') return loaded(size, signExtend);
    if (signExtend) return env.fail('CTX_ACCESS_DENIED', { off: o, size });
    const type = a.type === 'ptr_to_packet' ? 'packet' : a.type === 'ptr_to_packet_end' ? 'packet_end' : 'packet_meta';
    return ptrReg(type);
  }
  // A variable offset: every offset the known bits allow must be a permitted scalar access.
  const b = bounds(at, p.s);
  if (!b || b[1] - b[0] > MAX_CTX_ENUM) return env.fail('UNBOUNDED_ACCESS', { reg: regno });
  const notMask = ~p.s.t.mask & 0xffff_ffff_ffff_ffffn;
  for (let o = b[0]; o <= b[1]; o++) {
    if ((BigInt.asUintN(64, BigInt(o - at)) & notMask) !== p.s.t.value) continue;
    const a = env.subsystem.getContextAccess(o, size, dir);
    if (!a || a.type !== 'scalar') return env.fail('CTX_ACCESS_DENIED', { off: `${b[0]}..${b[1]}`, size });
  }
  return dir === 'write' ? REG_UNKNOWN : loaded(size, signExtend);
}

function stackAccess(env: CheckEnv, regno: number, p: Reg, at: number, size: 1 | 2 | 4 | 8, dir: AccessDir, value: StoreValue | undefined,
  signExtend: boolean): Reg {
  const frame = env.st.frames[p.frame]!;
  const limit = env.stackLimit;
  if (isConst(p.s)) {
    const o = at + Number(BigInt.asIntN(64, p.s.umin));
    if (o < -limit || o + size > 0) return env.fail('STACK_OUT_OF_BOUNDS', { off: o, size });
    if (o % size !== 0) return env.fail('MISALIGNED', { what: 'stack', off: o, size });
    env.noteStackDepth(p.frame, -o);
    return dir === 'write' ? stackWrite(env, p.frame, frame, o, size, value!) : stackRead(env, p.frame, frame, o, size, signExtend);
  }
  const b = bounds(at, p.s);
  if (!b) return env.fail('UNBOUNDED_ACCESS', { reg: regno });
  if (b[0] < -limit || b[1] + size > 0) return env.fail('STACK_OUT_OF_BOUNDS', { off: `${b[0]}..${b[1]}`, size });
  if (((BigInt(at) + p.s.t.value) & BigInt(size - 1)) !== 0n || (p.s.t.mask & BigInt(size - 1)) !== 0n) {
    return env.fail('MISALIGNED', { what: 'variable-offset stack', off: `${b[0]}..${b[1]}`, size });
  }
  env.noteStackDepth(p.frame, -b[0]);
  const lo = FRAME_BYTES + b[0];
  const hi = FRAME_BYTES + b[1] + size;
  if (dir === 'read') {
    env.noteStackRead(p.frame, lo, hi);
    for (let i = lo; i < hi; i++) {
      const k = frame.stack[i]!;
      if (k === StackByte.INVALID) return env.fail('STACK_UNINIT_READ', { off: b[0], i: i - lo, size: hi - lo });
      if (k === StackByte.SPILL && isPointer(frame.spills[i >> 3]!)) return env.fail('SPILL_PARTIAL', { what: 'fill (variable offset)', off: i - FRAME_BYTES, size });
    }
    return loaded(size, signExtend);
  }
  if (value && 'reg' in value && isPointer(value.reg)) return env.fail('PTR_LEAK', { reg: value.regno, where: 'stack (variable offset)' });
  // Any byte in range may be written: spills there lose their register, unwritten bytes stay unreadable.
  for (let slot = lo >> 3; slot <= (hi - 1) >> 3; slot++) destroySpill(frame, slot);
  return REG_UNKNOWN;
}

/**
 * Forgets the register spilled at `slot` before some of its bytes are (or may be) overwritten.
 * A scalar's bytes stay readable data; a pointer's become unreadable, or reading the untouched
 * bytes back would leak part of an address as a number. Callers mark the bytes they certainly
 * write afterwards.
 */
function destroySpill(frame: Frame, slot: number): void {
  const spill = frame.spills[slot];
  if (spill === undefined) return;
  frame.spills[slot] = undefined;
  frame.stack.fill(isPointer(spill) ? StackByte.INVALID : StackByte.MISC, slot * 8, slot * 8 + 8);
}

function stackWrite(env: CheckEnv, frameNo: number, frame: Frame, o: number, size: number, value: StoreValue): Reg {
  const idx = FRAME_BYTES + o;
  const slot = idx >> 3;
  const reg = 'reg' in value ? value.reg : scalarReg(scalarConst(BigInt(value.imm)));
  if (isPointer(reg)) {
    if (size !== 8) return env.fail('SPILL_PARTIAL', { what: 'spill', off: o, size });
    if (reg.type === 'stack' && reg.frame > frameNo) return env.fail('STACK_PTR_ESCAPE', { frame: reg.frame, into: frameNo });
  }
  if (size === 8) {
    // A whole aligned slot keeps the register (pointer or scalar) for a later fill.
    env.noteStackWrite(frameNo, idx, idx + 8);
    frame.spills[slot] = reg;
    frame.stack.fill(StackByte.SPILL, idx, idx + 8);
    return REG_UNKNOWN;
  }
  destroySpill(frame, slot);
  frame.stack.fill(StackByte.MISC, idx, idx + size);
  return REG_UNKNOWN;
}

function stackRead(env: CheckEnv, frameNo: number, frame: Frame, o: number, size: 1 | 2 | 4 | 8, signExtend: boolean): Reg {
  const idx = FRAME_BYTES + o;
  env.noteStackRead(frameNo, idx, idx + size);
  const slot = idx >> 3;
  const spill = frame.spills[slot];
  if (spill !== undefined) {
    if (size === 8) return spill;
    if (isPointer(spill)) return env.fail('SPILL_PARTIAL', { what: 'fill', off: o, size });
    return (idx & 7) === 0 ? loaded(size, signExtend, spill.s) : loaded(size, signExtend);
  }
  for (let i = 0; i < size; i++) {
    const k = frame.stack[idx + i]!;
    if (k === StackByte.INVALID) return env.fail('STACK_UNINIT_READ', { off: o, i, size });
  }
  return loaded(size, signExtend);
}

/**
 * Checks that a helper may read (`init`) or fill (`!init`) `[p, p + size)` for `size` up to
 * `maxSize` bytes (`minSize` at least), and marks filled stack bytes as written.
 */
export function checkHelperMem(env: CheckEnv, regno: number, p: Reg, minSize: number, maxSize: number, init: boolean,
  write: boolean): void {
  if (maxSize === 0) return;
  switch (p.type) {
    case 'stack': {
      const b = bounds(p.off, p.s);
      if (!b) return env.fail('UNBOUNDED_ACCESS', { reg: regno });
      const frame = env.st.frames[p.frame]!;
      if (b[0] < -env.stackLimit || b[1] + maxSize > 0) return env.fail('STACK_OUT_OF_BOUNDS', { off: b[0] === b[1] ? b[0] : `${b[0]}..${b[1]}`, size: maxSize });
      env.noteStackDepth(p.frame, -b[0]);
      if (init) {
        const lo = FRAME_BYTES + b[0];
        const hi = FRAME_BYTES + b[1] + maxSize;
        env.noteStackRead(p.frame, lo, hi);
        for (let i = lo; i < hi; i++) {
          const k = frame.stack[i]!;
          if (k === StackByte.INVALID) return env.fail('STACK_UNINIT_READ', { off: b[0], i: i - lo, size: maxSize });
          if (k === StackByte.SPILL && isPointer(frame.spills[i >> 3]!)) return env.fail('PTR_LEAK', { reg: regno, where: 'helper memory' });
        }
      }
      if (write) {
        if (!isConst(p.s)) {
          for (let slot = (FRAME_BYTES + b[0]) >> 3; slot <= (FRAME_BYTES + b[1] + maxSize - 1) >> 3; slot++) destroySpill(frame, slot);
          return;
        }
        const lo = FRAME_BYTES + b[0];
        for (let slot = lo >> 3; slot <= (lo + minSize - 1) >> 3 && minSize > 0; slot++) destroySpill(frame, slot);
        if (minSize > 0) {
          frame.stack.fill(StackByte.MISC, lo, lo + minSize);
          env.noteStackWrite(p.frame, lo, lo + minSize);
        }
        // Bytes past minSize may or may not be written: spills there lose their register.
        for (let slot = (lo + minSize) >> 3; slot <= (lo + maxSize - 1) >> 3; slot++) destroySpill(frame, slot);
      }
      return;
    }
    case 'map_value': {
      const map = env.maps[p.map]!.spec;
      objectBounds(env, regno, p.off, p.s, maxSize, map.valueSize, 'MAP_VALUE_OUT_OF_BOUNDS');
      if (write && map.frozen) env.fail('READ_ONLY', { what: `map ${map.name}` });
      return;
    }
    case 'mem':
      objectBounds(env, regno, p.off, p.s, maxSize, p.range, 'MEM_OUT_OF_BOUNDS');
      return;
    case 'packet':
    case 'packet_meta':
      if (p.s.smin < 0n || p.s.umax > BigInt(MAX_PACKET_OFF)) return env.fail('UNBOUNDED_ACCESS', { reg: regno });
      if (p.off < 0 || p.off + maxSize > p.range) return env.fail('PACKET_OUT_OF_RANGE', { off: p.off, size: maxSize, reg: regno, id: p.id, poff: p.off, range: p.range });
      return;
    default:
      return env.fail('HELPER_ARG', { reg: regno, type: p.type === 'not_init' ? '?' : p.type, expected: init ? 'readable memory' : 'writable memory' });
  }
}
