/**
 * Code generation refusals: what this JIT does not compile is a clear error naming the slot,
 * never bytes that would misbehave (legacy packet loads, kfunc calls, malformed fields, jumps
 * out of the program or into the middle of `lddw`).
 */
import { EbpfError, insn, lower, NotSupportedError, type Insn } from '@ebpf/core';
import { describe, expect, it } from 'vitest';
import { generate, type CodegenEnv } from './codegen.js';

const ENV: CodegenEnv = { delta: 0n, stackTop: 0x10000n, argsNative: 0x20000n, trampoline: 0x30000n, dataNative: 0x40000n };
const exit = insn({ code: 0x95 });
const gen = (insns: Insn[]): unknown => generate(lower(insns), ENV);

describe('code generation refusals', () => {
  it.each([
    ['ldabsw', [insn({ code: 0x20, imm: 4 }), exit], /insn 0: legacy packet loads/],
    ['ldindb', [insn({ code: 0x50, src: 1, imm: 4 }), exit], /insn 0: legacy packet loads/],
    ['kfunc call', [insn({ code: 0x85, src: 2, imm: 77 }), exit], /insn 0: calls of kind 2/],
  ])('%s is not supported', (_name, prog, why) => {
    expect(() => gen(prog as Insn[])).toThrow(NotSupportedError);
    expect(() => gen(prog as Insn[])).toThrow(why as RegExp);
  });

  it.each([
    ['register 11', [insn({ code: 0xb7, dst: 11, imm: 1 }), exit], /insn 0: bad register r11/],
    ['jump past the end', [insn({ code: 0x05, off: 5 }), exit], /insn 0: bad jump target 6/],
    ['jump before the start', [exit, insn({ code: 0x05, off: -3 })], /insn 1: bad jump target -1/],
    ['jump into lddw', [insn({ code: 0x05, off: 1 }), insn({ code: 0x18, dst: 0, imm64: 5n }), exit], /insn 0: bad jump target 2/],
    ['div offset 2', [insn({ code: 0x3f, dst: 0, src: 1, off: 2 }), exit], /insn 0: bad offset 2/],
    ['movsx offset 4', [insn({ code: 0xbf, dst: 0, src: 1, off: 4 }), exit], /insn 0: bad movsx offset 4/],
    ['byte swap width 8', [insn({ code: 0xdc, dst: 0, imm: 8 }), exit], /insn 0: bad byte swap width 8/],
    ['atomic sub', [insn({ code: 0xdb, dst: 10, src: 1, off: -8, imm: 0x10 }), exit], /insn 0: bad atomic operation 0x10/],
    ['1-byte atomic', [insn({ code: 0xd3, dst: 10, src: 1, off: -8, imm: 0 }), exit], /insn 0: bad store mode/],
    ['unknown ALU op', [insn({ code: 0xe7, dst: 0, imm: 0 }), exit], /insn 0: bad ALU operation/],
  ])('%s is refused', (_name, prog, why) => {
    let err: unknown;
    try {
      gen(prog as Insn[]);
    } catch (e) {
      err = e;
    }
    expect(EbpfError.is(err)).toBe(true);
    expect((err as EbpfError).code).toBe('ENCODE');
    expect((err as Error).message).toMatch(why as RegExp);
  });
});
