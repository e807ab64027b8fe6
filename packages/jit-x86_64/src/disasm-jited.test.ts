/**
 * `disasm --jited` listings: every eBPF instruction appears with the machine code generated for
 * it (objdump text that matches the code bytes), the prologue and early-return path apart, and
 * the concatenated pieces cover the whole image exactly once.
 */
import { parseAsm, type ProgramSpec } from '@ebpf/core';
import { conformanceSubsystem } from '@ebpf/core/testing';
import { describe, expect, it } from 'vitest';
import { formatJited, jitProgram } from './disasm-jited.js';
import { nativeUnavailable } from './native/memory.js';

const ASM = `
  ldxw %r0, [%r1+4]
  jeq %r0, 0, +3
  mov %r2, 3
  div %r0, %r2
  exit
  lddw %r0, 0x1122334455667788
  exit`;

describe.skipIf(nativeUnavailable() !== undefined)('jited listing', () => {
  const spec: ProgramSpec = { name: 't', dialect: 'rfc', insns: parseAsm(ASM), maps: [], license: 'GPL' };
  const listing = jitProgram(spec, { subsystem: conformanceSubsystem(16), syntax: 'kernel' });

  it('lists each eBPF instruction with its machine code', () => {
    expect(listing.disassembler).toBe('objdump');
    expect(listing.insns.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(listing.insns.map((i) => i.ebpf)).toEqual([
      'r0 = *(u32 *)(r1 + 4)', 'if r0 == 0x0 goto +3', 'r2 = 3', 'r0 /= r2', 'exit', 'r0 = 0x1122334455667788 ll', 'exit',
    ]);
    expect(listing.insns[0]!.x86.map((l) => l.text)).toEqual(['mov eax,DWORD PTR [rdi+0x4]']);
    expect(listing.insns[3]!.x86.some((l) => l.text === 'div r11')).toBe(true);
    expect(listing.insns[5]!.x86.map((l) => l.text)).toEqual(['movabs rax,0x1122334455667788']);
    expect(listing.insns[4]!.x86.at(-1)!.text).toBe('ret');
    expect(listing.prologue[0]!.text).toBe('push rbp');
    expect(listing.epilogue.at(-1)!.text).toBe('ret');
    expect(listing.entry.map((l) => l.text)).toEqual([expect.stringMatching(/^movabs r11,0x/), 'mov rdi,QWORD PTR [r11+0x8]', 'mov rsi,QWORD PTR [r11+0x10]', 'jmp 0x0']);
  });

  it('covers the image exactly once, in order', () => {
    const pieces = [...listing.prologue, ...listing.insns.flatMap((i) => i.x86), ...listing.epilogue, ...listing.entry];
    let at = 0;
    for (const p of pieces) {
      expect(p.offset).toBe(at);
      at += p.bytes.split(' ').length;
    }
    expect(at).toBe(listing.size);
  });

  it('formats eBPF lines flush left and machine code under them', () => {
    const text = formatJited(listing).split('\n');
    expect(text[0]).toMatch(/^; jit-x86_64 code at 0x[0-9a-f]+, \d+ bytes$/);
    const i = text.findIndex((l) => l === '  3: r0 /= r2');
    expect(i).toBeGreaterThan(0);
    expect(text[i + 1]).toMatch(/^\s+[0-9a-f]+:\s+49 89 f3\s+mov r11,rsi$/);
  });
});
