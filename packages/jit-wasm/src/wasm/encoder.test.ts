/**
 * The wasm writer: LEB128 encodings against known byte sequences, and modules built with the
 * builder that the host's WebAssembly accepts and runs.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, ModuleBuilder } from './encoder.js';
import { ValType, W } from './opcodes.js';

const hex = (w: ByteWriter): string => Array.from(w.toBytes(), (b) => b.toString(16).padStart(2, '0')).join(' ');

describe('LEB128', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '80 01'],
    [624485, 'e5 8e 26'],
    [0xffffffff, 'ff ff ff ff 0f'],
  ])('uleb %d', (n, want) => {
    expect(hex(new ByteWriter().uleb(n))).toBe(want);
  });

  it.each([
    [0, '00'],
    [-1, '7f'],
    [63, '3f'],
    [64, 'c0 00'],
    [-64, '40'],
    [-65, 'bf 7f'],
    [-123456, 'c0 bb 78'],
    [0x7fffffff, 'ff ff ff ff 07'],
    [-0x80000000, '80 80 80 80 78'],
  ])('sleb32 %d', (n, want) => {
    expect(hex(new ByteWriter().sleb32(n))).toBe(want);
  });

  it.each([
    [0, 0, '00'],
    [-1, -1, '7f'],
    [0x80000000 | 0, 0, '80 80 80 80 08'],
    [0, 1, '80 80 80 80 10'],
    [-1, 0x7fffffff, 'ff ff ff ff ff ff ff ff ff 00'],
    [0, 0x80000000 | 0, '80 80 80 80 80 80 80 80 80 7f'],
  ])('sleb64 lo=%d hi=%d', (lo, hi, want) => {
    expect(hex(new ByteWriter().sleb64(lo, hi))).toBe(want);
  });

  it('grows past its initial capacity', () => {
    const w = new ByteWriter(2);
    for (let i = 0; i < 1000; i++) w.u8(i & 0xff);
    expect(w.length).toBe(1000);
    expect(w.toBytes()[999]).toBe(999 & 0xff);
  });
});

describe('ModuleBuilder', () => {
  it('builds a module with imports, functions and exports that runs', () => {
    const mb = new ModuleBuilder();
    const tImp = mb.type([ValType.I32], [ValType.I32]);
    const tAdd = mb.type([ValType.I64, ValType.I64], [ValType.I64]);
    expect(mb.type([ValType.I32], [ValType.I32])).toBe(tImp); // deduplicated
    const imp = mb.importFunc('env', 'twice', tImp);
    mb.importMemory('env', 'memory', 1);
    const code = new ByteWriter();
    // (a + b) + i64(twice(7)) + i64(load32(8))
    code.u8(W.local_get).uleb(0).u8(W.local_get).uleb(1).u8(W.i64_add);
    code.u8(W.i32_const).sleb32(7).u8(W.call).uleb(imp).u8(W.i64_extend_i32_u).u8(W.i64_add);
    code.u8(W.i32_const).sleb32(8).u8(W.i64_load32_u).u8(0).uleb(0).u8(W.i64_add);
    const f = mb.func(tAdd, { locals: [[1, ValType.I32]], code: code.toBytes() });
    mb.exportFunc('add', f);
    const bytes = mb.bytes();
    expect(WebAssembly.validate(bytes as BufferSource)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    new DataView(memory.buffer).setUint32(8, 1000, true);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { env: { twice: (x: number) => 2 * x, memory } });
    expect((inst.exports['add'] as (a: bigint, b: bigint) => bigint)(40n, 2n)).toBe(1056n);
  });

  it('refuses imports after functions', () => {
    const mb = new ModuleBuilder();
    const t = mb.type([], []);
    mb.func(t, { locals: [], code: new Uint8Array() });
    expect(() => mb.importFunc('env', 'late', t)).toThrow(/imports must precede/);
  });
});
