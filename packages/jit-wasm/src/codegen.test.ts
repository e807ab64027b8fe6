/**
 * The code generator on hostile input: random slots (valid and invalid opcodes, wild offsets)
 * must either become a module the host's WebAssembly validates, or be refused with an EbpfError
 * naming the instruction — never a crash, a hang or an invalid module. Plus the entry points'
 * shape and the function split of local calls.
 */
import { describe, expect, it } from 'vitest';
import { EbpfError, insn, lower, type LoweredProgram } from '@ebpf/core';
import { seededU32 } from '@ebpf/core/testing';
import { findFuncs, generateModule, type VmLayout } from './codegen.js';

const LAYOUT: VmLayout = { base: 0, stackTopOffset: 0x20000, stackBottomOffset: 0x20000 - 4096, argsOffset: 0x20000, memoryPages: 4 };

function randomLowered(next: () => number, n: number): LoweredProgram {
  const p: LoweredProgram = {
    length: n,
    code: new Uint8Array(n),
    dst: new Uint8Array(n),
    src: new Uint8Array(n),
    off: new Int16Array(n),
    imm: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    p.code[i] = next() & 0xff;
    p.dst[i] = next() % 11;
    p.src[i] = next() % 11;
    p.off[i] = (next() % 9) - 4;
    p.imm[i] = next() % 5 === 0 ? next() | 0 : (next() % 70) - 3;
  }
  p.code[n - 1] = 0x95;
  return p;
}

describe('generateModule', () => {
  it('turns random slots into a valid module or a clear EbpfError', () => {
    const next = seededU32(99);
    let compiled = 0;
    let refused = 0;
    for (let k = 0; k < 3000; k++) {
      const p = randomLowered(next, 2 + (next() % 24));
      let bytes: Uint8Array;
      try {
        bytes = generateModule(p, findFuncs(p), LAYOUT).bytes;
      } catch (e) {
        expect(EbpfError.is(e), String(e)).toBe(true);
        expect((e as Error).message).toMatch(/^jit-wasm: insn \d+: /);
        refused++;
        continue;
      }
      expect(WebAssembly.validate(bytes as BufferSource)).toBe(true);
      compiled++;
    }
    expect(compiled).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(100);
  });

  it('exports run, run32 and runF, and makes one wasm function per BPF function', () => {
    const p = lower([
      insn({ code: 0x85, src: 1, imm: 1 }), // call local +1
      insn({ code: 0x95 }),
      insn({ code: 0xb7, imm: 7 }), // f: mov r0, 7
      insn({ code: 0x95 }),
    ]);
    expect(findFuncs(p)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
    ]);
    const gen = generateModule(p, findFuncs(p), LAYOUT);
    expect(gen.stats).toEqual({ functions: 2, dispatchFunctions: 0, maxDepth: 0 });
    const mod = new WebAssembly.Module(gen.bytes as BufferSource);
    expect(WebAssembly.Module.exports(mod).map((e) => e.name).sort()).toEqual(['run', 'run32', 'runF']);
    expect(WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual(['env.fault:function', 'env.memory:memory']);
  });

  it('imports each called helper once, by id', () => {
    const p = lower([insn({ code: 0x85, imm: 7 }), insn({ code: 0x85, imm: 3 }), insn({ code: 0x85, imm: 7 }), insn({ code: 0x95 })]);
    const gen = generateModule(p, findFuncs(p), LAYOUT);
    expect(gen.helperIds).toEqual([7, 3]);
    const names = WebAssembly.Module.imports(new WebAssembly.Module(gen.bytes as BufferSource)).map((i) => `${i.module}.${i.name}`);
    expect(names).toEqual(['h.7', 'h.3', 'env.fault', 'env.memory']);
  });

  it('refuses a main function that does not start at slot 0', () => {
    const p = lower([insn({ code: 0x95 })]);
    expect(() => generateModule(p, [], LAYOUT)).toThrow(/main function must start at slot 0/);
  });
});
