// Differential test of the kernel-syntax disassembler against LLVM: every instruction shape is
// printed by formatInsn(..., {syntax: 'kernel'}), assembled by llvm-mc (-mcpu=v4), and the
// bytes LLVM produces must equal our encoding. (Shapes LLVM writes differently are listed.)
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatInsn } from '@ebpf/core/asm';
import { encode, insn, MNEMONICS, type Insn, type Mnemonic } from '@ebpf/core/isa';

/** Forms whose kernel-syntax text LLVM spells differently or cannot take as a number. */
const NOT_IN_LLVM = new Set(['call-local', 'call-kfunc', 'ldind']);

function findLlvmMc(): string {
  for (const bin of ['llvm-mc-19', 'llvm-mc']) {
    if (spawnSync(bin, ['--version']).status === 0) return bin;
  }
  throw new Error('llvm-mc-19 not found: scripts/setup.sh installs llvm-19');
}

function sample(m: Mnemonic, dst: number, src: number, off: number, imm: number): Insn {
  const f = m.form;
  const usesDst = !['ja', 'gotol', 'call', 'exit', 'ldabs'].includes(f);
  const usesSrc = ['alu-reg', 'ldx', 'stx', 'atomic', 'jmp-reg'].includes(f);
  const usesOff = ['ldx', 'st', 'stx', 'atomic', 'jmp-reg', 'jmp-imm', 'ja'].includes(f);
  const usesImm = ['alu-imm', 'st', 'jmp-imm', 'gotol', 'call', 'ldabs'].includes(f);
  // cmpxchg compares with r0 implicitly; LLVM insists on writing r0/w0 there.
  return insn({
    code: m.code,
    dst: usesDst ? dst : 0,
    src: m.src ?? (usesSrc ? src : 0),
    off: m.off ?? (usesOff ? off : 0),
    imm: m.imm ?? (usesImm ? imm : 0),
    ...(f === 'lddw' ? { imm64: 0xfedcba9876543210n, imm: 0x76543210 } : {}),
  });
}

describe('kernel syntax matches LLVM', () => {
  const insns = MNEMONICS.filter((m) => !m.seedOnly && !NOT_IN_LLVM.has(m.form)).flatMap((m) => [
    sample(m, 1, 2, -3, 7),
    sample(m, 9, 10, 300, -30000), // LLVM parses gotol offsets as 16-bit only
  ]);

  it(`assembles ${insns.length} instructions to the same bytes`, () => {
    const text = insns.map((i) => formatInsn(i, { syntax: 'kernel' })).join('\n') + '\n';
    const run = spawnSync(findLlvmMc(), ['-triple', 'bpfel', '-mcpu=v4', '-show-encoding'], { input: text, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const encodings = [...run.stdout.matchAll(/encoding: \[([^\]]*)\]/g)].map((m) => m[1]!.split(',').map((b) => Number(b)));
    expect(encodings.length).toBe(insns.length);
    insns.forEach((i, k) => {
      expect([...encode([i])], formatInsn(i, { syntax: 'kernel' })).toEqual(encodings[k]);
    });
  });
});
