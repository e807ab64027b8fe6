/**
 * Hostile programs against the checker (issue #4's "safety guaranteed"): each attack is a table
 * case refused with `{ reason, insn }`, or — when the program is in fact safe — accepted AND run
 * in the interpreter's oracle mode (every access bounded to one object) without a fault. Cases
 * marked "hole" were accepted before the fix named beside them; timing cases bound the work of
 * loops that only the processed-instruction limit ends.
 */
import { describe, expect, it } from 'vitest';
import { SimpleSubsystem, Vm, type HelperDef, type MapSpec, type Subsystem } from '@ebpf/core';
// @ebpf/core cannot depend on @ebpf/interp (interp depends on core): the test reaches its sources.
import { Interpreter } from '../../../interp/src/index.js';
import { checkerCases, runCheckerCase, type CheckerCase, type CheckerTable } from '../../src/testing/checker-cases.js';
import { LINUX_HELPERS, linuxTrace, packetSubsystem } from './fixtures.js';

const api = { describe, it };
const P = (...lines: string[]): string => lines.join('\n');
const ARRAY16: MapSpec = { name: 'arr', type: 'array', keySize: 4, valueSize: 16, maxEntries: 4, flags: 0 };
const RINGBUF: MapSpec = { name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 };

/** A 16-byte map value in r0 (non-NULL), r6 = ctx, then r3 = ctx->di and `ops`, then `add r0, r3` and a 1-byte read. */
function indexed(ops: readonly string[]): string {
  return P(
    'mov %r6, %r1', 'stw [%r10-4], 0', 'mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1',
    'jne %r0, 0, +1', 'exit', 'ldxdw %r3, [%r6+112]', ...ops, 'add %r0, %r3', 'ldxb %r4, [%r0+0]', 'out:', 'mov %r0, 0', 'exit',
  );
}
const at = (ops: readonly string[]): number => 11 + ops.reduce((n, o) => n + (o.startsWith('lddw') ? 2 : 1), 0);

