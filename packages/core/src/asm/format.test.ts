// The two disassembly syntaxes, case by case: what each instruction prints as.
import { describe, expect, it } from 'vitest';
import { insn } from '../isa/insn.js';
import { asm } from './builder.js';
import { formatInsn, formatProgram } from './format.js';
import { R0, R1, R2, R10 } from '../isa/registers.js';

const cases = [
  [asm.mov.imm(R0, 1), 'mov %r0, 1', 'r0 = 1'],
  [asm.mov.reg32(R1, R2), 'mov32 %r1, %r2', 'w1 = w2'],
  [asm.add.imm(R1, -20), 'add %r1, -20', 'r1 += -20'],
  [asm.sdiv.reg(R0, R1), 'sdiv %r0, %r1', 'r0 s/= r1'],
  [asm.smod.imm32(R0, 3), 'smod32 %r0, 3', 'w0 s%= 3'],
  [asm.arsh.reg32(R0, R1), 'arsh32 %r0, %r1', 'w0 s>>= w1'],
  [asm.neg(R2), 'neg %r2', 'r2 = -r2'],
  [asm.neg32(R2), 'neg32 %r2', 'w2 = -w2'],
  [asm.movsx(R0, R1, 8), 'movsx864 %r0, %r1', 'r0 = (s8)r1'],
  [asm.movsx32(R0, R1, 16), 'movsx1632 %r0, %r1', 'w0 = (s16)w1'],
  [asm.be(R0, 16), 'be16 %r0', 'r0 = be16 r0'],
  [asm.le(R0, 64), 'le64 %r0', 'r0 = le64 r0'],
  [asm.bswap(R0, 32), 'bswap32 %r0', 'r0 = bswap32 r0'],
  [asm.ldxw(R0, R1, 2), 'ldxw %r0, [%r1+2]', 'r0 = *(u32 *)(r1 + 2)'],
  [asm.ldxdw(R0, R10, -8), 'ldxdw %r0, [%r10-8]', 'r0 = *(u64 *)(r10 - 8)'],
  [asm.ldxsh(R0, R1, 0), 'ldxsh %r0, [%r1]', 'r0 = *(s16 *)(r1 + 0)'],
  [asm.stw(R10, -20, 28524), 'stw [%r10-20], 28524', '*(u32 *)(r10 - 20) = 28524'],
  [asm.stxb(R1, 3, R2), 'stxb [%r1+3], %r2', '*(u8 *)(r1 + 3) = r2'],
  [asm.lock.add(R1, 0, R2), 'lock add [%r1], %r2', 'lock *(u64 *)(r1 + 0) += r2'],
  [asm.lock.xor32(R10, -4, R1), 'lock xor32 [%r10-4], %r1', 'lock *(u32 *)(r10 - 4) ^= w1'],
  [asm.lock.fetchAdd(R10, -8, R1), 'lock fetch add [%r10-8], %r1', 'r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)'],
  [asm.lock.fetchOr32(R10, -8, R1), 'lock fetch or32 [%r10-8], %r1', 'w1 = atomic_fetch_or((u32 *)(r10 - 8), w1)'],
  [asm.lock.xchg(R10, -8, R1), 'lock xchg [%r10-8], %r1', 'r1 = xchg_64(r10 - 8, r1)'],
  [asm.lock.cmpxchg32(R10, -8, R1), 'lock cmpxchg32 [%r10-8], %r1', 'w0 = cmpxchg32_32(r10 - 8, w0, w1)'],
  [asm.jeq.imm(R1, 0, 2), 'jeq %r1, 0, +2', 'if r1 == 0x0 goto +2'],
  [asm.jne.reg(R1, R2, -3), 'jne %r1, %r2, -3', 'if r1 != r2 goto -3'],
  [asm.jsle.imm32(R1, -5, 1), 'jsle32 %r1, -5, +1', 'if w1 s<= -0x5 goto +1'],
  [asm.jset.imm(R1, 0x80, 0), 'jset %r1, 128, +0', 'if r1 & 0x80 goto +0'],
  [asm.ja(8), 'ja +8', 'goto +8'],
  [asm.gotol(-70000), 'ja32 -70000', 'gotol -70000'],
  [asm.call(1), 'call 1', 'call 1'],
  [asm.call('bpf_memcmp'), 'call bpf_memcmp', 'call bpf_memcmp'],
  [asm.callLocal(3), 'call local +3', 'call pc+3'],
  [asm.callx(R2), 'call %r2', 'callx r2'],
  [asm.exit(), 'exit', 'exit'],
  [asm.lddw(R0, 0x123456789abcdef0n), 'lddw %r0, 0x123456789abcdef0', 'r0 = 0x123456789abcdef0 ll'],
  [asm.ldMap(R1, 2), 'lddw %r1, map_idx(2)', 'r1 = map_idx(2) ll'],
  [asm.ldMapValueFd(R1, 4, 16), 'lddw %r1, map_value_fd(4, 16)', 'r1 = map_value_fd(4, 16) ll'],
  [asm.ldabsh(12), 'ldabsh 12', 'r0 = *(u16 *)skb[12]'],
  [asm.ldindb(R1, 3), 'ldindb %r1, 3', 'r0 = *(u8 *)skb[r1 + 3]'],
  [asm.jeq.imm(R1, 0, 'out'), 'jeq %r1, 0, out', 'if r1 == 0x0 goto out'],
] as const;

describe('formatInsn', () => {
  it.each(cases.map(([i, a, k]) => [a, i, k] as const))('%s', (a, i, k) => {
    expect(formatInsn(i, { syntax: 'asm' })).toBe(a);
    expect(formatInsn(i, { syntax: 'kernel' })).toBe(k);
  });

  it('names helpers through the resolver in kernel syntax', () => {
    expect(formatInsn(asm.call(1), { syntax: 'kernel', helperName: (id) => (id === 1 ? 'bpf_map_lookup_elem' : undefined) })).toBe(
      'call bpf_map_lookup_elem#1',
    );
  });

  it('prints opcodes it does not know without throwing', () => {
    expect(formatInsn(insn({ code: 0x8f, dst: 1 }))).toBe('.invalid 0x8f dst=1 src=0 off=0 imm=0');
    expect(formatInsn(insn({ code: 0x3f, off: 2 }))).toMatch(/^\.invalid 0x3f/);
  });
});

describe('formatProgram', () => {
  it('numbers lines by slot (lddw takes two)', () => {
    const lines = formatProgram([asm.lddw(R0, 1), asm.mov.imm(R1, 2), asm.exit()], { syntax: 'kernel' });
    expect(lines).toEqual(['  0: r0 = 0x1 ll', '  2: r1 = 2', '  3: exit']);
    expect(formatProgram([asm.exit()], { indices: false })).toEqual(['exit']);
  });
});
