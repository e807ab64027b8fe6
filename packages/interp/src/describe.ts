/**
 * Names an instruction of a lowered program for fault messages: its raw fields, since a faulting
 * instruction may be one no disassembler can name (a bad opcode, a wild register).
 */
import type { LoweredProgram } from '@ebpf/core';

/** `op 0x61 dst r0 src r1 off +2 imm 0` for the slot `pc` of `p`, or `slot N` when outside. */
export function describeSlot(p: LoweredProgram, pc: number): string {
  if (!(pc >= 0 && pc < p.length)) return `slot ${pc}`;
  const off = p.off[pc]!;
  return `op 0x${p.code[pc]!.toString(16).padStart(2, '0')} dst r${p.dst[pc]} src r${p.src[pc]} off ${off < 0 ? off : '+' + off} imm ${p.imm[pc]}`;
}