// ---------------------------------------------------------------------------------------------
// The stack.
const stack: CheckerTable = {
  reject: [
    { name: 'reads uninitialized bytes next to a partial write', asm: P('stb [%r10-8], 1', 'ldxh %r0, [%r10-8]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 1 },
    { name: 'reads above fp', asm: P('ldxb %r0, [%r10+0]', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { name: 'reads below fp-512 through a moved pointer', asm: P('mov %r2, %r10', 'add %r2, -512', 'ldxb %r0, [%r2-1]', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 2 },
    { name: 'seed dialect: below fp-480', asm: P('stdw [%r10-488], 1', 'ret'), dialect: 'seed', reason: 'STACK_OUT_OF_BOUNDS', insn: 0 },
    { name: 'variable offset reaching fp+0', asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 8', 'mov %r3, %r10', 'add %r3, %r2', 'stdw [%r10-8], 0', 'ldxdw %r0, [%r3-8]', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 5 },
    { name: 'writes r10 through a 32-bit op', asm: P('add32 %r10, 0', 'mov %r0, 0', 'exit'), reason: 'FP_WRITE', insn: 0 },
    { name: 'hole: pointer spill, 1-byte overwrite, 8-byte fill leaks 7 address bytes', asm: P('stxdw [%r10-8], %r1', 'stb [%r10-1], 0', 'ldxdw %r0, [%r10-8]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 2 },
    { name: 'hole: the leaked bytes read 4 at a time', asm: P('stxdw [%r10-8], %r10', 'sth [%r10-8], 0', 'ldxw %r0, [%r10-4]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 2 },
    {
      name: 'hole: a variable-offset byte store over a spilled pointer leaves its other bytes readable',
      asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 7', 'mov %r3, %r10', 'add %r3, %r2', 'stxdw [%r10-8], %r1', 'stb [%r3-8], 0', 'ldxdw %r0, [%r10-8]', 'exit'),
      reason: 'STACK_UNINIT_READ', insn: 6,
    },
    {
      name: 'hole: a helper filling half of a spilled pointer leaves the other half readable',
      asm: P('stxdw [%r10-8], %r1', 'mov %r1, %r10', 'add %r1, -4', 'mov %r2, 4', 'mov %r3, 0', 'call 4', 'ldxdw %r0, [%r10-8]', 'exit'),
      reason: 'STACK_UNINIT_READ', insn: 6,
    },
    { name: 'pointer spilled then filled as 4 bytes', asm: P('stxdw [%r10-8], %r10', 'ldxw %r0, [%r10-8]', 'exit'), reason: 'SPILL_PARTIAL', insn: 1 },
    { name: 'pointer spilled then filled with sign extension', asm: P('stxdw [%r10-8], %r1', 'ldxsw %r0, [%r10-8]', 'exit'), reason: 'SPILL_PARTIAL', insn: 1 },
    { name: 'a pointer forged from a spilled scalar is a number', asm: P('stxdw [%r10-8], %r1', 'stdw [%r10-8], 64', 'ldxdw %r2, [%r10-8]', 'ldxdw %r0, [%r2+0]', 'exit'), reason: 'INVALID_MEM_ACCESS', insn: 3 },
    { name: 'callee reads its caller\'s stack past fp', asm: P('mov %r1, %r10', 'add %r1, -8', 'stdw [%r10-8], 1', 'call local f', 'exit', 'f:', 'ldxdw %r0, [%r1+8]', 'exit'), reason: 'STACK_OUT_OF_BOUNDS', insn: 5 },
    { name: 'callee reads its caller\'s uninitialized stack', asm: P('mov %r1, %r10', 'add %r1, -8', 'stdw [%r10-8], 1', 'call local f', 'exit', 'f:', 'ldxdw %r0, [%r1-8]', 'exit'), reason: 'STACK_UNINIT_READ', insn: 5 },
    { name: 'atomic add on a spilled pointer', asm: P('stxdw [%r10-8], %r1', 'mov %r2, 1', 'lock add [%r10-8], %r2', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 2 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Scalar range tricks used as an offset into a 16-byte map value.
const badRanges: ReadonlyArray<readonly [string, readonly string[], 'UNBOUNDED_ACCESS' | 'MAP_VALUE_OUT_OF_BOUNDS']> = [
  ['32-bit add wraps 0 - 1 to 2^32 - 1', ['and %r3, 15', 'add32 %r3, -1'], 'UNBOUNDED_ACCESS'],
  ['32-bit sub truncates the upper bound', ['jgt %r3, 15, out', 'sub32 %r3, 1'], 'UNBOUNDED_ACCESS'],
  ['arsh keeps the sign', ['and %r3, 255', 'lsh %r3, 56', 'arsh %r3, 56'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  ['rsh of a negative signed range', ['jsgt %r3, 15, out', 'rsh %r3, 1'], 'UNBOUNDED_ACCESS'],
  ['mul overflows 64 bits', ['and %r3, 15', 'lddw %r4, 0x1000000000000001', 'mul %r3, %r4'], 'UNBOUNDED_ACCESS'],
  ['neg of INT_MIN is INT_MIN', ['lddw %r3, 0x8000000000000000', 'neg %r3', 'rsh %r3, 59'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  ['mod by a register that may be 0 keeps the dividend', ['mov %r4, 0', 'mod %r3, %r4'], 'UNBOUNDED_ACCESS'],
  ['div by a register that may be 0 or 1', ['ldxdw %r4, [%r6+104]', 'mov %r3, 20', 'div %r3, %r4'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  ['signed bound on one side only', ['jslt %r3, 16, +1', 'ja out'], 'UNBOUNDED_ACCESS'],
  ['unsigned-looking signed compare', ['jsge %r3, 0, +1', 'ja out', 'jsle %r3, 16, +1', 'ja out'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  ['JMP32 bounds the low half only', ['jgt32 %r3, 15, out', 'jlt %r3, 0, out'], 'UNBOUNDED_ACCESS'],
  ['JMP32 signed bound on a wide value', ['jsgt32 %r3, 15, out', 'jslt32 %r3, 0, out'], 'UNBOUNDED_ACCESS'],
  ['movsx of a byte can be negative', ['and %r3, 0xff', 'movsx864 %r3, %r3'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  ['movsx of a 32-bit value', ['and %r3, 0xffffffff', 'jgt32 %r3, 15, +0', 'movsx3264 %r3, %r3'], 'UNBOUNDED_ACCESS'],
  ['sdiv INT_MIN by -1', ['lddw %r3, 0x8000000000000000', 'sdiv %r3, -1', 'rsh %r3, 59'], 'MAP_VALUE_OUT_OF_BOUNDS'],
  ['a linked copy modified before the check', ['mov %r4, %r3', 'add %r3, 1', 'jgt %r4, 15, out'], 'UNBOUNDED_ACCESS'],
  ['a bound learned through a 4-byte fill', ['stxdw [%r10-16], %r3', 'ldxw %r4, [%r10-16]', 'jgt %r4, 15, out', 'ldxdw %r3, [%r10-16]'], 'UNBOUNDED_ACCESS'],
];
const scalars: CheckerTable = {
  accept: [
    { name: 'neg INT_MIN, rsh 60: exactly 8', asm: indexed(['lddw %r3, 0x8000000000000000', 'neg %r3', 'rsh %r3, 60']), maps: [ARRAY16] },
    { name: 'mod by a constant bounds', asm: indexed(['mod %r3, 16']), maps: [ARRAY16] },
  ],
  reject: badRanges.map(([name, ops, reason]) => ({ name, asm: indexed(ops), maps: [ARRAY16], reason, insn: at(ops) })),
};

// ---------------------------------------------------------------------------------------------
// Pointers.
const lookup = ['mov %r6, %r1', 'stw [%r10-4], 1', 'mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1'];
const pointers: CheckerTable = {
  reject: [
    { name: 'pointer + pointer', asm: P('mov %r2, %r10', 'add %r2, %r10', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { name: 'pointer * 2', asm: P('mov %r2, %r10', 'mul %r2, 2', 'mov %r0, 0', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { name: 'pointer - pointer of different objects', asm: P('mov %r2, %r10', 'sub %r2, %r1', 'mov %r0, %r2', 'exit'), reason: 'PTR_ARITH', insn: 1 },
    { name: 'arithmetic on a map pointer', asm: P('lddw %r1, map_idx(0)', 'sub %r1, 8', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'PTR_ARITH', insn: 2 },
    { name: 'comparing a pointer with a number leaks it', asm: P('mov %r0, 0', 'jlt %r10, 0x10000, +1', 'mov %r0, 1', 'exit'), reason: 'PTR_COMPARE', insn: 1 },
    { name: 'comparing two pointers', asm: P('mov %r0, 0', 'jgt %r1, %r10, +1', 'mov %r0, 1', 'exit'), reason: 'PTR_COMPARE', insn: 1 },
    { name: 'pointer stored into the context', asm: P('stxdw [%r1+120], %r10', 'mov %r0, 0', 'exit'), reason: 'PTR_LEAK', insn: 0 },
    { name: 'pointer stored into a map value', asm: P(...lookup, 'jeq %r0, 0, +1', 'stxdw [%r0+0], %r6', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'PTR_LEAK', insn: 8 },
    { name: 'pointer xchg into a map value', asm: P(...lookup, 'jeq %r0, 0, +2', 'mov %r1, %r10', 'lock xchg [%r0+0], %r1', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'PTR_LEAK', insn: 9 },
    { name: 'returning a pointer', asm: P('mov %r0, %r1', 'add %r0, 8', 'exit'), reason: 'R0_LEAKS_ADDR', insn: 2 },
    { name: 'map_value_or_null as a key before its NULL check', asm: P(...lookup, 'mov %r2, %r0', 'lddw %r1, map_idx(0)', 'call 1', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'HELPER_ARG', insn: 10 },
    { name: 'the copy is NULL on the NULL side', asm: P(...lookup, 'mov %r7, %r0', 'jne %r0, 0, +2', 'ldxb %r0, [%r7+0]', 'exit', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MEM_ACCESS', insn: 9 },
    { name: 'a spilled copy is NULL on the NULL side', asm: P(...lookup, 'stxdw [%r10-16], %r0', 'jne %r0, 0, +3', 'ldxdw %r7, [%r10-16]', 'ldxb %r0, [%r7+0]', 'exit', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MEM_ACCESS', insn: 10 },
    { name: 'map value indexed by a one-sided signed bound', asm: indexed(['jsgt %r3, 15, out']), maps: [ARRAY16], reason: 'UNBOUNDED_ACCESS', insn: at(['jsgt %r3, 15, out']) },
    { name: 'lddw of map 1 with one map', asm: P('lddw %r1, map_idx(1)', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MAP', insn: 0 },
    { name: 'lddw of a negative map index', asm: P('lddw %r1, map_idx(-1)', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'INVALID_MAP', insn: 0 },
  ],
};

// ---------------------------------------------------------------------------------------------
// The context.
const context: CheckerTable = {
  reject: [
    { name: 'write to a read-only register', asm: P('stdw [%r1+112], 0', 'mov %r0, 0', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { name: 'misaligned narrow read', asm: P('ldxw %r0, [%r1+114]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { name: 'read straddling two fields', asm: P('ldxdw %r0, [%r1+116]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { name: 'read past the context', asm: P('ldxb %r0, [%r1+168]', 'exit'), reason: 'CTX_ACCESS_DENIED', insn: 0 },
    { name: 'moved context passed as ptr_to_ctx', asm: P('add %r1, 8', 'lddw %r2, map_idx(0)', 'mov %r3, 0', 'call 12', 'mov %r0, 0', 'exit'), maps: [{ name: 'progs', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 }], reason: 'HELPER_ARG', insn: 4 },
    { name: 'context as helper memory', asm: P('mov %r2, 8', 'call 6', 'exit'), reason: 'HELPER_ARG', insn: 1 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Packets (data 0, data_end 8, data_meta 16).
const pkt = (...rest: string[]): string => P('ldxdw %r2, [%r1+0]', 'ldxdw %r3, [%r1+8]', ...rest, 'out:', 'mov %r0, 0', 'exit');
const packets: CheckerTable = {
  reject: [
    { name: 'no data_end comparison', asm: pkt('ldxb %r0, [%r2+0]'), reason: 'PACKET_OUT_OF_RANGE', insn: 2 },
    { name: 'the wrong direction', asm: pkt('mov %r4, %r2', 'add %r4, 4', 'jlt %r4, %r3, out', 'ldxb %r0, [%r2+0]'), reason: 'PACKET_OUT_OF_RANGE', insn: 5 },
    { name: 'off by one', asm: pkt('mov %r4, %r2', 'add %r4, 4', 'jgt %r4, %r3, out', 'ldxw %r0, [%r2+1]'), reason: 'PACKET_OUT_OF_RANGE', insn: 5 },
    { name: 'the range of one pointer used on a variable move', asm: pkt('mov %r4, %r2', 'add %r4, 8', 'jgt %r4, %r3, out', 'ldxb %r5, [%r2+0]', 'add %r2, %r5', 'ldxb %r0, [%r2+0]'), reason: 'PACKET_OUT_OF_RANGE', insn: 7 },
    {
      name: 'hole: data_meta + n <= data_end proves nothing about the metadata',
      asm: pkt('ldxdw %r4, [%r1+16]', 'mov %r5, %r4', 'add %r5, 4', 'jgt %r5, %r3, out', 'ldxw %r0, [%r4+0]'),
      reason: 'PACKET_OUT_OF_RANGE', insn: 6,
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Calls.
const rb = (...rest: string[]): string => P('lddw %r1, map_idx(0)', 'mov %r2, 16', 'mov %r3, 0', 'call 131', ...rest, 'out:', 'mov %r0, 0', 'exit');
const submit = ['mov %r1, %r0', 'mov %r2, 0', 'call 132'];
const calls: CheckerTable = {
  reject: [
    { name: 'a size that may be negative', asm: P('stdw [%r10-8], 0', 'ldxdw %r2, [%r1+112]', 'jsgt %r2, 8, +3', 'mov %r1, %r10', 'add %r1, -8', 'call 6', 'mov %r0, 0', 'exit'), reason: 'HELPER_ARG_SIZE', insn: 5 },
    { name: 'a size of -1', asm: P('stdw [%r10-8], 0', 'mov %r1, %r10', 'add %r1, -8', 'mov %r2, -1', 'call 6', 'exit'), reason: 'HELPER_ARG_SIZE', insn: 4 },
    { name: 'GPL-only helper from a proprietary program', asm: P('mov %r1, %r10', 'add %r1, -8', 'mov %r2, 8', 'mov %r3, 0', 'call 4', 'exit'), license: 'Proprietary', reason: 'GPL_ONLY', insn: 4 },
    { name: 'callx with a variable register', asm: P('ldxdw %r2, [%r1+112]', 'and %r2, 7', 'call %r2', 'exit'), reason: 'CALLX_UNKNOWN', insn: 2 },
    { name: 'r1 clobbered by a call', asm: P('mov %r1, 5', 'call 5', 'add %r0, %r1', 'exit'), reason: 'REG_NOT_INIT', insn: 2 },
    { name: 'tail call with an array map', asm: P('lddw %r2, map_idx(0)', 'mov %r3, 0', 'call 12', 'mov %r0, 0', 'exit'), maps: [ARRAY16], reason: 'MAP_HELPER_MISMATCH', insn: 3 },
    { name: 'ring buffer reservation dropped on one path', asm: P('mov %r6, %r1', 'lddw %r1, map_idx(0)', 'mov %r2, 16', 'mov %r3, 0', 'call 131', 'jeq %r0, 0, out', 'ldxdw %r4, [%r6+112]', 'jeq %r4, 0, out', ...submit, 'out:', 'mov %r0, 0', 'exit'), maps: [RINGBUF], reason: 'UNRELEASED_REF', insn: 13 },
    { name: 'double submit', asm: rb('jeq %r0, 0, out', 'mov %r6, %r0', ...submit, 'mov %r1, %r6', 'mov %r2, 0', 'call 132'), maps: [RINGBUF], reason: 'REG_NOT_INIT', insn: 10 },
    { name: 'access past the reserved size', asm: rb('jeq %r0, 0, out', 'ldxb %r1, [%r0+16]', ...submit), maps: [RINGBUF], reason: 'MEM_OUT_OF_BOUNDS', insn: 6 },
    { name: 'use after submit through a spilled copy', asm: rb('jeq %r0, 0, out', 'stxdw [%r10-8], %r0', ...submit, 'ldxdw %r1, [%r10-8]', 'ldxb %r0, [%r1+0]'), maps: [RINGBUF], reason: 'REG_NOT_INIT', insn: 11 },
    { name: 'submit of a moved pointer', asm: rb('jeq %r0, 0, out', 'add %r0, 1', ...submit), maps: [RINGBUF], reason: 'HELPER_ARG', insn: 9 },
    { name: 'tail call while holding a reservation', asm: P('mov %r6, %r1', 'lddw %r1, map_idx(0)', 'mov %r2, 16', 'mov %r3, 0', 'call 131', 'jeq %r0, 0, out', 'mov %r7, %r0', 'mov %r1, %r6', 'lddw %r2, map_idx(1)', 'mov %r3, 0', 'call 12', ...['mov %r1, %r7', 'mov %r2, 0', 'call 132'], 'out:', 'mov %r0, 0', 'exit'), maps: [RINGBUF, { name: 'progs', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 }], reason: 'UNRELEASED_REF', insn: 12 },
    { name: 'call depth 9', asm: P('call local f1', 'exit', ...Array.from({ length: 7 }, (_, i) => [`f${i + 1}:`, `call local f${i + 2}`, 'exit']).flat(), 'f8:', 'call local f9', 'exit', 'f9:', 'mov %r0, 0', 'exit'), reason: 'CALL_DEPTH', insn: 14 },
    { name: 'indirect recursion', asm: P('call local f', 'exit', 'f:', 'call local g', 'exit', 'g:', 'call local f', 'exit'), reason: 'RECURSIVE_CALL', insn: 4 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Control flow.
const control: CheckerTable = {
  reject: [
    { name: 'a jump into the middle of lddw', asm: P('mov %r0, 0', 'ja +1', 'lddw %r2, 5', 'exit'), reason: 'JUMP_INTO_LDDW', insn: 1 },
    { name: 'a jump past the end', asm: P('mov %r0, 0', 'ja +2', 'exit'), reason: 'JUMP_OUT_OF_RANGE', insn: 1 },
    { name: 'gotol out of range', asm: P('mov %r0, 0', 'ja32 -5', 'exit'), reason: 'JUMP_OUT_OF_RANGE', insn: 1 },
    { name: 'falling off the end', asm: P('mov %r0, 0', 'add %r0, 1'), reason: 'FALL_OFF_END', insn: 1 },
    { name: 'unreachable code', asm: P('mov %r0, 0', 'exit', 'ja -3'), reason: 'UNREACHABLE', insn: 2 },
    { name: 'ja -1', asm: P('ldxdw %r0, [%r1+112]', 'jeq %r0, 0, +1', 'exit', 'ja -1'), reason: 'INFINITE_LOOP', insn: 3 },
    { name: 'a loop on an unknown bound', asm: P('ldxdw %r1, [%r1+112]', 'mov %r0, 0', 'l:', 'add %r0, 1', 'jne %r0, %r1, l', 'exit'), reason: 'TOO_COMPLEX' },
    { name: 'a loop that needs 2^32 turns ends at the limit', asm: P('mov %r1, 0', 'l:', 'add32 %r1, 1', 'jne32 %r1, 0, l', 'mov %r0, 0', 'exit'), options: { maxProcessed: 100_000 }, reason: 'TOO_COMPLEX' },
    { name: 'too many pending branches', asm: P('mov %r6, %r1', 'mov %r0, 0', ...Array.from({ length: 40 }, () => ['ldxdw %r2, [%r6+112]', 'jeq %r2, 0, +1', 'add %r0, 1']).flat(), 'l:', 'ja l'), options: { maxPendingBranches: 16 }, reason: 'TOO_MANY_BRANCHES' },
  ],
};

/** A subsystem for oracle runs of the linux-trace fixtures: same context and prototypes, helpers run. */
function runnableTrace(): Subsystem {
  const base = linuxTrace();
  const helpers: HelperDef[] = LINUX_HELPERS.filter((h) => h.id === 5 || h.id === 14).map((h) => ({ ...h, impl: () => 7 }));
  return new SimpleSubsystem({ name: 'linux-trace-run', context: base.context, helpers });
}

/** Accepts `c` and runs it in the interpreter's oracle mode on `runs` random contexts. */
function acceptAndRun(c: CheckerCase, runs = 4): bigint[] {
  const sub = runnableTrace();
  const out = runCheckerCase(sub, c);
  if (!out.accepted) throw new Error(`refused (${out.error.reason} at ${out.error.insn}): ${out.error.message}`);
  const vm = new Vm({ size: 1 << 20 });
  const ctx = vm.mem.alloc(sub.context.size, { kind: 'context', name: 'ctx' });
  const interp = new Interpreter(vm, out.verified.lowered, { oracle: true, budget: 100_000, helpers: out.verified.helpers });
  const results: bigint[] = [];
  let seed = 12345;
  for (let k = 0; k < runs; k++) {
    for (let i = 0; i < sub.context.size; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      vm.mem.bytes[ctx.offset + i] = k === 0 ? 0 : seed >>> 24;
    }
    results.push(interp.run(ctx.address, 0n));
  }
  return results;
}

const frames = (n: number): string => {
  const lines = ['stdw [%r10-512], 1', 'call local f1', 'ldxdw %r0, [%r10-512]', 'exit'];
  for (let i = 1; i < n; i++) lines.push(`f${i}:`, 'stdw [%r10-512], 2', 'stdw [%r10-8], 3', `call local f${i + 1}`, 'ldxdw %r0, [%r10-512]', 'exit');
  lines.push(`f${n}:`, 'stdw [%r10-512], 4', 'ldxdw %r0, [%r10-512]', 'exit');
  return P(...lines);
};

describe('hostile programs', () => {
  checkerCases(linuxTrace(), stack, api);
  checkerCases(linuxTrace(), scalars, api);
  checkerCases(linuxTrace(), pointers, api);
  checkerCases(linuxTrace(), context, api);
  checkerCases(packetSubsystem(), packets, api);
  checkerCases(linuxTrace(), calls, api);
  checkerCases(linuxTrace(), control, api);

  it.each([
    ['8 frames each using all 512 bytes of its stack', frames(7)],
    ['a scalar spill partly overwritten stays readable', P('stdw [%r10-8], -1', 'stb [%r10-8], 0', 'ldxdw %r0, [%r10-8]', 'exit')],
    ['a pointer slot reused for a narrower number', P('stxdw [%r10-8], %r1', 'stw [%r10-8], 5', 'ldxw %r0, [%r10-8]', 'exit')],
    ['a pointer slot wholly overwritten', P('stxdw [%r10-8], %r1', 'stw [%r10-8], 5', 'stw [%r10-4], 6', 'ldxdw %r0, [%r10-8]', 'exit')],
    ['a callee fills its caller\'s stack', P('mov %r1, %r10', 'add %r1, -16', 'call local f', 'ldxdw %r0, [%r10-16]', 'exit', 'f:', 'stdw [%r1+8], 2', 'stdw [%r1+0], 1', 'mov %r0, 0', 'exit')],
    ['a counted loop over a stack buffer', P('mov %r2, 0', 'l:', 'mov %r3, %r10', 'add %r3, -64', 'add %r3, %r2', 'stb [%r3+0], 1', 'add %r2, 1', 'jlt %r2, 64, l', 'ldxdw %r0, [%r10-64]', 'exit')],
    ['r6-r9 survive a helper call', P('mov %r6, %r1', 'mov %r9, 3', 'call 5', 'ldxdw %r0, [%r6+112]', 'add %r0, %r9', 'exit')],
  ])('accepts and runs safely: %s', (_name, asm) => {
    const results = acceptAndRun({ asm });
    expect(results).toHaveLength(4);
  });

  it('a 2^32-turn loop with its counter on the stack ends at the limit in bounded time', () => {
    const asm = P(...Array.from({ length: 64 }, (_, i) => `stdw [%r10-${512 - 8 * i}], 0`), 'l:', 'ldxdw %r1, [%r10-8]', 'add32 %r1, 1', 'stxdw [%r10-8], %r1', 'jne32 %r1, 0, l', 'mov %r0, 0', 'exit');
    const out = runCheckerCase(linuxTrace(), { asm, options: { maxProcessed: 100_000 } });
    expect(out.accepted ? 'accepted' : out.error.reason).toBe('TOO_COMPLEX');
    // Before state hashing every turn compared 64 remembered states byte by byte (40 s at 1M).
    if (!out.accepted) expect(out.error.insn).toBeGreaterThanOrEqual(64);
  });

  it('a chain of jumps inside a loop stops remembering states at the cap', () => {
    const asm = P('mov %r7, 0', 'l:', ...Array.from({ length: 2000 }, () => 'ja +0'), 'add %r7, 1', 'jlt %r7, 100000, l', 'mov %r0, 0', 'exit');
    const out = runCheckerCase(linuxTrace(), { asm, options: { maxProcessed: 200_000 } });
    expect(out.accepted ? 'accepted' : out.error.reason).toBe('TOO_COMPLEX');
  });

  it('a prototype with two memory arguments before a size is refused, not half-checked', () => {
    const sub = new SimpleSubsystem({
      name: 'odd-proto',
      context: linuxTrace().context,
      helpers: [{ id: 300, name: 'two_mems', proto: { ret: 'integer', args: ['mem', 'mem', 'const_size'] }, impl: () => 0 }],
    });
    const out = runCheckerCase(sub, { asm: P('stdw [%r10-8], 0', 'mov %r1, %r10', 'add %r1, -16', 'mov %r2, %r10', 'add %r2, -8', 'mov %r3, 8', 'call 300', 'exit') });
    expect(out.accepted ? 'accepted' : [out.error.reason, out.error.insn]).toEqual(['HELPER_ARG', 6]);
  });
});
