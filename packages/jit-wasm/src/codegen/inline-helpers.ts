/**
 * Helpers emitted as wasm code instead of an import call, for helpers that declare one of core's
 * fixed descriptions (`HelperDef.inline`: `load_pointer`, `probe_read`, `memcmp`; the exact
 * semantics are documented on `HelperInline`). Range checks are unsigned i64 compares of
 * `address - (base + start)`, so any 64-bit register value is handled; a destination outside
 * the VM stack takes the ordinary helper call (the `fallback` the caller passes).
 */
import { Errno, GUARD_SIZE, type HelperInline } from '@ebpf/core';
import { FC, W } from '../wasm/opcodes.js';
import type { FuncEmitter } from './emitter.js';

/** Result type byte of `if (result i64)`. */
const I64_RESULT = 0x7e;

/**
 * Emits the inline form of helper kind `kind` at `pc`, setting r0. `fallback` emits the helper
 * call leaving r0 (i64) on the wasm stack; it is used for destinations outside the stack.
 */
export function emitInlineHelper(e: FuncEmitter, pc: number, kind: HelperInline, fallback: () => void): void {
  switch (kind) {
    case 'load_pointer':
      emitLoadPointer(e);
      break;
    case 'probe_read':
      emitProbeRead(e, pc, fallback);
      break;
    case 'probe_read_str':
      emitProbeReadStr(e, fallback);
      break;
    case 'memcmp':
      emitMemcmp(e, fallback);
      break;
  }
  e.set(0);
}

/**
 * The value register `reg` holds at `pc` when a `mov reg, imm` earlier in the same basic block
 * sets it and nothing in between may write it; else undefined. Only non-negative values below
 * 2^31 are reported (sizes).
 */
export function knownSize(e: FuncEmitter, pc: number, reg: number): number | undefined {
  const p = e.env.program;
  let known: number | undefined;
  for (let i = e.blockStart; i < pc; i += p.code[i] === 0x18 ? 2 : 1) {
    const code = p.code[i]!;
    const cls = code & 7;
    if (cls === 0x00 && code !== 0x18) {
      if (reg <= 5) known = undefined; // legacy packet loads write r0 and clobber r1..r5
    } else if (cls === 0x07 || cls === 0x04 || cls === 0x01 || cls === 0x00) {
      if (p.dst[i] !== reg) continue;
      const imm = p.imm[i]!;
      known = (code === 0xb7 || code === 0xb4) && imm >= 0 ? imm : undefined;
    } else if (cls === 0x03) {
      if ((code & 0xe0) === 0xc0 && (p.src[i] === reg || reg === 0)) known = undefined; // atomics may write src / r0
    } else if (cls === 0x05 || cls === 0x06) {
      if (reg <= 5) known = undefined; // a call clobbers r0..r5
    }
  }
  return known;
}

/**
 * Pushes an i32: 1 when `[off, off + size)` lies inside `[0, limit)`, where `off` is the i64 in
 * local `offLocal` (an unsigned distance from the range's start) and `size` is `k` or, when `k`
 * is undefined, the i32 in local `sizeLocal`.
 */
function emitFits(e: FuncEmitter, offLocal: number, limit: number, k: number | undefined, sizeLocal: number): void {
  if (k !== undefined) {
    if (k > limit) {
      e.i32(0);
      return;
    }
    e.getLocal(offLocal);
    e.i64(limit - k);
    e.op(W.i64_le_u);
    return;
  }
  e.getLocal(offLocal);
  e.i64(limit);
  e.op(W.i64_le_u);
  e.getLocal(offLocal);
  e.getLocal(sizeLocal);
  e.op(W.i64_extend_i32_u);
  e.op(W.i64_add);
  e.i64(limit);
  e.op(W.i64_le_u);
  e.op(W.i32_and);
}

/** Sets i64 local `l` to `reg - start` (the unsigned distance of the address from VM offset `start`). */
function distance(e: FuncEmitter, reg: number, start: number, l: number): void {
  e.get(reg);
  const k = e.env.base + start;
  if (k !== 0) {
    e.i64(k);
    e.op(W.i64_sub);
  }
  e.setLocal(l);
}

/** Pushes the wasm address (i32) VM offset `start` + the distance in i64 local `l`. */
function addressOf(e: FuncEmitter, l: number, start: number): void {
  e.getLocal(l);
  e.op(W.i32_wrap_i64);
  if (start !== 0) {
    e.i32(start);
    e.op(W.i32_add);
  }
}

/** `load_pointer`: r0 = the u64 at r1 when its 8 bytes are readable, else 0. */
/** `local += delta` on an i32 local (loop counters and cursors). */
function step(e: FuncEmitter, local: number, delta: 1 | -1): void {
  e.getLocal(local);
  e.i32(1);
  e.op(delta === 1 ? W.i32_add : W.i32_sub);
  e.setLocal(local);
}

