/**
 * One BPF function to one wasm function body: walks the structured form (`../cfg`) and
 * translates each basic block's instructions by class. The control constructs come from the
 * structurer; this file only decides what each instruction and condition becomes.
 */
import { EbpfError, NotSupportedError, type LoweredProgram } from '@ebpf/core';
import type { BlockGraph } from '../cfg/blocks.js';
import type { StructuredFunc } from '../cfg/struct-op.js';
import { BLOCK_VOID, W } from '../wasm/opcodes.js';
import { emitAlu } from './alu.js';
import { emitCall, emitCallx } from './calls.js';
import { FuncEmitter, type ModuleEnv } from './emitter.js';
import { emitCondition } from './jumps.js';
import { emitLddw, emitLoad, emitStoreImm, emitStoreReg } from './memory.js';

/** Emits the body of one function; returns its emitter (code and locals). */
export function emitFunction(env: ModuleEnv, isMain: boolean, g: BlockGraph, s: StructuredFunc): FuncEmitter {
  // About 8 code bytes per slot for typical code; 16 leaves room for most, and growing is
  // still possible.
  const slots = g.blocks.length > 0 ? g.blocks[g.blocks.length - 1]!.end - g.blocks[0]!.start : 0;
  const e = new FuncEmitter(env, isMain, 16 * slots + 256);
  const w = e.w;
  const ops = s.ops;
  const code = env.program.code;
  for (let j = 0; j < ops.length; j++) {
    const op = ops[j]!;
    switch (op.k) {
      case 'block':
        w.u8x2(W.block, BLOCK_VOID);
        break;
      case 'loop':
        w.u8x2(W.loop, BLOCK_VOID);
        break;
      case 'if':
        emitCondition(e, g.blocks[op.block]!.last, op.negate);
        w.u8x2(W.if, BLOCK_VOID);
        break;
      case 'else':
        w.u8(W.else);
        break;
      case 'end':
        w.u8(W.end);
        break;
      case 'code': {
        const blk = g.blocks[op.block]!;
        const stop = blk.term === 'fall' ? blk.end : blk.last;
        e.blockStart = blk.start;
        for (let pc = blk.start; pc < stop; pc += code[pc] === 0x18 ? 2 : 1) emitInsn(e, pc);
        break;
      }
      case 'br':
        w.u8(W.br).uleb(op.depth);
        break;
      case 'br_if':
        emitCondition(e, g.blocks[op.block]!.last, op.negate);
        w.u8(W.br_if).uleb(op.depth);
        break;
      case 'return':
        e.get(0);
        w.u8(W.return);
        break;
      case 'set_pc':
        e.i32(op.target);
        e.setLocal(e.pcLocal);
        break;
      case 'set_pc_cond':
        e.i32(op.taken);
        e.i32(op.fall);
        emitCondition(e, g.blocks[op.block]!.last, false);
        w.u8(W.select);
        e.setLocal(e.pcLocal);
        break;
      case 'dispatch': {
        e.getLocal(e.pcLocal);
        w.u8(W.br_table).uleb(op.count - 1);
        for (let i = 0; i < op.count - 1; i++) w.uleb(i);
        w.uleb(op.count - 1);
        break;
      }
    }
  }
  // Every path ended in return or br; this satisfies the i64 result type.
  w.u8(W.unreachable);
  return e;
}

/**
 * Refuses register fields a verified program cannot have: a register above r10, or a write to
 * the read-only frame pointer.
 * @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) naming the instruction.
 */
export function checkRegisters(p: LoweredProgram, pc: number): void {
  const code = p.code[pc]!;
  const cls = code & 7;
  const dst = p.dst[pc]!;
  const src = p.src[pc]!;
  const pseudoSrc = code === 0x18 || code === 0x85; // lddw kinds, call kinds
  let bad: string | undefined;
  if (dst > 10) bad = `r${dst} does not exist`;
  else if (!pseudoSrc && src > 10) bad = `r${src} does not exist`;
  else if (dst === 10 && (cls === 0x04 || cls === 0x07 || cls === 0x01 || code === 0x18)) bad = 'r10 is read-only';
  else if (code === 0xc3 || code === 0xdb) {
    const op = p.imm[pc]!;
    if ((op & 1) !== 0 && src === 10) bad = 'r10 is read-only';
  }
  if (bad) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: ${bad}`);
}

/** Translates one non-control instruction (jumps and exit are the structurer's). */
function emitInsn(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  const code = p.code[pc]!;
  // Only r10 and above, or an atomic, can be refused: skip the call for the common case.
  if (p.dst[pc]! >= 10 || p.src[pc]! >= 10 || code === 0xc3 || code === 0xdb) checkRegisters(p, pc);
  switch (code & 7) {
    case 0x04: // ALU
    case 0x07: // ALU64
      emitAlu(e, pc);
      return;
    case 0x01: // LDX
      emitLoad(e, pc);
      return;
    case 0x02: // ST
      emitStoreImm(e, pc);
      return;
    case 0x03: // STX
      emitStoreReg(e, pc);
      return;
    case 0x00: // LD
      if (code === 0x18) {
        emitLddw(e, pc);
        return;
      }
      throw new NotSupportedError(`jit-wasm: insn ${pc}: legacy packet load 0x${code.toString(16)} is not supported`);
    case 0x05: // JMP: only calls reach here
      if (code === 0x85) {
        emitCall(e, pc);
        return;
      }
      if (code === 0x8d) {
        emitCallx(e, pc);
        return;
      }
      break;
  }
  throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: unexpected opcode 0x${code.toString(16)} inside a basic block`);
}
