/**
 * Calls to wasm. Helpers are imported JS functions taking only the call site's slot (an i32, so
 * no BigInt is made): r1..r5 go to the VM's helper argument block with i64 stores, the JS side
 * runs the helper and writes r0 to offset 0 of the block, and r0 is loaded back. Local calls
 * (bpf-to-bpf) are wasm calls to the subprogram's function with r1..r5 and the callee's frame
 * pointer (512 bytes lower); `callx` goes through one import that looks the helper id up.
 * Helpers with an inline description are `inline-helpers.ts`'s.
 */
import { LINUX_MAP_TYPE, MAP_DESCRIPTOR, NotSupportedError } from '@ebpf/core';
import { W } from '../wasm/opcodes.js';
import { Fault, type FuncEmitter } from './emitter.js';
import { emitInlineHelper } from './inline-helpers.js';

/** Bytes of one stack frame. */
const FRAME = 512;

/** Stores r1..r5 into the helper argument block. */
function storeArgs(e: FuncEmitter): void {
  const base = e.env.argsOffset;
  for (let r = 1; r <= 5; r++) {
    e.i32(0);
    e.get(r);
    e.memOp(W.i64_store, base + 8 * r);
  }
}

/** Loads r0 from the helper argument block. */
function loadResult(e: FuncEmitter): void {
  e.i32(0);
  e.memOp(W.i64_load, e.env.argsOffset);
  e.set(0);
}

/** Translates `call imm` (a helper, src 0) or a local call (src 1) at `pc`. */
export function emitCall(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  const src = p.src[pc]!;
  if (src === 0) {
    const id = p.imm[pc]!;
    if (e.env.inlinesLookup(id)) {
      emitInlineLookup(e, pc, id);
      return;
    }
    const kind = e.env.inlineHelper(id);
    if (kind !== undefined) {
      emitInlineHelper(e, pc, kind, () => {
        storeArgs(e);
        e.i32(pc);
        e.w.u8(W.call).uleb(e.env.helperImport(id));
        e.i32(0);
        e.memOp(W.i64_load, e.env.argsOffset);
      });
      return;
    }
    storeArgs(e);
    e.i32(pc);
    e.w.u8(W.call).uleb(e.env.helperImport(id));
    if (e.env.stops(id)) {
      e.setLocal(e.t32a);
      loadResult(e);
      endRunIf(e, pc);
    } else loadResult(e);
    return;
  }
  if (src === 1) {
    emitLocalCall(e, pc, pc + 1 + p.imm[pc]!);
    return;
  }
  throw new NotSupportedError(`jit-wasm: insn ${pc}: calls with src ${src} (kfuncs) are not supported`);
}

/**
 * `bpf_map_lookup_elem` with an array map inline: the map descriptor (MAP_DESCRIPTOR, the
 * layout core documents for JITs) says whether r1 is an array; if so r0 = values + key * stride
 * when key < max entries, else NULL — no call at all. Any other map takes the helper call.
 */
function emitInlineLookup(e: FuncEmitter, pc: number, id: number): void {
  const D = MAP_DESCRIPTOR;
  const desc = e.t32a;
  const index = e.t32b;
  const k = e.address(1, 0);
  if (k !== 0) {
    e.i32(k);
    e.op(W.i32_add);
  }
  e.teeLocal(desc);
  e.memOp(W.i32_load, D.TYPE);
  e.i32(LINUX_MAP_TYPE.array);
  e.op(W.i32_eq);
  e.w.u8x2(W.if, 0x7e); // (result i64)
  {
    e.memOp(W.i32_load, e.address(2, 0));
    e.teeLocal(index);
    e.getLocal(desc);
    e.memOp(W.i32_load, D.MAX_ENTRIES);
    e.op(W.i32_lt_u);
    e.w.u8x2(W.if, 0x7e);
    e.getLocal(desc);
    e.memOp(W.i64_load, D.VALUES_ADDRESS);
    e.getLocal(index);
    e.op(W.i64_extend_i32_u);
    e.getLocal(desc);
    e.memOp(W.i64_load32_u, D.VALUE_STRIDE);
    e.op(W.i64_mul);
    e.op(W.i64_add);
    e.w.u8(W.else);
    e.i64(0);
    e.w.u8(W.end);
  }
  e.w.u8(W.else);
  {
    storeArgs(e);
    e.i32(pc);
    e.w.u8(W.call).uleb(e.env.helperImport(id));
    e.i32(0);
    e.memOp(W.i64_load, e.env.argsOffset);
  }
  e.w.u8(W.end);
  e.set(0);
}

/** Translates `callx reg` at `pc`: the register holds a helper id. */
export function emitCallx(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  storeArgs(e);
  e.get(p.dst[pc]!);
  e.op(W.f64_convert_i64_u);
  e.i32(pc);
  e.w.u8(W.call).uleb(e.env.callxImport);
  e.setLocal(e.t32a);
  loadResult(e);
  endRunIf(e, pc);
}

/**
 * If the i32 in the scratch local is 1 (the helper ended the run), returns r0 from the whole
 * run: a plain return in the main function; from a subprogram the `fault` import throws a
 * marker carrying r0, which the engine turns into the run's result.
 */
function endRunIf(e: FuncEmitter, pc: number): void {
  e.getLocal(e.t32a);
  e.w.u8x2(W.if, 0x40);
  if (e.isMain) {
    e.get(0);
    e.op(W.return);
  } else {
    e.i32(Fault.EXIT_RUN);
    e.i32(pc);
    e.w.u8(W.call).uleb(e.env.faultImport);
  }
  e.w.u8(W.end);
}

/** A call to the subprogram starting at `target`, one frame deeper. */
function emitLocalCall(e: FuncEmitter, pc: number, target: number): void {
  const fi = e.env.funcIndex(target);
  if (!e.constFp) {
    // The callee's frame [fp - 1024, fp - 512) must lie inside the stack region.
    e.get(10);
    e.i64(e.env.base + e.env.stackBottomOffset + 2 * FRAME);
    e.op(W.i64_lt_u);
    e.w.u8(W.if).u8(0x40);
    e.i32(Fault.CALL_DEPTH);
    e.i32(pc);
    e.w.u8(W.call).uleb(e.env.faultImport);
    e.w.u8(W.end);
  }
  for (let r = 1; r <= 5; r++) e.get(r);
  e.get(10);
  e.i64(FRAME);
  e.op(W.i64_sub);
  e.w.u8(W.call).uleb(fi);
  e.set(0);
}