function emitLoadPointer(e: FuncEmitter): void {
  const t = e.t64a;
  distance(e, 1, GUARD_SIZE, t);
  emitFits(e, t, e.env.memorySize - GUARD_SIZE, 8, -1);
  e.w.u8x2(W.if, I64_RESULT);
  e.getLocal(t);
  e.op(W.i32_wrap_i64);
  e.memOp(W.i64_load, GUARD_SIZE);
  e.w.u8(W.else);
  e.i64(0);
  e.w.u8(W.end);
}

/** Load and store opcodes of a one-word copy of `k` bytes. */
const WORD: Record<number, readonly [number, number]> = {
  1: [W.i64_load8_u, W.i64_store8],
  2: [W.i64_load16_u, W.i64_store16],
  4: [W.i64_load32_u, W.i64_store32],
  8: [W.i64_load, W.i64_store],
};

/** `probe_read(r1 dst, r2 size, r3 unsafe)`: see `HelperInline`. */
function emitProbeRead(e: FuncEmitter, pc: number, fallback: () => void): void {
  const env = e.env;
  const k = knownSize(e, pc, 2);
  const stackSize = env.stackTopOffset - env.stackBottomOffset;
  const readSize = env.memorySize - GUARD_SIZE;
  const dst = e.t64a;
  const src = e.t64b;
  const size = e.t32c;
  // r2 >= 2^31: -EINVAL, nothing written.
  if (k === undefined) {
    e.get(2);
    e.i64(0x80000000);
    e.op(W.i64_ge_u);
  } else e.i32(0);
  e.w.u8x2(W.if, I64_RESULT);
  e.i64Imm(-Errno.EINVAL);
  e.w.u8(W.else);
  {
    if (k === undefined) {
      e.get(2);
      e.op(W.i32_wrap_i64);
      e.setLocal(size);
    }
    distance(e, 1, env.stackBottomOffset, dst);
    emitFits(e, dst, stackSize, k, size);
    e.w.u8x2(W.if, I64_RESULT);
    {
      distance(e, 3, GUARD_SIZE, src);
      emitFits(e, src, readSize, k, size);
      e.w.u8x2(W.if, I64_RESULT);
      {
        const word = k !== undefined ? WORD[k] : undefined;
        addressOf(e, dst, env.stackBottomOffset);
        if (word) {
          addressOf(e, src, GUARD_SIZE);
          e.memOp(word[0], 0);
          e.memOp(word[1], 0);
        } else if (k !== 0) {
          addressOf(e, src, GUARD_SIZE);
          pushSize(e, k, size);
          e.w.u8(W.prefix_fc).u8(FC.memory_copy).u8x2(0, 0);
        } else e.op(W.drop);
        e.i64(0);
      }
      e.w.u8(W.else);
      {
        const word = k !== undefined ? WORD[k] : undefined;
        addressOf(e, dst, env.stackBottomOffset);
        if (word) {
          e.i64(0);
          e.memOp(word[1], 0);
        } else if (k !== 0) {
          e.i32(0);
          pushSize(e, k, size);
          e.w.u8(W.prefix_fc).u8(FC.memory_fill).u8(0);
        } else e.op(W.drop);
        e.i64Imm(-Errno.EFAULT);
      }
      e.w.u8(W.end);
    }
    e.w.u8(W.else);
    fallback();
    e.w.u8(W.end);
  }
  e.w.u8(W.end);
}

