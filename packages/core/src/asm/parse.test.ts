// The assembler: the bpf_conformance syntax in its variations, labels, and errors that point at
// line and column.
import { describe, expect, it } from 'vitest';
import { ParseError } from '../errors.js';
import { insn } from '../isa/insn.js';
import { asm } from './builder.js';
import { parseAsm } from './parse.js';
import { R0, R1, R2, R10 } from '../isa/registers.js';

describe('parseAsm accepts', () => {
  it.each([
    ['mov %r0, 1', asm.mov.imm(R0, 1)],
    ['mov %r0, -1', asm.mov.imm(R0, -1)],
    ['mov32 %r0, 0xffffffff', asm.mov.imm32(R0, -1)],
    ['  MOV   %r0 ,  %r1   # comment', asm.mov.reg(R0, R1)],
    ['add64 %r1, 2', asm.add.imm(R1, 2)],
    ['ldxw %r0, [%r1+2]', asm.ldxw(R0, R1, 2)],
    ['ldxdw %r0, [%r1]', asm.ldxdw(R0, R1, 0)],
    ['ldxb %r0, [%r1+0x10]', asm.ldxb(R0, R1, 16)],
    ['stxdw [%r10-8], %r0', asm.stxdw(R10, -8, R0)],
    ['stw [%r10 - 8], 0xaa', asm.stw(R10, -8, 0xaa)],
    ['lock add [%r10-8], %r1', asm.lock.add(R10, -8, R1)],
    ['lock fetch xor32 [%r10-4], %r1', asm.lock.fetchXor32(R10, -4, R1)],
    ['lock cmpxchg [%r10-8], %r1 # compare r0', asm.lock.cmpxchg(R10, -8, R1)],
    ['be16 %r0', asm.be(R0, 16)],
    ['swap64 %r0', asm.bswap(R0, 64)],
    ['movsx1632 %r4, %r3', asm.movsx32(4, 3, 16)],
    ['neg32 %r2', asm.neg32(R2)],
    ['jeq %r1, 0, +2', asm.jeq.imm(R1, 0, 2)],
    ['jsle32 %r1, %r2, -1', asm.jsle.reg32(R1, R2, -1)],
    ['ja +0', asm.ja(0)],
    ['ja32 +5', asm.gotol(5)],
    ['call 5', asm.call(5)],
    ['call helper 5', asm.call(5)],
    ['call %r2', asm.callx(R2)],
    ['callx %r2', asm.callx(R2)],
    ['call bpf_trace_printk', asm.call('bpf_trace_printk')],
    ['call runtime 7', asm.callKfunc(7)],
    ['exit', asm.exit()],
    ['ret', asm.exit()],
    ['lddw %r0, 0x123456789abcdef0', asm.lddw(R0, 0x123456789abcdef0n)],
    ['lddw %r0, -1', asm.lddw(R0, -1)],
    ['lddw %r1, map_fd(3)', asm.ldMapFd(R1, 3)],
    ['lddw %r1, map_value_idx(0, 16)', asm.ldMapValue(R1, 0, 16)],
    ['ldabsw 4', asm.ldabsw(4)],
    ['ldindh %r1, 4', asm.ldindh(R1, 4)],
    ['mov %r0, 1 // C++ comment', asm.mov.imm(R0, 1)],
  ])('%s', (text, expected) => {
    expect(parseAsm(text)).toEqual([expected]);
  });
});

describe('labels', () => {
  it('resolve forward and backward, counting lddw as two slots', () => {
    const text = ['start:', 'lddw %r0, 1', 'jeq %r0, 1, done', 'ja start', 'done: exit'].join('\n');
    expect(parseAsm(text)).toEqual([asm.lddw(R0, 1), asm.jeq.imm(R0, 1, 1), asm.ja(-4), asm.exit()]);
  });

  it('resolve into ja32 and local calls through imm', () => {
    const text = ['call local f', 'ja32 end', 'f:', 'mov %r0, 1', 'end:', 'exit'].join('\n');
    expect(parseAsm(text)).toEqual([asm.callLocal(1), asm.gotol(1), asm.mov.imm(R0, 1), asm.exit()]);
  });

  it("take 'exit' to mean the first exit unless defined (bpf_conformance)", () => {
    expect(parseAsm('jne %r0, 0, exit\nmov %r0, 1\nexit\nexit')).toEqual([asm.jne.imm(R0, 0, 1), asm.mov.imm(R0, 1), asm.exit(), asm.exit()]);
    expect(parseAsm('jne %r0, 0, exit\nexit\nexit:\nexit')[0]).toEqual(asm.jne.imm(R0, 0, 1));
  });

  it('may point past the last instruction and stand on the same line as one', () => {
    expect(parseAsm('ja out\nexit\nout:')).toEqual([asm.ja(1), asm.exit()]);
  });

  it('resolve a code address in lddw', () => {
    expect(parseAsm('lddw %r1, func(f)\nexit\nf: exit')[0]).toEqual(insn({ code: 0x18, dst: 1, src: 4, imm: 2, imm64: 2n }));
  });
});

describe('parseAsm errors', () => {
  it.each([
    ['unknown mnemonic', 'mov %r0, 1\nfrob %r0', 2, 1, /unknown mnemonic 'frob'/],
    ['bad register', 'mov %r11, 1', 1, 5, /invalid register '%r11'/],
    ['not a register', 'mov 5, 1', 1, 5, /expected a register/],
    ['operand count', 'exit %r0', 1, 6, /exit takes 0 operands/],
    ['too few operands', '  add %r0', 1, 3, /add takes 2 operands/],
    ['immediate out of range', 'mov %r0, 0x100000000', 1, 10, /immediate 0x100000000 is out of range/],
    ['offset out of range', 'jeq %r0, 0, +40000', 1, 13, /jump offset \+40000 is out of range/],
    ['bad memory operand', 'ldxw %r0, %r1', 1, 11, /expected a memory operand/],
    ['undefined label', 'ja nowhere', 1, 4, /label 'nowhere' not defined/],
    ['duplicate label', 'a: exit\na: exit', 2, 1, /duplicate label 'a' \(first defined on line 1\)/],
    ['bad lddw operand', 'lddw %r0, map(1)', 1, 11, /expected a 64-bit number or map_fd/],
    ['lddw out of range', 'lddw %r0, 0x10000000000000000', 1, 11, /does not fit 64 bits/],
    ['lock without op', 'lock', 1, 1, /'lock' needs an operation/],
    ['seed-only atomic in rfc', 'lock add8 [%r1], %r2', 1, 1, /unknown mnemonic 'lock add8'/],
    ['call without target', 'call', 1, 5, /call needs a target/],
    ['empty operand', 'mov %r0,', 1, 9, /empty operand/],
  ])('%s', (_, text, line, column, message) => {
    let err: unknown;
    try {
      parseAsm(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toMatch(message);
    expect({ line: (err as ParseError).line, column: (err as ParseError).column }).toEqual({ line, column });
  });
});
