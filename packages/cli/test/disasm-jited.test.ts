// `ebpf disasm --jited` (the x86-64 JIT's listing) driven through main(): text and JSON shapes,
// subsystem choice (seed image → trace, assembler text → a raw memory block) and exit codes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X86Engine } from '@ebpf/jit-x86_64';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.js';
import { captureOutput } from './support.js';

const ex1 = fileURLToPath(new URL('../../core/testdata/seed/filter_ex1.bpf', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ebpf-jited-'));
const io = captureOutput();

function file(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

describe.skipIf(new X86Engine().unavailable() !== undefined)('ebpf disasm --jited', () => {
  it('prints each eBPF instruction with its x86-64 code (assembler text, raw memory context)', async () => {
    const p = file('prog.s', 'ldxw %r0, [%r1+4]\nadd %r0, 1\nexit\n');
    expect(await main(['disasm', p, '--jited'])).toBe(0);
    expect(io.stdout).toContain('; jit-x86_64 code at 0x');
    expect(io.stdout).toMatch(/ {2}0: r0 = \*\(u32 \*\)\(r1 \+ 4\)\n\s+[0-9a-f]+:\s+8b 47 04\s+mov eax,DWORD PTR \[rdi\+0x4\]/);
    expect(io.stdout).toMatch(/ {2}1: r0 \+= 1\n\s+[0-9a-f]+:\s+48 83 c0 01\s+add rax,0x1/);
  });

  it('adds a jited object per program to --json', async () => {
    const p = file('prog2.s', 'mov %r0, 7\nexit\n');
    expect(await main(['disasm', p, '--jited', '--json', '--format', 'asm'])).toBe(0);
    const doc = JSON.parse(io.stdout) as { instructions: unknown[]; jited: { insns: Array<{ index: number; ebpf: string; x86: Array<{ text: string }> }>; size: number } };
    expect(doc.instructions).toHaveLength(2);
    expect(doc.jited.insns.map((i) => [i.index, i.ebpf])).toEqual([[0, 'mov %r0, 7'], [1, 'exit']]);
    expect(doc.jited.insns[0]!.x86.map((l) => l.text)).toEqual(['mov eax,0x7']);
    expect(doc.jited.size).toBeGreaterThan(0);
  });

  it('checks a seed image against the trace subsystem', async () => {
    expect(await main(['disasm', ex1, '--jited'])).toBe(0);
    expect(io.stdout).toContain('; jit-x86_64 code at 0x');
    expect(io.stdout).toMatch(/ {2}4: call bpf_load_pointer\n(\s+[0-9a-f]+:.*\n)*?\s+[0-9a-f]+:\s+ff d0\s+call rax/);
  });

  it('exits 1 with the checker reason when the program is refused, 2 for an unknown subsystem', async () => {
    const bad = file('bad.s', 'mov %r0, %r5\nexit\n');
    expect(await main(['disasm', bad, '--jited'])).toBe(1);
    expect(io.stderr).toMatch(/R5/);
    expect(await main(['disasm', bad, '--jited', '--subsystem', 'nope'])).toBe(2);
    expect(io.stderr).toMatch(/unknown subsystem 'nope'/);
  });
});