/** `probe_read_str(r1 dst, r2 size, r3 unsafe)`: see `HelperInline`. */
function emitProbeReadStr(e: FuncEmitter, fallback: () => void): void {
  const env = e.env;
  const stackSize = env.stackTopOffset - env.stackBottomOffset;
  const readSize = env.memorySize - GUARD_SIZE;
  const dst = e.t64a;
  const src = e.t64b;
  const size = e.t32c;
  const cur = e.t32a;
  const left = e.t32b;
  // r2 = 0 or r2 >= 2^31: -EINVAL, nothing written (r2 - 1 wraps 0 to the top).
  e.get(2);
  e.i64Imm(-1);
  e.op(W.i64_add);
  e.i64(0x7fffffff);
  e.op(W.i64_ge_u);
  e.w.u8x2(W.if, I64_RESULT);
  e.i64Imm(-Errno.EINVAL);
  e.w.u8(W.else);
  {
    e.get(2);
    e.op(W.i32_wrap_i64);
    e.setLocal(size);
    distance(e, 1, env.stackBottomOffset, dst);
    emitFits(e, dst, stackSize, undefined, size);
    e.w.u8x2(W.if, I64_RESULT);
    {
      distance(e, 3, GUARD_SIZE, src);
      emitFits(e, src, readSize, 1, -1);
      e.w.u8x2(W.if, I64_RESULT);
      {
        // left = min(size - 1, bytes to the end of memory); cur scans from the source.
        e.getLocal(size);
        e.i32(1);
        e.op(W.i32_sub);
        e.i32(readSize);
        e.getLocal(src);
        e.op(W.i32_wrap_i64);
        e.op(W.i32_sub);
        e.getLocal(size);
        e.i32(1);
        e.op(W.i32_sub);
        e.i32(readSize);
        e.getLocal(src);
        e.op(W.i32_wrap_i64);
        e.op(W.i32_sub);
        e.op(W.i32_lt_u);
        e.op(W.select);
        e.setLocal(left);
        addressOf(e, src, GUARD_SIZE);
        e.setLocal(cur);
        e.w.u8x2(W.block, 0x40);
        e.w.u8x2(W.loop, 0x40);
        e.getLocal(left);
        e.op(W.i32_eqz);
        e.w.u8(W.br_if).uleb(1);
        e.getLocal(cur);
        e.memOp(W.i32_load8_u, 0);
        e.op(W.i32_eqz);
        e.w.u8(W.br_if).uleb(1);
        step(e, cur, 1);
        step(e, left, -1);
        e.w.u8(W.br).uleb(0);
        e.w.u8(W.end);
        e.w.u8(W.end);
        // len = cur - source (reuses `size`); copy, then the NUL.
        e.getLocal(cur);
        addressOf(e, src, GUARD_SIZE);
        e.op(W.i32_sub);
        e.setLocal(size);
        addressOf(e, dst, env.stackBottomOffset);
        addressOf(e, src, GUARD_SIZE);
        e.getLocal(size);
        e.w.u8(W.prefix_fc).u8(FC.memory_copy).u8x2(0, 0);
        addressOf(e, dst, env.stackBottomOffset);
        e.getLocal(size);
        e.op(W.i32_add);
        e.i64(0);
        e.memOp(W.i64_store8, 0);
        e.getLocal(size);
        e.op(W.i64_extend_i32_u);
        e.i64(1);
        e.op(W.i64_add);
      }
      e.w.u8(W.else);
      {
        addressOf(e, dst, env.stackBottomOffset);
        e.i64(0);
        e.memOp(W.i64_store8, 0);
        e.i64Imm(-Errno.EFAULT);
      }
      e.w.u8(W.end);
    }
    e.w.u8(W.else);
    fallback();
    e.w.u8(W.end);
  }
  e.w.u8(W.end);
}

/** Pushes the copy size: the constant `k`, else the i32 local. */
function pushSize(e: FuncEmitter, k: number | undefined, local: number): void {
  if (k !== undefined) e.i32(k);
  else e.getLocal(local);
}

/** `memcmp(r1 unsafe, r2 mem, r3 size)`: see `HelperInline`. */
function emitMemcmp(e: FuncEmitter, fallback: () => void): void {
  const env = e.env;
  const stackSize = env.stackTopOffset - env.stackBottomOffset;
  const a = e.t64a;
  const b = e.t64b;
  const size = e.t32c;
  e.get(3);
  e.i64(64);
  e.op(W.i64_ge_u);
  e.w.u8x2(W.if, I64_RESULT);
  e.i64Imm(-1);
  e.w.u8(W.else);
  {
    e.get(3);
    e.op(W.i32_wrap_i64);
    e.setLocal(size);
    distance(e, 1, GUARD_SIZE, a);
    emitFits(e, a, env.memorySize - GUARD_SIZE, undefined, size);
    e.w.u8x2(W.if, I64_RESULT);
    {
      distance(e, 2, env.stackBottomOffset, b);
      emitFits(e, b, stackSize, undefined, size);
      e.w.u8x2(W.if, I64_RESULT);
      {
        // Byte addresses in t32a/t32b, the remaining count in t32c, the last difference in b.
        addressOf(e, a, GUARD_SIZE);
        e.setLocal(e.t32a);
        addressOf(e, b, env.stackBottomOffset);
        e.setLocal(e.t32b);
        e.i64(0);
        e.setLocal(b);
        e.w.u8x2(W.block, 0x40);
        e.w.u8x2(W.loop, 0x40);
        e.getLocal(size);
        e.op(W.i32_eqz);
        e.w.u8(W.br_if).uleb(1);
        e.getLocal(e.t32a);
        e.memOp(W.i64_load8_u, 0);
        e.getLocal(e.t32b);
        e.memOp(W.i64_load8_u, 0);
        e.op(W.i64_sub);
        e.teeLocal(b);
        e.i64(0);
        e.op(W.i64_ne);
        e.w.u8(W.br_if).uleb(1);
        for (const l of [e.t32a, e.t32b]) {
          step(e, l, 1);
        }
        step(e, size, -1);
        e.w.u8(W.br).uleb(0);
        e.w.u8(W.end);
        e.w.u8(W.end);
        e.getLocal(b);
      }
      e.w.u8(W.else);
      fallback();
      e.w.u8(W.end);
    }
    e.w.u8(W.else);
    e.i64Imm(-Errno.EFAULT);
    e.w.u8(W.end);
  }
  e.w.u8(W.end);
}
