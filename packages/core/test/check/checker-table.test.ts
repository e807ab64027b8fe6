/**
 * The checker's accept/reject table: every rule of issue #4 with programs that must pass and
 * programs that must be refused with a given reason at a given slot. Assertions are on
 * `{ reason, insn }`, never on wording (typescript-eslint's RuleTester style).
 */
import { describe, it } from 'vitest';
import type { MapSpec } from '@ebpf/core';
import { checkerCases, type CheckerTable, type RejectCase } from '../../src/testing/checker-cases.js';
import { linuxTrace, packetSubsystem, seedTrace } from './fixtures.js';

const api = { describe, it };
const P = (...lines: string[]): string => lines.join('\n');

const ARRAY16: MapSpec = { name: 'arr', type: 'array', keySize: 4, valueSize: 16, maxEntries: 4, flags: 0 };
const HASH8: MapSpec = { name: 'hash', type: 'hash', keySize: 8, valueSize: 8, maxEntries: 16, flags: 0 };
const RINGBUF: MapSpec = { name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 };
const PROGS: MapSpec = { name: 'progs', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 };
const RODATA: MapSpec = { name: '.rodata', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, flags: 0, frozen: true };

// ---------------------------------------------------------------------------------------------
// Structure: limits, jumps, reachability, functions, loops in DAG mode.
const structure: CheckerTable = {
  accept: [
    P('mov %r0, 0', 'exit'),
    P('ldxdw %r2, [%r1+112]', 'mov %r0, 0', 'jeq %r2, 0, +1', 'mov %r0, 1', 'exit'),
    P('mov %r0, 0', 'ldxdw %r2, [%r1+112]', 'jeq %r2, 0, +1', 'exit', 'mov %r0, 1', 'exit'),
    P('lddw %r0, 0x1122334455667788', 'exit'),
    P('ldxdw %r2, [%r1+112]', 'mov %r0, 0', 'jeq %r2, 0, +1', 'ja32 +0', 'exit'),
    P('mov %r0, 0', 'ja +0', 'exit'),
    P('call local f', 'exit', 'f:', 'mov %r0, 1', 'exit'),
    { name: 'bounded loop is accepted outside DAG mode', asm: P('mov %r0, 0', 'l:', 'add %r0, 1', 'jlt %r0, 10, l', 'exit') },
    { name: 'maxInsns is configurable', asm: P('mov %r0, 0', 'mov %r0, 0', 'exit'), options: { maxInsns: 3 } },
  ],
  reject: [
    { asm: '', reason: 'EMPTY_PROGRAM', insn: -1 },
    { asm: P('mov %r0, 0', 'mov %r0, 0', 'exit'), options: { maxInsns: 2 }, reason: 'TOO_MANY_INSNS', insn: -1 },
    { asm: P('lddw %r0, 1', 'exit'), options: { maxInsns: 2 }, reason: 'TOO_MANY_INSNS', insn: -1 },
    { asm: 'mov %r0, 0', reason: 'FALL_OFF_END', insn: 0 },
    { asm: P('ldxdw %r0, [%r1+112]', 'jeq %r0, 0, -2'), reason: 'FALL_OFF_END', insn: 1 },
    { asm: P('mov %r0, 0', 'ja +5', 'exit'), reason: 'JUMP_OUT_OF_RANGE', insn: 1 },
    { asm: P('mov %r0, 0', 'ja -3', 'exit'), reason: 'JUMP_OUT_OF_RANGE', insn: 1 },
    { asm: P('ldxdw %r0, [%r1+112]', 'jeq %r0, 0, +9', 'exit'), reason: 'JUMP_OUT_OF_RANGE', insn: 1 },
    { asm: P('mov %r0, 0', 'ja +1', 'lddw %r0, 1', 'exit'), reason: 'JUMP_INTO_LDDW', insn: 1 },
    { asm: P('mov %r0, 0', 'call 5', 'call local +2', 'exit', 'lddw %r0, 1', 'exit'), reason: 'JUMP_INTO_LDDW', insn: 2 },
    { asm: P('mov %r0, 0', 'exit', 'mov %r0, 1', 'exit'), reason: 'UNREACHABLE', insn: 2 },
    { asm: P('mov %r0, 0', 'ja +1', 'mov %r0, 1', 'exit'), reason: 'UNREACHABLE', insn: 2 },
    { asm: P('mov %r0, 0', 'call local f', 'ja +1', 'exit', 'f:', 'mov %r0, 1', 'exit'), reason: 'JUMP_OUT_OF_FUNC', insn: 2 },
    { asm: P('call local f', 'mov %r0, 0', 'mov %r0, 2', 'f:', 'mov %r0, 1', 'exit'), reason: 'FALL_OFF_END', insn: 2 },
    { asm: P('call local f', 'mov %r0, 0', 'exit', 'f:', 'call local f', 'exit'), reason: 'RECURSIVE_CALL', insn: 3 },
    { asm: P('call local f', 'exit', 'f:', 'call local g', 'exit', 'g:', 'call local f', 'exit'), reason: 'RECURSIVE_CALL', insn: 4 },
    { asm: P('mov %r0, 0', 'l:', 'add %r0, 1', 'jlt %r0, 10, l', 'exit'), options: { dag: true }, reason: 'BACK_EDGE', insn: 2 },
    { asm: P('mov %r0, 0', 'l:', 'ja l'), options: { dag: true }, reason: 'BACK_EDGE', insn: 1 },
    { asm: 'ldabsw 4', reason: 'UNSUPPORTED', insn: 0 },
    { asm: P('ldindh %r1, 4', 'exit'), reason: 'UNSUPPORTED', insn: 0 },
    { asm: P('call runtime 5', 'exit'), reason: 'UNSUPPORTED', insn: 0 },
    { asm: P('lddw %r1, btf_id(3)', 'mov %r0, 0', 'exit'), reason: 'UNSUPPORTED', insn: 0 },
    { asm: P('lddw %r1, func(+2)', 'mov %r0, 0', 'exit', 'mov %r0, 0', 'exit'), reason: 'UNSUPPORTED', insn: 0 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Registers: initialization, the frame pointer, r0 at exit, return range.
const registers: CheckerTable = {
  accept: [
    P('mov %r6, %r1', 'mov %r0, 0', 'exit'),
    P('mov %r6, 5', 'call 5', 'mov %r0, %r6', 'exit'),
    P('mov %r0, %r10', 'sub %r0, %r10', 'exit'),
    P('mov32 %r0, -1', 'exit'),
    P('mov %r2, %r10', 'mov %r0, 0', 'exit'),
  ],
  reject: [
    { asm: P('mov %r0, %r2', 'exit'), reason: 'REG_NOT_INIT', insn: 0 },
    { asm: P('add %r0, 1', 'exit'), reason: 'REG_NOT_INIT', insn: 0 },
    { asm: P('call 5', 'mov %r0, %r1', 'exit'), reason: 'REG_NOT_INIT', insn: 1 },
    { asm: P('mov %r0, 0', 'jeq %r9, 0, +0', 'exit'), reason: 'REG_NOT_INIT', insn: 1 },
    { asm: P('mov %r0, 0', 'stxdw [%r10-8], %r7', 'exit'), reason: 'REG_NOT_INIT', insn: 1 },
    { asm: P('mov %r0, 0', 'ldxdw %r0, [%r3+0]', 'exit'), reason: 'REG_NOT_INIT', insn: 1 },
    { asm: 'exit', reason: 'R0_NOT_INIT', insn: 0 },
    { asm: P('ldxdw %r2, [%r1+112]', 'jeq %r2, 0, +1', 'mov %r0, 0', 'exit'), reason: 'R0_NOT_INIT', insn: 3 },
    { asm: P('mov %r10, 0', 'exit'), reason: 'FP_WRITE', insn: 0 },
    { asm: P('add %r10, 8', 'exit'), reason: 'FP_WRITE', insn: 0 },
    { asm: P('ldxdw %r10, [%r1+112]', 'exit'), reason: 'FP_WRITE', insn: 0 },
    { asm: P('lddw %r10, 1', 'exit'), reason: 'FP_WRITE', insn: 0 },
    { asm: P('mov %r0, %r10', 'exit'), reason: 'R0_LEAKS_ADDR', insn: 1 },
    { asm: P('mov %r0, %r1', 'exit'), reason: 'R0_LEAKS_ADDR', insn: 1 },
  ],
};

const returnRange: CheckerTable = {
  accept: [
    P('mov %r0, 2', 'exit'),
    P('mov %r0, 0', 'exit'),
    P('ldxw %r0, [%r1+24]', 'and %r0, 3', 'exit'),
    P('ldxw %r0, [%r1+24]', 'mod %r0, 4', 'exit'),
    P('ldxw %r0, [%r1+24]', 'jgt %r0, 3, +1', 'exit', 'mov %r0, 1', 'exit'),
  ],
  reject: [
    { asm: P('mov %r0, 4', 'exit'), reason: 'RETURN_RANGE', insn: 1 },
    { asm: P('mov %r0, -1', 'exit'), reason: 'RETURN_RANGE', insn: 1 },
    { asm: P('ldxw %r0, [%r1+24]', 'exit'), reason: 'RETURN_RANGE', insn: 1 },
    { asm: P('ldxw %r0, [%r1+24]', 'jgt %r0, 4, +1', 'exit', 'mov %r0, 1', 'exit'), reason: 'RETURN_RANGE', insn: 2 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Scalar ranges and known bits: a 16-byte map value indexed by r3 after <ops>.
function indexed(ops: readonly string[], access = 'ldxb %r4, [%r0+0]'): string {
  return P(
    'mov %r6, %r1', 'stw [%r10-4], 0', 'mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1',
    'jne %r0, 0, +1', 'exit', 'ldxdw %r3, [%r6+112]', ...ops, 'add %r0, %r3', access, 'out:', 'mov %r0, 0', 'exit',
  );
}
const at = (ops: readonly string[]): number => 11 + ops.length;
const goodOps: ReadonlyArray<readonly string[]> = [
  ['and %r3, 15'],
  ['and %r3, 7', 'add %r3, 8'],
  ['and %r3, 7', 'lsh %r3, 1'],
  ['and %r3, 63', 'rsh %r3, 2'],
  ['mod %r3, 16'],
  ['and %r3, 255', 'div %r3, 16'],
  ['jge %r3, 16, out'],
  ['jgt %r3, 15, out'],
  ['jlt %r3, 16, +1', 'ja out'],
  ['jle %r3, 15, +1', 'ja out'],
  ['jsgt %r3, 15, out', 'jslt %r3, 0, out'],
  ['jsge %r3, 16, out', 'jsle %r3, -1, out'],
  ['and32 %r3, 15'],
  ['mov32 %r3, %r3', 'rsh %r3, 28'],
  ['and %r3, 15', 'mov %r4, 15', 'sub %r4, %r3', 'mov %r3, %r4'],
  ['and %r3, 15', 'neg %r3', 'neg %r3'],
  ['and %r3, 15', 'xor %r3, 15'],
  ['and %r3, 7', 'or %r3, 8'],
  ['and %r3, 3', 'mul %r3, 5'],
  ['and %r3, 63', 'arsh %r3, 2'],
  ['and %r3, 15', 'movsx864 %r3, %r3'],
  ['and %r3, 15', 'le16 %r3'],
  ['jset %r3, -16, out'],
  ['jeq %r3, 5, +1', 'ja out'],
  ['and %r3, 16', 'jne %r3, 16, +1', 'ja out'],
  ['mov %r4, %r3', 'jge %r4, 16, out'],
  ['and %r3, 15', 'stxdw [%r10-16], %r3', 'ldxdw %r3, [%r10-16]'],
  ['and32 %r3, 15', 'add32 %r3, 0'],
  ['and %r3, 15', 'lsh32 %r3, 28', 'rsh32 %r3, 28'],
  ['jgt32 %r3, 15, out', 'and %r3, 0xff'],
  ['mov32 %r3, %r3', 'jgt32 %r3, 15, out'],
  ['and %r3, 1', 'mov %r4, %r3', 'lsh %r4, 3', 'add %r3, %r4'],
  ['mov %r3, 20', 'sub %r3, 5'],
  ['mov %r3, 0x10', 'rsh %r3, 1'],
];
const badOps: ReadonlyArray<readonly [ops: readonly string[], reason: RejectCase['reason']]> = [
  [[], 'UNBOUNDED_ACCESS'],
  [['and %r3, 16'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 7', 'add %r3, 9'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 7', 'lsh %r3, 2'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 63', 'rsh %r3, 1'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['mod %r3, 17'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 255', 'div %r3, 8'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['jgt %r3, 16, out'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['jsgt %r3, 15, out'], 'UNBOUNDED_ACCESS'],
  [['and32 %r3, 15', 'add32 %r3, 1'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 15', 'xor %r3, 16'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 7', 'or %r3, 16'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 3', 'mul %r3, 6'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 255', 'movsx864 %r3, %r3'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 15', 'be16 %r3'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['mov %r4, %r3', 'add %r4, 0', 'jge %r4, 16, out'], 'UNBOUNDED_ACCESS'],
  [['and %r3, 15', 'stxw [%r10-16], %r3', 'ldxw %r3, [%r10-16]'], 'UNBOUNDED_ACCESS'],
  [['jgt32 %r3, 15, out'], 'UNBOUNDED_ACCESS'],
  [['and %r3, 15', 'sub %r3, 1'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['and %r3, 15', 'neg %r3'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['lsh %r3, 60', 'rsh %r3, 59'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['jeq %r3, 16, +1', 'ja out'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  [['mov %r3, 16'], 'MAP_VALUE_OUT_OF_BOUNDS'],
];
const scalars: CheckerTable = {
  accept: goodOps.map((ops) => ({ name: `in bounds: ${ops.join('; ')}`, asm: indexed(ops), maps: [ARRAY16] })),
  reject: badOps.map(([ops, reason]) => ({ name: `out of bounds: ${ops.join('; ') || 'unknown'}`, asm: indexed(ops), maps: [ARRAY16], reason, insn: at(ops) })),
};

// ---------------------------------------------------------------------------------------------
// Stack: bounds, alignment, initialized reads, spill/fill, variable offsets.
const stack: CheckerTable = {
  accept: [
    P('stdw [%r10-8], 1', 'ldxdw %r0, [%r10-8]', 'exit'),
    P('stb [%r10-1], 1', 'ldxb %r0, [%r10-1]', 'exit'),
    P('stw [%r10-512], 1', 'ldxw %r0, [%r10-512]', 'exit'),
    P('stw [%r10-8], 1', 'stw [%r10-4], 2', 'ldxdw %r0, [%r10-8]', 'exit'),
    P('stdw [%r10-8], 1', 'ldxb %r0, [%r10-5]', 'exit'),
    P('stxdw [%r10-8], %r1', 'ldxdw %r2, [%r10-8]', 'ldxdw %r0, [%r2+112]', 'exit'),
    P('mov %r2, %r10', 'add %r2, -8', 'stdw [%r2+0], 5', 'ldxdw %r0, [%r10-8]', 'exit'),
    P('mov %r2, 8', 'add %r2, %r10', 'stdw [%r2-16], 0', 'ldxdw %r0, [%r10-8]', 'exit'),
    P('ldxdw %r2, [%r1+112]', 'and %r2, 8', 'mov %r3, %r10', 'add %r3, %r2', 'stdw [%r10-16], 0', 'stdw [%r10-8], 0', 'ldxdw %r0, [%r3-16]', 'exit'),
    P('ldxdw %r2, [%r1+112]', 'and %r2, 8', 'mov %r3, %r10', 'add %r3, %r2', 'stdw [%r10-16], 0', 'stdw [%r10-8], 0', 'stdw [%r3-16], 1', 'ldxdw %r0, [%r10-8]', 'exit'),
    P('mov %r1, 51', 'stdw [%r10-16], 0xab', 'stdw [%r10-8], 0xcd', 'and %r1, 1', 'lsh %r1, 3', 'mov %r2, %r10', 'add %r2, %r1', 'ldxdw %r0, [%r2-16]', 'exit'),
    P('mov %r6, 7', 'stxdw [%r10-8], %r6', 'ldxdw %r0, [%r10-8]', 'exit'),
    P('stdw [%r10-8], 3', 'ldxw %r0, [%r10-8]', 'exit'),
  ],
  reject: [
    { asm: P('stdw [%r10+0], 1', 'mov %r0, 0', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { asm: P('stdw [%r10-520], 1', 'mov %r0, 0', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { asm: P('ldxw %r0, [%r10-516]', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { asm: P('stb [%r10+8], 1', 'mov %r0, 0', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { asm: P('stw [%r10-2], 1', 'mov %r0, 0', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { asm: P('stdw [%r10-12], 1', 'mov %r0, 0', 'exit'), reason: 'MISALIGNED', insn: 0 },
    { asm: P('stw [%r10-6], 1', 'mov %r0, 0', 'exit'), reason: 'MISALIGNED', insn: 0 },
    { asm: P('stdw [%r10-8], 0', 'ldxh %r0, [%r10-3]', 'exit'), reason: 'MISALIGNED', insn: 1 },
    { asm: P('ldxdw %r0, [%r10-8]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 0 },
    { asm: P('stw [%r10-8], 1', 'ldxdw %r0, [%r10-8]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 1 },
    { asm: P('stxdw [%r10-8], %r1', 'ldxw %r0, [%r10-8]', 'exit'), reason: 'SPILL_PARTIAL', insn: 1 },
    { asm: P('stxw [%r10-8], %r1', 'mov %r0, 0', 'exit'), reason: 'SPILL_PARTIAL', insn: 0 },
    // The untouched 7 bytes of the pointer are unreadable (reading them would leak the address).
    { asm: P('stxdw [%r10-8], %r1', 'stb [%r10-8], 0', 'ldxdw %r2, [%r10-8]', 'ldxdw %r0, [%r2+0]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 2 },
    { asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 4', 'mov %r3, %r10', 'add %r3, %r2', 'stdw [%r10-16], 0', 'stdw [%r10-8], 0', 'ldxdw %r0, [%r3-16]', 'exit'), reason: 'MISALIGNED', insn: 6 },
    { asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 24', 'mov %r3, %r10', 'add %r3, %r2', 'stdw [%r10-16], 0', 'stdw [%r10-8], 0', 'ldxdw %r0, [%r3-16]', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 6 },
    { asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 8', 'mov %r3, %r10', 'add %r3, %r2', 'stdw [%r10-16], 0', 'ldxdw %r0, [%r3-16]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 5 },
    { asm: P('ldxdw %r2, [%r1+112]', 'mov %r3, %r10', 'add %r3, %r2', 'ldxdw %r0, [%r3-16]', 'exit'), reason: 'UNBOUNDED_ACCESS', insn: 3 },
    { asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 8', 'mov %r3, %r10', 'add %r3, %r2', 'stxdw [%r3-16], %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 4 },
    { asm: P('stxdw [%r10-8], %r1', 'ldxdw %r2, [%r1+112]', 'and %r2, 8', 'mov %r3, %r10', 'add %r3, %r2', 'stdw [%r10-16], 0', 'ldxdw %r0, [%r3-16]', 'exit'), reason: 'SPILL_PARTIAL', insn: 6 },
    { asm: P('mov %r2, %r10', 'add %r2, -8', 'ldxdw %r0, [%r2+0]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 2 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Context: the access table (offsets, sizes, directions), copies and offsets of the ctx pointer.
const context: CheckerTable = {
  accept: [
    P('ldxdw %r0, [%r1+112]', 'exit'),
    P('ldxb %r0, [%r1+112]', 'exit'),
    P('ldxw %r0, [%r1+116]', 'exit'),
    P('stdw [%r1+120], 0', 'mov %r0, 0', 'exit'),
    P('mov %r2, 1', 'stxdw [%r1+120], %r2', 'mov %r0, 0', 'exit'),
    P('mov %r6, %r1', 'ldxdw %r0, [%r6+104]', 'exit'),
    P('add %r1, 8', 'ldxdw %r0, [%r1+104]', 'exit'),
    P('ldxdw %r2, [%r1+112]', 'and %r2, 8', 'add %r1, %r2', 'ldxdw %r0, [%r1+104]', 'exit'),
    P('stxdw [%r10-8], %r1', 'ldxdw %r1, [%r10-8]', 'ldxdw %r0, [%r1+88]', 'exit'),
  ],
  reject: [
    { asm: P('ldxdw %r0, [%r1+0]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { asm: P('stdw [%r1+112], 0', 'mov %r0, 0', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { asm: P('ldxdw %r0, [%r1+168]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { asm: P('ldxdw %r0, [%r1-8]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { asm: P('ldxh %r0, [%r1+113]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { asm: P('ldxw %r0, [%r1+120]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { asm: P('stxdw [%r1+120], %r10', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 0 },
    { asm: P('stxdw [%r1+120], %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 0 },
    { asm: P('add %r1, 4', 'ldxdw %r0, [%r1+104]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 1 },
    { asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 32', 'add %r1, %r2', 'ldxdw %r0, [%r1+104]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 3 },
    { asm: P('ldxdw %r2, [%r1+112]', 'add %r1, %r2', 'ldxdw %r0, [%r1+104]', 'exit'), reason: 'UNBOUNDED_ACCESS', insn: 2 },
    { asm: P('ldxdw %r2, [%r1+112]', 'ldxdw %r0, [%r2+0]', 'exit'), reason: 'INVALID_MEM_ACCESS', insn: 1 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Map values: NULL checks, bounds, direct value loads, frozen maps, helpers and map types.
const lookup = ['stw [%r10-4], 1', 'mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1'];
const lookupThen = (...rest: string[]): string => P('mov %r6, %r1', ...lookup, ...rest);
// slots: 0 mov r6, 1 stw, 2 mov, 3 add, 4-5 lddw, 6 call, 7.. rest
const maps: CheckerTable = {
  accept: [
    { asm: lookupThen('jeq %r0, 0, +1', 'ldxdw %r0, [%r0+8]', 'exit'), maps: [ARRAY16] },
    { asm: lookupThen('jne %r0, 0, +1', 'exit', 'stdw [%r0+8], 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16] },
    { asm: lookupThen('mov %r7, %r0', 'jeq %r0, 0, +2', 'ldxdw %r1, [%r7+0]', 'mov %r0, 0', 'exit'), maps: [ARRAY16] },
    { asm: lookupThen('mov %r7, %r0', 'jeq %r7, 0, +1', 'ldxdw %r1, [%r0+0]', 'jeq %r0, 0, +1', 'mov %r0, 0', 'exit'), maps: [ARRAY16] },
    { asm: lookupThen('stxdw [%r10-16], %r0', 'jeq %r0, 0, +3', 'ldxdw %r7, [%r10-16]', 'ldxw %r0, [%r7+12]', 'exit', 'mov %r0, 0', 'exit'), maps: [ARRAY16] },
    { asm: lookupThen('jeq %r0, 0, +3', 'mov %r1, 1', 'stxdw [%r0+0], %r1', 'ldxb %r1, [%r0+15]', 'mov %r0, 0', 'exit'), maps: [ARRAY16] },
    { asm: lookupThen('jeq %r0, 0, +2', 'add %r0, 8', 'stdw [%r0+0], 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16] },
    { asm: P('lddw %r1, map_value_idx(0, 8)', 'ldxdw %r0, [%r1+0]', 'exit'), maps: [ARRAY16] },
    { asm: P('lddw %r1, map_value_idx(0, 0)', 'ldxdw %r0, [%r1+8]', 'exit'), maps: [RODATA] },
    { asm: P('stdw [%r10-8], 1', 'stdw [%r10-16], 2', 'mov %r2, %r10', 'add %r2, -8', 'mov %r3, %r10', 'add %r3, -16', 'lddw %r1, map_idx(0)', 'mov %r4, 0', 'call 2', 'exit'), maps: [HASH8] },
    { asm: P('stdw [%r10-8], 1', 'mov %r2, %r10', 'add %r2, -8', 'lddw %r1, map_idx(0)', 'call 3', 'exit'), maps: [HASH8] },
    { asm: P('mov %r6, %r1', 'lddw %r2, map_idx(0)', 'mov %r3, 0', 'call 12', 'mov %r0, 0', 'exit'), maps: [PROGS] },
    { asm: P('mov %r2, %r10', 'add %r2, -8', 'stdw [%r10-8], 0', 'lddw %r1, map_idx(0)', 'call 1', 'jeq %r0, 0, +4', 'mov %r2, %r0', 'lddw %r1, map_idx(0)', 'call 1', 'mov %r0, 0', 'exit'), maps: [HASH8] },
  ],
  reject: [
    { asm: lookupThen('ldxdw %r1, [%r0+0]', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MEM_ACCESS', insn: 7 },
    { asm: lookupThen('jeq %r0, 0, +1', 'ldxdw %r0, [%r0+16]', 'exit'), maps: [ARRAY16], reason: 'MAP_VALUE_OUT_OF_BOUNDS', insn: 8 },
    { asm: lookupThen('jeq %r0, 0, +1', 'ldxdw %r0, [%r0-8]', 'exit'), maps: [ARRAY16], reason: 'MAP_VALUE_OUT_OF_BOUNDS', insn: 8 },
    { asm: lookupThen('jeq %r0, 0, +1', 'stw [%r0+14], 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'MAP_VALUE_OUT_OF_BOUNDS', insn: 8 },
    { asm: lookupThen('jeq %r0, 0, +1', 'stxdw [%r0+0], %r10', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'PTR_LEAK', insn: 8 },
    { asm: lookupThen('jeq %r0, 0, +1', 'stxdw [%r0+0], %r0', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'PTR_LEAK', insn: 8 },
    { asm: lookupThen('add %r0, 8', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'PTR_ARITH', insn: 7 },
    { asm: lookupThen('jne %r0, 0, +1', 'ldxdw %r0, [%r0+0]', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MEM_ACCESS', insn: 8 },
    { asm: lookupThen('jeq %r0, 1, +1', 'ldxdw %r0, [%r0+0]', 'exit'), maps: [ARRAY16], reason: 'PTR_COMPARE', insn: 7 },
    { asm: P('lddw %r1, map_value_idx(0, 0)', 'stdw [%r1+0], 1', 'mov %r0, 0', 'exit'), maps: [RODATA], reason: 'READ_ONLY', insn: 2 },
    { asm: P('lddw %r1, map_idx(3)', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MAP', insn: 0 },
    { asm: P('lddw %r1, map_value_idx(0, 16)', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MAP', insn: 0 },
    { asm: P('lddw %r1, map_value_idx(0, 0)', 'mov %r0, 0', 'exit'), maps: [HASH8], reason: 'INVALID_MAP', insn: 0 },
    { asm: P('lddw %r1, map_value_idx(0, 8)', 'ldxdw %r0, [%r1+8]', 'exit'), maps: [ARRAY16], reason: 'MAP_VALUE_OUT_OF_BOUNDS', insn: 2 },
    { asm: P('mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'STACK_UNINIT_READ', insn: 4 },
    { asm: P('mov %r2, 0', 'lddw %r1, map_idx(0)', 'call 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'HELPER_ARG', insn: 3 },
    { asm: P('stw [%r10-4], 1', 'mov %r2, %r10', 'add %r2, -4', 'mov %r1, %r10', 'call 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'HELPER_ARG', insn: 4 },
    { asm: P('stw [%r10-4], 1', 'mov %r2, %r10', 'add %r2, -2', 'lddw %r1, map_idx(0)', 'call 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'STACK_OUT_OF_BOUNDS', insn: 5 },
    { asm: P('stdw [%r10-8], 1', 'stw [%r10-16], 2', 'mov %r2, %r10', 'add %r2, -8', 'mov %r3, %r10', 'add %r3, -16', 'lddw %r1, map_idx(0)', 'mov %r4, 0', 'call 2', 'exit'), maps: [HASH8], reason: 'STACK_UNINIT_READ', insn: 9 },
    { asm: P('stw [%r10-4], 1', 'mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1', 'mov %r0, 0', 'exit'), maps: [PROGS], reason: 'MAP_HELPER_MISMATCH', insn: 5 },
    { asm: P('lddw %r2, map_idx(0)', 'mov %r3, 0', 'call 12', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'MAP_HELPER_MISMATCH', insn: 3 },
    { asm: P('stdw [%r10-8], 1', 'mov %r2, %r10', 'add %r2, -8', 'mov %r3, 8', 'mov %r4, 0', 'lddw %r1, map_idx(0)', 'call 130', 'exit'), maps: [ARRAY16], reason: 'MAP_HELPER_MISMATCH', insn: 7 },
    { asm: P('mov %r1, %r10', 'lddw %r2, map_idx(0)', 'mov %r3, 0', 'call 12', 'mov %r0, 0', 'exit'), maps: [PROGS], reason: 'HELPER_ARG', insn: 4 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Packets: data/data_end comparisons prove ranges; no arithmetic on data_end, no leaks.
const pkt = (...rest: string[]): string => P('ldxdw %r2, [%r1+0]', 'ldxdw %r3, [%r1+8]', ...rest, 'out:', 'mov %r0, 0', 'exit');
// slots: 0 data, 1 data_end, 2.. rest
const packets: CheckerTable = {
  accept: [
    pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, out', 'ldxb %r5, [%r2+13]', 'ldxh %r5, [%r2+12]'),
    pkt('mov %r4, %r2', 'add %r4, 14', 'jge %r4, %r3, out', 'ldxdw %r5, [%r2+0]'),
    pkt('mov %r4, %r2', 'add %r4, 14', 'jlt %r4, %r3, +1', 'ja out', 'ldxb %r5, [%r4-1]'),
    pkt('mov %r4, %r2', 'add %r4, 14', 'jle %r4, %r3, +1', 'ja out', 'ldxb %r5, [%r2+13]'),
    pkt('mov %r4, %r2', 'add %r4, 14', 'jlt %r3, %r4, out', 'ldxb %r5, [%r2+13]'),
    pkt('mov %r4, %r2', 'add %r4, 14', 'jge %r3, %r4, +1', 'ja out', 'ldxb %r5, [%r2+13]'),
    pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, out', 'stb [%r2+0], 1'),
    pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, out', 'mov %r5, 7', 'stxb [%r2+1], %r5'),
    pkt('mov %r5, %r3', 'sub %r5, %r2', 'jgt %r5, 100, out', 'mov %r0, 1', 'exit'),
    pkt('mov %r4, %r2', 'add %r4, 1', 'jgt %r4, %r3, out', 'ldxb %r5, [%r2+0]', 'and %r5, 7', 'add %r2, %r5', 'mov %r4, %r2', 'add %r4, 1', 'jgt %r4, %r3, out', 'ldxb %r0, [%r2+0]'),
    pkt('jeq %r2, %r3, out', 'mov %r0, 1', 'exit'),
    pkt('mov %r4, %r2', 'add %r4, 8', 'jgt %r4, %r3, out', 'stxdw [%r10-8], %r2', 'ldxdw %r6, [%r10-8]', 'ldxdw %r5, [%r6+0]'),
  ],
  reject: [
    { asm: pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, out', 'ldxb %r5, [%r2+14]'), reason: 'PACKET_OUT_OF_RANGE', insn: 5 },
    { asm: pkt('ldxb %r5, [%r2+0]'), reason: 'PACKET_OUT_OF_RANGE', insn: 2 },
    { asm: pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, +1', 'ja out', 'ldxb %r5, [%r2+0]'), reason: 'PACKET_OUT_OF_RANGE', insn: 6 },
    { asm: pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, out', 'ldxw %r5, [%r2+12]'), reason: 'PACKET_OUT_OF_RANGE', insn: 5 },
    { asm: pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, out', 'ldxb %r5, [%r2-1]'), reason: 'PACKET_OUT_OF_RANGE', insn: 5 },
    { asm: pkt('add %r3, 1'), reason: 'PTR_ARITH', insn: 2 },
    { asm: pkt('mov %r4, %r2', 'add %r4, 1', 'jgt %r4, %r3, out', 'ldxb %r5, [%r2+0]', 'and %r5, 7', 'add %r2, %r5', 'ldxb %r0, [%r2+0]'), reason: 'PACKET_OUT_OF_RANGE', insn: 8 },
    { asm: pkt('jgt %r2, 10, out'), reason: 'PTR_COMPARE', insn: 2 },
    { asm: pkt('mov %r4, %r2', 'add %r4, 14', 'jgt32 %r4, %r3, out'), reason: 'PTR_COMPARE', insn: 4 },
    { asm: pkt('mov %r4, %r2', 'add %r4, 14', 'jsgt %r4, %r3, out'), reason: 'PTR_COMPARE', insn: 4 },
    { asm: pkt('mov %r4, %r2', 'add %r4, 14', 'jgt %r4, %r3, out', 'stxdw [%r2+0], %r2'), reason: 'PTR_LEAK', insn: 5 },
    { asm: pkt('ldxdw %r5, [%r3+0]'), reason: 'INVALID_MEM_ACCESS', insn: 2 },
    { asm: P('ldxw %r2, [%r1+0]', 'mov %r0, 0', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { asm: P('ldxdw %r2, [%r1+0]', 'mov %r0, %r2', 'exit'), reason: 'R0_LEAKS_ADDR', insn: 2 },
    { asm: pkt('ldxw %r4, [%r1+24]', 'add %r2, %r4', 'mov %r4, %r2', 'add %r4, 1', 'jgt %r4, %r3, out', 'ldxb %r0, [%r2+0]'), reason: 'UNBOUNDED_ACCESS', insn: 7 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Pointer arithmetic and comparisons: no forged or leaked pointers.
const pointers: CheckerTable = {
  accept: [
    P('mov %r2, %r10', 'add %r2, -8', 'mov %r3, %r10', 'sub %r3, %r2', 'mov %r0, %r3', 'exit'),
    P('mov %r2, %r10', 'sub %r2, 16', 'stdw [%r2+0], 1', 'mov %r0, 0', 'exit'),
    P('jeq %r1, 0, +1', 'mov %r0, 0', 'exit'),
    P('mov %r0, 0', 'jne %r10, 0, +1', 'mov %r0, %r2', 'exit'),
    P('mov %r2, 0', 'add %r2, %r1', 'ldxdw %r0, [%r2+112]', 'exit'),
  ],
  reject: [
    { asm: P('mul %r1, 2', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 0 },
    { asm: P('mov %r2, %r10', 'and %r2, -8', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { asm: P('mov %r2, %r10', 'add32 %r2, 8', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { asm: P('mov32 %r2, %r10', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 0 },
    { asm: P('movsx3264 %r2, %r10', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 0 },
    { asm: P('mov %r2, %r10', 'add %r2, %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { asm: P('mov %r2, 1', 'sub %r2, %r10', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { asm: P('mov %r2, %r10', 'sub %r2, %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { asm: P('lddw %r1, map_idx(0)', 'add %r1, 8', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'PTR_ARITH', insn: 2 },
    { asm: P('neg %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 0 },
    { asm: P('be16 %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 0 },
    { asm: P('lsh %r1, 1', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 0 },
    { asm: P('xor %r1, %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 0 },
    { asm: P('mov %r2, %r10', 'add %r2, 0x20000000', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { asm: P('mov %r0, 0', 'jgt %r1, 5, +0', 'exit'), reason: 'PTR_COMPARE', insn: 1 },
    { asm: P('mov %r0, 0', 'jeq %r1, %r10, +0', 'exit'), reason: 'PTR_COMPARE', insn: 1 },
    { asm: P('mov %r0, 0', 'jne %r10, %r1, +0', 'exit'), reason: 'PTR_COMPARE', insn: 1 },
    { asm: P('mov %r0, 0', 'jeq32 %r1, 0, +0', 'exit'), reason: 'PTR_COMPARE', insn: 1 },
    { asm: P('mov %r0, 0', 'mov %r2, 5', 'jgt %r2, %r1, +0', 'exit'), reason: 'PTR_COMPARE', insn: 2 },
    { asm: P('mov %r0, 0', 'jset %r10, 8, +0', 'exit'), reason: 'PTR_COMPARE', insn: 1 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Helper calls: prototypes, sizes, licenses, clobbers, callx.
const printk = (size: string, ...pre: string[]): string => P(...pre, 'stdw [%r10-8], 0', 'mov %r1, %r10', 'add %r1, -8', size, 'call 6', 'exit');
const calls: CheckerTable = {
  accept: [
    P('call 5', 'exit'),
    P('call 14', 'rsh %r0, 32', 'exit'),
    printk('mov %r2, 8'),
    printk('mov %r2, 4'),
    { asm: printk('mov %r2, 8'), license: 'Dual MIT/GPL' },
    { asm: printk('mov %r2, 8'), license: 'GPL v2' },
    printk('add %r2, 1', 'ldxdw %r2, [%r1+112]', 'and %r2, 7'),
    P('mov %r1, %r10', 'add %r1, -16', 'mov %r2, 16', 'mov %r3, 0', 'call 4', 'ldxdw %r0, [%r10-16]', 'exit'),
    P('mov %r1, %r10', 'add %r1, -16', 'mov %r2, 0', 'mov %r3, 0', 'call 4', 'exit'),
    P('mov %r1, 0', 'mov %r2, 0', 'call 201', 'exit'),
    P('stdw [%r10-16], 0', 'stdw [%r10-8], 0', 'mov %r1, %r10', 'add %r1, -16', 'mov %r2, 16', 'call 200', 'exit'),
    P('mov %r2, 5', 'call %r2', 'exit'),
    P('mov %r6, %r1', 'call 5', 'ldxdw %r0, [%r6+112]', 'exit'),
  ],
  reject: [
    { asm: P('call 999', 'exit'), reason: 'UNKNOWN_HELPER', insn: 0 },
    { asm: P('call bpf_nonexistent', 'exit'), reason: 'UNKNOWN_HELPER', insn: 0 },
    { asm: printk('mov %r2, 8'), license: 'Proprietary', reason: 'GPL_ONLY', insn: 4 },
    { asm: printk('mov %r2, 8'), license: 'MIT', reason: 'GPL_ONLY', insn: 4 },
    { asm: printk('mov %r2, 16'), reason: 'STACK_OUT_OF_BOUNDS', insn: 4 },
    { asm: printk('mov %r2, 0'), reason: 'HELPER_ARG_SIZE', insn: 4 },
    { asm: printk('mov %r2, %r6', 'ldxdw %r6, [%r1+112]'), reason: 'HELPER_ARG_SIZE', insn: 5 },
    { asm: printk('add %r2, 1', 'ldxdw %r2, [%r1+112]', 'and %r2, 15'), reason: 'STACK_OUT_OF_BOUNDS', insn: 6 },
    { asm: printk('mov %r2, %r10'), reason: 'HELPER_ARG', insn: 4 },
    { asm: P('mov %r1, 1', 'mov %r2, 8', 'call 6', 'exit'), reason: 'HELPER_ARG', insn: 2 },
    { asm: P('stdw [%r10-8], 0', 'mov %r1, %r10', 'add %r1, -16', 'mov %r2, 16', 'call 6', 'exit'), reason: 'STACK_UNINIT_READ', insn: 4 },
    { asm: P('stdw [%r10-24], 0', 'stdw [%r10-16], 0', 'stdw [%r10-8], 0', 'mov %r1, %r10', 'add %r1, -24', 'mov %r2, 17', 'call 200', 'exit'), reason: 'HELPER_ARG_SIZE', insn: 6 },
    { asm: P('mov %r1, 0', 'mov %r2, 8', 'call 201', 'exit'), reason: 'HELPER_ARG_SIZE', insn: 2 },
    { asm: P('mov %r1, 0', 'call 202', 'exit'), reason: 'UNSUPPORTED', insn: 1 },
    { asm: P('mov %r1, %r10', 'add %r1, -16', 'mov %r2, 16', 'mov %r3, 0', 'call 4', 'ldxdw %r0, [%r10-24]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 5 },
    { asm: P('mov %r1, %r10', 'add %r1, -16', 'mov %r2, 16', 'call 4', 'mov %r0, 0', 'exit'), reason: 'REG_NOT_INIT', insn: 3 },
    { asm: P('call 5', 'mov %r0, %r2', 'exit'), reason: 'REG_NOT_INIT', insn: 1 },
    { asm: P('mov %r2, 999', 'call %r2', 'exit'), reason: 'CALLX_UNKNOWN', insn: 1 },
    { asm: P('ldxdw %r2, [%r1+112]', 'call %r2', 'exit'), reason: 'CALLX_UNKNOWN', insn: 1 },
    { asm: P('mov %r2, %r10', 'call %r2', 'exit'), reason: 'CALLX_UNKNOWN', insn: 1 },
    { asm: P('mov %r1, %r10', 'add %r1, -8', 'mov %r2, 8', 'mov %r3, 0', 'call 4', 'mov %r2, 8', 'mov %r1, %r10', 'add %r1, -8', 'call 6', 'exit'), license: 'BSD', reason: 'GPL_ONLY', insn: 4 },
  ],
};

// ---------------------------------------------------------------------------------------------
// bpf-to-bpf calls: frames, arguments, returns, depth.
function nested(depth: number): string {
  const lines = ['call local f1', 'exit'];
  for (let i = 1; i < depth; i++) lines.push(`f${i}:`, `call local f${i + 1}`, 'exit');
  lines.push(`f${depth}:`, 'mov %r0, 0', 'exit');
  return P(...lines);
}
const subprograms: CheckerTable = {
  accept: [
    P('mov %r1, %r10', 'add %r1, -8', 'call local f', 'ldxdw %r0, [%r10-8]', 'exit', 'f:', 'stdw [%r1+0], 7', 'mov %r0, 0', 'exit'),
    P('mov %r6, 7', 'call local f', 'mov %r0, %r6', 'exit', 'f:', 'mov %r6, %r10', 'mov %r0, 0', 'exit'),
    P('mov %r1, 2', 'call local f', 'exit', 'f:', 'mov %r0, %r1', 'add %r0, 1', 'exit'),
    P('call local f', 'exit', 'f:', 'stdw [%r10-512], 1', 'ldxdw %r0, [%r10-512]', 'exit'),
    P('call local f', 'call local f', 'exit', 'f:', 'mov %r0, 1', 'exit'),
    nested(7),
    P('mov %r1, %r10', 'add %r1, -8', 'stdw [%r10-8], 3', 'call local f', 'exit', 'f:', 'ldxdw %r0, [%r1+0]', 'exit'),
  ],
  reject: [
    { asm: P('call local f', 'exit', 'f:', 'mov %r0, %r10', 'exit'), reason: 'STACK_PTR_ESCAPE', insn: 3 },
    { asm: P('mov %r1, %r10', 'add %r1, -8', 'call local f', 'mov %r0, 0', 'exit', 'f:', 'mov %r2, %r10', 'stxdw [%r1+0], %r2', 'mov %r0, 0', 'exit'), reason: 'STACK_PTR_ESCAPE', insn: 6 },
    { asm: P('mov %r6, 1', 'call local f', 'exit', 'f:', 'mov %r0, %r6', 'exit'), reason: 'REG_NOT_INIT', insn: 3 },
    { asm: P('call local f', 'exit', 'f:', 'exit'), reason: 'R0_NOT_INIT', insn: 2 },
    { asm: P('mov %r1, 1', 'call local f', 'mov %r0, %r1', 'exit', 'f:', 'mov %r0, 0', 'exit'), reason: 'REG_NOT_INIT', insn: 2 },
    { asm: nested(8), reason: 'CALL_DEPTH', insn: 14 },
    { asm: nested(3), options: { maxCallFrames: 3 }, reason: 'CALL_DEPTH', insn: 4 },
    { asm: P('call local f', 'exit', 'f:', 'ldxdw %r0, [%r10-8]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 2 },
    { asm: P('mov %r1, %r10', 'call local f', 'mov %r0, 0', 'exit', 'f:', 'stdw [%r1+0], 1', 'mov %r0, 0', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 4 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Loops: bounded loops proven by simulation; loops without progress and limits refused.
function diamonds(n: number): string {
  const lines = ['mov %r6, %r1', 'mov %r0, 0'];
  for (let i = 0; i < n; i++) lines.push(`ldxdw %r2, [%r6+112]`, `jeq %r2, ${i}, +1`, 'add %r0, 1');
  lines.push('exit');
  return P(...lines);
}
const loops: CheckerTable = {
  accept: [
    P('mov %r0, 0', 'mov %r1, 0', 'l:', 'add %r0, 2', 'add %r1, 1', 'jlt %r1, 10, l', 'exit'),
    P('mov %r0, 0', 'l:', 'add %r0, 1', 'jne %r0, 100, l', 'exit'),
    P('ldxdw %r1, [%r1+112]', 'and %r1, 255', 'mov %r0, 0', 'l:', 'jeq %r1, 0, +3', 'sub %r1, 1', 'add %r0, 1', 'ja l', 'exit'),
    P('mov %r1, 67', 'mov %r0, 0x1', 'mov %r2, 0x2', 'jgt %r1, 0x2, L3', 'L1:', 'ja exit', 'L2:', 'add %r2, 0x1', 'mov %r0, 0x1', 'jge %r2, %r1, exit', 'L3:', 'mov %r3, %r1', 'div %r3, %r2', 'mul %r3, %r2', 'mov %r4, %r1', 'sub %r4, %r3', 'mov %r0, 0x0', 'jne %r4, 0x0, L2', 'exit'),
    { name: 'pruning keeps 40 diamonds linear', asm: diamonds(40), options: { maxProcessed: 5000 } },
  ],
  reject: [
    { asm: P('mov %r0, 0', 'l:', 'ja l'), reason: 'INFINITE_LOOP', insn: 1 },
    { asm: P('ldxdw %r1, [%r1+112]', 'mov %r0, 0', 'l:', 'add %r1, 1', 'jne %r1, 0, l', 'exit'), reason: 'INFINITE_LOOP', insn: 2 },
    { asm: P('mov %r0, 0', 'l:', 'add %r0, 1', 'jne %r0, 1000000, l', 'exit'), options: { maxProcessed: 1000 }, reason: 'TOO_COMPLEX' },
    { asm: P('mov %r0, 0', 'l:', 'add %r0, 1', 'jlt %r0, 10, l', 'exit'), options: { dag: true }, reason: 'BACK_EDGE', insn: 2 },
    { asm: diamonds(12), options: { maxPendingBranches: 4 }, reason: 'TOO_MANY_BRANCHES' },
    { asm: P('ldxdw %r1, [%r1+112]', 'mov %r0, 0', 'l:', 'add %r0, 1', 'jgt %r1, 5, l', 'exit'), options: { maxProcessed: 20000 }, reason: 'TOO_COMPLEX' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Ring buffer reservations: every path submits or discards; no access past the reservation.
const reserve = ['lddw %r1, map_idx(0)', 'mov %r2, 16', 'mov %r3, 0', 'call 131'];
// slots: 0-1 lddw, 2 mov, 3 mov, 4 call, 5.. rest
const rb = (...rest: string[]): string => P(...reserve, ...rest, 'out:', 'mov %r0, 0', 'exit');
const ringbuf: CheckerTable = {
  accept: [
    { asm: rb('jeq %r0, 0, out', 'stdw [%r0+8], 1', 'mov %r1, %r0', 'mov %r2, 0', 'call 132'), maps: [RINGBUF] },
    { asm: rb('jeq %r0, 0, out', 'mov %r1, %r0', 'mov %r2, 0', 'call 133'), maps: [RINGBUF] },
    { asm: rb('jne %r0, 0, +1', 'ja out', 'stw [%r0+12], 1', 'mov %r1, %r0', 'mov %r2, 0', 'call 132'), maps: [RINGBUF] },
    { asm: P('stdw [%r10-8], 1', 'mov %r2, %r10', 'add %r2, -8', 'mov %r3, 8', 'mov %r4, 0', 'lddw %r1, map_idx(0)', 'call 130', 'exit'), maps: [RINGBUF] },
  ],
  reject: [
    { asm: rb('jeq %r0, 0, out', 'stdw [%r0+8], 1'), maps: [RINGBUF], reason: 'UNRELEASED_REF', insn: 8 },
    { asm: rb('jeq %r0, 0, out', 'stdw [%r0+16], 1', 'mov %r1, %r0', 'mov %r2, 0', 'call 132'), maps: [RINGBUF], reason: 'MEM_OUT_OF_BOUNDS', insn: 6 },
    { asm: rb('stdw [%r0+0], 1'), maps: [RINGBUF], reason: 'INVALID_MEM_ACCESS', insn: 5 },
    { asm: rb('jeq %r0, 0, out', 'mov %r6, %r0', 'mov %r1, %r0', 'mov %r2, 0', 'call 132', 'ldxdw %r1, [%r6+0]'), maps: [RINGBUF], reason: 'REG_NOT_INIT', insn: 10 },
    { asm: rb('jeq %r0, 0, out', 'add %r0, 8', 'mov %r1, %r0', 'mov %r2, 0', 'call 132'), maps: [RINGBUF], reason: 'HELPER_ARG', insn: 9 },
    { asm: P('ldxdw %r2, [%r1+112]', 'lddw %r1, map_idx(0)', 'mov %r3, 0', 'call 131', 'mov %r0, 0', 'exit'), maps: [RINGBUF], reason: 'HELPER_ARG', insn: 4 },
    { asm: P('mov %r6, %r1', ...reserve, 'jeq %r0, 0, out', 'mov %r1, %r6', 'lddw %r2, map_idx(1)', 'mov %r3, 0', 'call 12', 'out:', 'mov %r0, 0', 'exit'), maps: [RINGBUF, PROGS], reason: 'UNRELEASED_REF', insn: 11 },
    { asm: rb('jeq %r0, 0, out', 'stxdw [%r0+0], %r0', 'mov %r1, %r0', 'mov %r2, 0', 'call 132'), maps: [RINGBUF], reason: 'PTR_LEAK', insn: 6 },
    { asm: P('stw [%r10-4], 1', 'mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1', 'mov %r0, 0', 'exit'), maps: [RINGBUF], reason: 'MAP_HELPER_MISMATCH', insn: 5 },
    { asm: rb('jeq %r0, 0, out', 'mov %r1, %r10', 'mov %r2, 0', 'call 132'), maps: [RINGBUF], reason: 'HELPER_ARG', insn: 8 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Atomics.
const atomics: CheckerTable = {
  accept: [
    P('stdw [%r10-8], 0', 'mov %r1, 1', 'lock add [%r10-8], %r1', 'ldxdw %r0, [%r10-8]', 'exit'),
    P('stdw [%r10-8], 0', 'mov %r1, 1', 'lock fetch add [%r10-8], %r1', 'mov %r0, %r1', 'exit'),
    P('stdw [%r10-8], 0', 'mov %r1, 1', 'mov %r0, 0', 'lock cmpxchg [%r10-8], %r1', 'exit'),
    P('stw [%r10-8], 0', 'mov %r1, 1', 'lock xor32 [%r10-8], %r1', 'ldxw %r0, [%r10-8]', 'exit'),
    P('stdw [%r10-8], 0', 'mov %r1, 1', 'lock xchg [%r10-8], %r1', 'mov %r0, %r1', 'exit'),
    { asm: lookupThen('jeq %r0, 0, +3', 'mov %r1, 1', 'lock add [%r0+8], %r1', 'mov %r0, 0', 'exit'), maps: [ARRAY16] },
  ],
  reject: [
    { asm: P('mov %r1, 1', 'lock add [%r10-8], %r1', 'mov %r0, 0', 'exit'), reason: 'STACK_UNINIT_READ', insn: 1 },
    { asm: P('stdw [%r10-8], 0', 'lock add [%r10-8], %r10', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 1 },
    { asm: P('mov %r2, 1', 'lock add [%r1+120], %r2', 'mov %r0, 0', 'exit'), reason: 'INVALID_MEM_ACCESS', insn: 1 },
    { asm: P('stxdw [%r10-8], %r1', 'mov %r2, 1', 'lock add [%r10-8], %r2', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 2 },
    { asm: P('stdw [%r10-8], 0', 'mov %r1, 1', 'lock cmpxchg [%r10-8], %r1', 'mov %r0, 0', 'exit'), reason: 'REG_NOT_INIT', insn: 2 },
    { asm: P('stdw [%r10-8], 0', 'mov %r1, %r10', 'lock xchg [%r10-8], %r1', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 2 },
    { asm: P('stdw [%r10-8], 0', 'mov %r1, 1', 'lock add [%r10-12], %r1', 'mov %r0, 0', 'exit'), reason: 'MISALIGNED', insn: 2 },
    { asm: P('stdw [%r10-8], 0', 'mov %r1, 1', 'lock fetch add [%r10-8], %r1', 'ldxdw %r0, [%r1+0]', 'exit'), reason: 'INVALID_MEM_ACCESS', insn: 3 },
    { asm: P('mov %r1, 1', 'lock add [%r1+0], %r1', 'mov %r0, 0', 'exit'), reason: 'INVALID_MEM_ACCESS', insn: 1 },
  ],
};

// ---------------------------------------------------------------------------------------------
// The seed dialect: trace context and helpers, DAG, fp-480..fp, `ret` without r0, memcmp < 64.
const seed = (asm: string): { asm: string; dialect: 'seed' } => ({ asm, dialect: 'seed' });
const memcmp = (size: number): string => {
  const lines: string[] = [];
  for (let off = -64; off < 0; off += 8) lines.push(`stdw [%r10${off}], 0`);
  lines.push('ldxdw %r1, [%r1+104]', 'mov %r2, %r10', 'add %r2, -64', `mov %r3, ${size}`, 'call bpf_memcmp', 'exit');
  return P(...lines);
};
const seedTable: CheckerTable = {
  accept: [
    seed(P('mov %r6, %r1', 'exit')),
    seed(P('ldxdw %r0, [%r1+104]', 'exit')),
    seed(P('call bpf_dump_stack', 'exit')),
    seed(P('stdw [%r10-480], 0', 'exit')),
    seed(memcmp(63)),
    seed(memcmp(2)),
    seed(P('ldxdw %r1, [%r1+112]', 'call bpf_load_pointer', 'mov %r6, %r0', 'exit')),
    { ...seed(P('stdw [%r10-8], 0', 'mov %r3, %r10', 'add %r3, -8', 'mov %r2, 0', 'call bpf_table_lookup', 'jeq %r0, 0, +1', 'ldxdw %r1, [%r0+0]', 'exit')), maps: [HASH8] },
    { ...seed(P('stdw [%r10-8], 0', 'stdw [%r10-16], 0', 'mov %r3, %r10', 'add %r3, -8', 'mov %r4, %r10', 'add %r4, -16', 'mov %r2, 0', 'call bpf_table_update', 'exit')), maps: [HASH8] },
    seed(P('stw [%r10-4], 0x6f6c', 'mov %r1, %r10', 'add %r1, -4', 'mov %r2, 4', 'call bpf_trace_printk', 'exit')),
  ],
  reject: [
    { ...seed(P('stdw [%r10-488], 0', 'exit')), reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { ...seed(memcmp(64)), reason: 'HELPER_ARG_SIZE', insn: 12 },
    { ...seed(P('mov %r0, 0', 'l:', 'add %r0, 1', 'jlt %r0, 10, l', 'exit')), reason: 'BACK_EDGE', insn: 2 },
    { ...seed(P('ldxdw %r0, [%r1+104]', 'jeq %r0, 0, +1', 'exit', 'mov %r0, 1')), reason: 'LAST_NOT_EXIT', insn: 3 },
    { ...seed(P('ldxw %r0, [%r1+112]', 'exit')), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { ...seed(P('ldxdw %r0, [%r1+108]', 'exit')), reason: 'MISALIGNED', insn: 0 },
    { ...seed(P('stdw [%r1+104], 0', 'exit')), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { ...seed(P('ldxdw %r0, [%r1+0]', 'exit')), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { ...seed(P('call bpf_nothing', 'exit')), reason: 'UNKNOWN_HELPER', insn: 0 },
    { ...seed(P('mov %r1, %r10', 'call bpf_dump_stack', 'exit')), reason: 'HELPER_ARG', insn: 1 },
    { ...seed(P('stdw [%r10-8], 0', 'mov %r3, %r10', 'add %r3, -8', 'mov %r2, 1', 'call bpf_table_lookup', 'exit')), maps: [HASH8], reason: 'INVALID_MAP', insn: 4 },
    { ...seed(P('mov %r3, %r1', 'mov %r2, 0', 'call bpf_table_lookup', 'exit')), maps: [HASH8], reason: 'HELPER_ARG', insn: 2 },
    { ...seed(P('stdw [%r10-8], 0', 'mov %r3, %r10', 'add %r3, -8', 'ldxdw %r2, [%r1+104]', 'call bpf_table_lookup', 'exit')), maps: [HASH8], reason: 'HELPER_ARG', insn: 4 },
    { ...seed(P('stw [%r10-4], 0', 'mov %r3, %r10', 'add %r3, -4', 'mov %r2, 0', 'call bpf_table_lookup', 'exit')), maps: [HASH8], reason: 'STACK_OUT_OF_BOUNDS', insn: 4 },
    { ...seed(P('stdw [%r10-8], 0', 'mov %r3, %r10', 'add %r3, -8', 'mov %r2, 0', 'call bpf_table_lookup', 'ldxdw %r1, [%r0+0]', 'exit')), maps: [HASH8], reason: 'INVALID_MEM_ACCESS', insn: 5 },
    { ...seed(P('stdw [%r10-8], 0', 'mov %r3, %r10', 'add %r3, -8', 'mov %r2, 0', 'call bpf_table_lookup', 'jeq %r0, 0, +1', 'ldxdw %r1, [%r0+8]', 'exit')), maps: [HASH8], reason: 'MAP_VALUE_OUT_OF_BOUNDS', insn: 6 },
    { ...seed(P('mov %r1, %r10', 'add %r1, -8', 'mov %r2, 8', 'call bpf_trace_printk', 'exit')), reason: 'STACK_UNINIT_READ', insn: 3 },
    { ...seed(P('stw [%r10-4], 0', 'mov %r1, %r10', 'add %r1, -4', 'mov %r2, 4', 'call bpf_trace_printk', 'mov %r6, %r0', 'exit')), reason: 'REG_NOT_INIT', insn: 5 },
    { ...seed(P('ldxdw %r0, [%r1+104]', 'stdw [%r10-8], 0', 'mov %r2, %r10', 'add %r2, -8', 'mov %r3, %r0', 'call bpf_memcmp', 'exit')), reason: 'HELPER_ARG_SIZE', insn: 5 },
    { ...seed(P('stdw [%r10-8], 0', 'mov %r3, %r10', 'add %r3, -8', 'mov %r2, 0', 'mov %r1, %r10', 'call bpf_table_lookup', 'exit')), maps: [HASH8], reason: 'HELPER_ARG', insn: 5 },
  ],
};

describe('checker table', () => {
  checkerCases(linuxTrace(), structure, api);
  checkerCases(linuxTrace(), registers, api);
  checkerCases(packetSubsystem(), returnRange, api);
  checkerCases(linuxTrace(), scalars, api);
  checkerCases(linuxTrace(), stack, api);
  checkerCases(linuxTrace(), context, api);
  checkerCases(linuxTrace(), maps, api);
  checkerCases(packetSubsystem(), packets, api);
  checkerCases(linuxTrace(), pointers, api);
  checkerCases(linuxTrace(), calls, api);
  checkerCases(linuxTrace(), subprograms, api);
  checkerCases(linuxTrace(), loops, api);
  checkerCases(linuxTrace(), ringbuf, api);
  checkerCases(linuxTrace(), atomics, api);
  checkerCases(seedTrace(), seedTable, api);

  it('has at least 200 cases', () => {
    const tables = [structure, registers, returnRange, scalars, stack, context, maps, packets, pointers, calls, subprograms, loops, ringbuf, atomics, seedTable];
    const n = tables.reduce((a, t) => a + (t.accept?.length ?? 0) + (t.reject?.length ?? 0), 0);
    if (n < 200) throw new Error(`only ${n} cases`);
  });
});
