/**
 * The inline helpers' machine code, read back through objdump: each kind decodes cleanly, uses
 * the expected instructions (string moves, the direction flag restored, VM translation through
 * r12 only when the base differs), falls back to the trampoline only where the helper must be
 * called, and only helpers listed in the layout are inlined.
 */
import { GUARD_SIZE, insn, lower, type HelperInline } from '@ebpf/core';
import { describe, expect, it } from 'vitest';
import { generate, type CodegenEnv } from './codegen.js';
import type { InlineHelperLayout } from './inline-helpers.js';
import { haveObjdump, objdumpX86 } from './objdump.js';

const KINDS: Record<number, HelperInline> = { 1: 'load_pointer', 2: 'probe_read', 3: 'probe_read_str', 4: 'memcmp' };
const MEM = 1 << 20;

function env(delta: bigint, base: bigint): CodegenEnv {
  const inlineHelpers: InlineHelperLayout = {
    helpers: new Map(Object.entries(KINDS).map(([id, k]) => [Number(id), k])),
    base,
    memorySize: MEM,
    stackBottom: base + 0x20000n,
    stackSize: 0x2000,
  };
  return { delta, stackTop: base + 0x22000n, argsNative: 0x7000_0000n, trampoline: 0x3000_0000n, dataNative: 0x4000_0000n, inlineHelpers };
}

/** Disassembly of the code generated for `call id` alone (the slot before `exit`). */
function callCode(id: number, e: CodegenEnv): string[] {
  const gen = generate(lower([insn({ code: 0x85, imm: id }), insn({ code: 0x95 })]), e);
  const lines = objdumpX86(gen.code)!;
  const start = gen.slotStart[0]!;
  const end = gen.slotStart[1]!;
  return lines.filter((l) => l.offset >= start && l.offset < end).map((l) => l.text);
}

const TRAMPOLINE = 'movabs rax,0x30000000';

describe.skipIf(!haveObjdump())('inline helper code', () => {
  it.each([
    // kind id, calls the trampoline on some path, instructions it must contain
    [1, false, ['mov rax,QWORD PTR [rdi]']],
    [2, true, ['rep movs BYTE PTR es:[rdi],BYTE PTR ds:[rsi]', 'std', 'cld', 'rep stos BYTE PTR es:[rdi],al', 'shr r10,0x1f']],
    [3, true, ['cmova r10,r11', 'movzx eax,BYTE PTR [rdx+r11*1]', 'mov BYTE PTR [r8+r11*1],0x0', 'lea rax,[r11+0x1]']],
    [4, true, ['cmp rdx,0x3f', 'movzx eax,BYTE PTR [rdi]', 'sub rax,r11']],
  ] as const)('helper %i decodes, with the expected instructions and fallback', (id, falls, wanted) => {
    const text = callCode(id, env(0n, 0x7f00_0000_0000n));
    expect(text.some((t) => t.includes('(bad)'))).toBe(false);
    for (const t of wanted) expect(text).toContain(t);
    expect(text.includes(TRAMPOLINE)).toBe(falls);
    expect(text.some((t) => t.includes('r12'))).toBe(false);
  });

  it.each([1, 2, 3, 4])('helper %i translates VM addresses through r12 when the base is not native', (id) => {
    const text = callCode(id, env(0x5555_0000_0000n, 0n));
    expect(text.some((t) => t.includes('r12'))).toBe(true);
    // with base 0 the guard start is a 32-bit immediate: no movabs for it
    expect(text).toContain(`sub ${id === 1 ? 'r10' : 'r9'},0x${GUARD_SIZE.toString(16)}`);
  });

  it('a helper not in the layout is called', () => {
    const text = callCode(9, env(0n, 0n));
    expect(text).toContain(TRAMPOLINE);
    expect(text.some((t) => t.startsWith('rep'))).toBe(false);
  });
});
