/**
 * Unit tests of the interpreter: a table of small programs, a differential test of every ALU and
 * jump opcode against a BigInt model of RFC 9669, memory faults, calls and the budget.
 */
import { describe, expect, it } from 'vitest';
import { VmError, Vm, insn, lower, SimpleSubsystem, tailCallHelper, type HelperDef, type Insn, type ProgArrayMap } from '@ebpf/core';
import { Interpreter } from './interpreter.js';

const vm = new Vm({ size: 1 << 20 });

function run(insns: Insn[], r1: bigint | number = 0n, r2: bigint | number = 0n, opts: ConstructorParameters<typeof Interpreter>[2] = {}): bigint {
  return new Interpreter(vm, lower(insns), opts).run(r1, r2);
}

const exit = insn({ code: 0x95 });
const mov64 = (dst: number, imm: number) => insn({ code: 0xb7, dst, imm });
const lddw = (dst: number, v: bigint) => insn({ code: 0x18, dst, imm: Number(BigInt.asIntN(32, v)), imm64: v });

// ---- a BigInt model of RFC 9669 ALU semantics ------------------------------------------------
const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const u32 = (v: bigint) => BigInt.asUintN(32, v);
const s32 = (v: bigint) => BigInt.asIntN(32, v);

function alu(op: number, is64: boolean, a: bigint, b: bigint, off: number): bigint {
  if (!is64) { a = u32(a); b = u32(b); }
  const W = is64 ? 64 : 32;
  const mask = is64 ? 63n : 31n;
  const sx = (v: bigint) => (is64 ? s64(v) : s32(v));
  const ux = (v: bigint) => (is64 ? u64(v) : u32(v));
  let r: bigint;
  switch (op) {
    case 0x00: r = a + b; break;
    case 0x10: r = a - b; break;
    case 0x20: r = a * b; break;
    case 0x30:
      if (off === 1) r = b === 0n ? 0n : sx(a) / sx(b);
      else r = b === 0n ? 0n : ux(a) / ux(b);
      break;
    case 0x40: r = a | b; break;
    case 0x50: r = a & b; break;
    case 0x60: r = a << (b & mask); break;
    case 0x70: r = ux(a) >> (b & mask); break;
    case 0x80: r = -a; break;
    case 0x90:
      if (off === 1) r = b === 0n ? a : sx(a) % sx(b);
      else r = b === 0n ? a : ux(a) % ux(b);
      break;
    case 0xa0: r = a ^ b; break;
    case 0xb0:
      r = off === 0 ? b : BigInt.asIntN(off, b);
      break;
    case 0xc0: r = sx(a) >> (b & mask); break;
    default: throw new Error('op');
  }
  return W === 64 ? u64(r) : u32(r);
}

function jmp(op: number, is64: boolean, a: bigint, b: bigint): boolean {
  const ua = is64 ? u64(a) : u32(a), ub = is64 ? u64(b) : u32(b);
  const sa = is64 ? s64(a) : s32(a), sb = is64 ? s64(b) : s32(b);
  switch (op) {
    case 0x10: return ua === ub;
    case 0x20: return ua > ub;
    case 0x30: return ua >= ub;
    case 0x40: return (ua & ub) !== 0n;
    case 0x50: return ua !== ub;
    case 0x60: return sa > sb;
    case 0x70: return sa >= sb;
    case 0xa0: return ua < ub;
    case 0xb0: return ua <= ub;
    case 0xc0: return sa < sb;
    case 0xd0: return sa <= sb;
    default: throw new Error('op');
  }
}

// Interesting 64-bit values: edges of every width, plus a few random ones (fixed seed).
const EDGES = [0n, 1n, 2n, 7n, 31n, 32n, 33n, 63n, 64n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, M64, M64 - 1n,
  0x123456789abcdef0n, 0xfedcba9876543210n, 0x00000001ffffffffn, 0xffffffff00000001n];
let seed = 0x9e3779b97f4a7c15n;
function rnd(): bigint {
  seed ^= (seed << 13n) & M64; seed ^= seed >> 7n; seed ^= (seed << 17n) & M64;
  return seed;
}
const VALUES = [...EDGES, ...Array.from({ length: 12 }, rnd)];

describe('ALU against a BigInt model', () => {
  const ops: Array<[string, number, number]> = [
    ['add', 0x00, 0], ['sub', 0x10, 0], ['mul', 0x20, 0], ['div', 0x30, 0], ['sdiv', 0x30, 1],
    ['or', 0x40, 0], ['and', 0x50, 0], ['lsh', 0x60, 0], ['rsh', 0x70, 0], ['neg', 0x80, 0],
    ['mod', 0x90, 0], ['smod', 0x90, 1], ['xor', 0xa0, 0], ['mov', 0xb0, 0], ['movsx8', 0xb0, 8],
    ['movsx16', 0xb0, 16], ['movsx32', 0xb0, 32], ['arsh', 0xc0, 0],
  ];
  for (const [name, op, off] of ops) {
    for (const is64 of [true, false]) {
      if (off === 32 && !is64) continue;
      it(`${name}${is64 ? '' : '32'} reg and imm`, () => {
        const cls = is64 ? 0x07 : 0x04;
        const bad: string[] = [];
        for (const a of VALUES) {
          for (const b of VALUES) {
            if (op === 0x80 && b !== 0n) continue;
            // register form: r0 = a, r1 = b
            const viaReg = op === 0x80
              ? run([lddw(0, a), insn({ code: cls | op, dst: 0 }), exit])
              : run([lddw(0, a), lddw(1, b), insn({ code: cls | op | 0x08, dst: 0, src: 1, off }), exit]);
            const want = alu(op, is64, a, b, off);
            if (viaReg !== want) bad.push(`reg a=0x${a.toString(16)} b=0x${b.toString(16)}: got 0x${viaReg.toString(16)} want 0x${want.toString(16)}`);
            // immediate form: b as a sign-extended 32-bit immediate
            if (op !== 0x80 && off <= 1) {
              const k = s32(b);
              const viaImm = run([lddw(0, a), insn({ code: cls | op, dst: 0, imm: Number(k), off }), exit]);
              const wantImm = alu(op, is64, a, is64 ? u64(k) : u32(k), off);
              if (viaImm !== wantImm) bad.push(`imm a=0x${a.toString(16)} k=${k}: got 0x${viaImm.toString(16)} want 0x${wantImm.toString(16)}`);
            }
          }
        }
        expect(bad.slice(0, 5)).toEqual([]);
      });
    }
  }
});

describe('jumps against a BigInt model', () => {
  const ops: Array<[string, number]> = [
    ['jeq', 0x10], ['jgt', 0x20], ['jge', 0x30], ['jset', 0x40], ['jne', 0x50], ['jsgt', 0x60],
    ['jsge', 0x70], ['jlt', 0xa0], ['jle', 0xb0], ['jslt', 0xc0], ['jsle', 0xd0],
  ];
  for (const [name, op] of ops) {
    for (const is64 of [true, false]) {
      it(`${name}${is64 ? '' : '32'}`, () => {
        const cls = is64 ? 0x05 : 0x06;
        const bad: string[] = [];
        const jumpProg = (j: Insn) => [mov64(0, 0), j, exit, mov64(0, 1), exit];
        for (const a of VALUES) {
          for (const b of VALUES) {
            const r = run([lddw(1, a), lddw(2, b), ...jumpProg(insn({ code: cls | op | 0x08, dst: 1, src: 2, off: 1 }))]);
            const want = jmp(op, is64, a, b) ? 1n : 0n;
            if (r !== want) bad.push(`reg a=0x${a.toString(16)} b=0x${b.toString(16)}: got ${r}`);
            const k = s32(b);
            const ri = run([lddw(1, a), ...jumpProg(insn({ code: cls | op, dst: 1, imm: Number(k), off: 1 }))]);
            const wi = jmp(op, is64, a, u64(k)) ? 1n : 0n;
            if (ri !== wi) bad.push(`imm a=0x${a.toString(16)} k=${k}: got ${ri}`);
          }
        }
        expect(bad.slice(0, 5)).toEqual([]);
      });
    }
  }
});

describe('byte swaps', () => {
  const v = 0x0123456789abcdefn;
  it.each([
    ['le16', 0xd4, 16, 0xcdefn], ['le32', 0xd4, 32, 0x89abcdefn], ['le64', 0xd4, 64, v],
    ['be16', 0xdc, 16, 0xefcdn], ['be32', 0xdc, 32, 0xefcdab89n], ['be64', 0xdc, 64, 0xefcdab8967452301n],
    ['bswap16', 0xd7, 16, 0xefcdn], ['bswap32', 0xd7, 32, 0xefcdab89n], ['bswap64', 0xd7, 64, 0xefcdab8967452301n],
  ] as const)('%s', (_name, code, imm, want) => {
    expect(run([lddw(0, v), insn({ code, dst: 0, imm }), exit])).toBe(want);
  });
});

describe('memory', () => {
  const ctx = vm.mem.alloc(16, { kind: 'context', name: 'test ctx' });
  const ro = vm.mem.alloc(8, { kind: 'rodata', name: 'ro', readOnly: true });
  const vals = vm.mem.alloc(32, { kind: 'map', name: 'values', elemSize: 16 });
  vm.mem.bytes.set([1, 2, 3, 4, 5, 6, 7, 8, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], ctx.offset);

  it.each([
    ['ldxb', 0x71, 0, 0x01n], ['ldxh', 0x69, 0, 0x0201n], ['ldxw', 0x61, 0, 0x04030201n],
    ['ldxdw', 0x79, 0, 0x0807060504030201n], ['ldxsb', 0x91, 8, u64(-16n)], ['ldxsh', 0x89, 8, u64(-16n)],
    ['ldxsw', 0x81, 8, u64(-16n)], ['ldxw at +8', 0x61, 8, 0xfffffff0n],
  ] as const)('%s', (_name, code, off, want) => {
    expect(run([insn({ code, dst: 0, src: 1, off }), exit], ctx.address)).toBe(want);
  });

  it('stores and loads through the stack (st, stx, all sizes)', () => {
    const prog = [
      insn({ code: 0x7a, dst: 10, off: -8, imm: -2 }), // stdw [r10-8], -2
      insn({ code: 0x72, dst: 10, off: -8, imm: 0x11 }), // stb [r10-8], 0x11
      lddw(1, 0x2233n),
      insn({ code: 0x6b, dst: 10, off: -6, src: 1 }), // stxh [r10-6], r1
      insn({ code: 0x79, dst: 0, src: 10, off: -8 }), // ldxdw r0, [r10-8]
      exit,
    ];
    expect(run(prog)).toBe(0xffffffff2233ff11n);
  });

  it.each([
    ['past the end of a region', [insn({ code: 0x79, dst: 0, src: 1, off: 12 }), exit], 0, /crosses the end of context region 'test ctx'/],
    ['before a region', [insn({ code: 0x71, dst: 0, src: 1, off: -1 }), exit], 0, /not inside any allocated region|crosses|accessible/],
    ['NULL', [mov64(1, 0), insn({ code: 0x71, dst: 0, src: 1 }), exit], 1, /outside VM memory|not inside any allocated region/],
    ['above the stack', [insn({ code: 0x7a, dst: 10, off: 0, imm: 1 }), exit], 0, /write of 8 bytes/],
  ] as const)('faults on an access %s', (_name, prog, at, message) => {
    let err: unknown;
    try { run([...prog], ctx.address); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(VmError);
    expect((err as VmError).code).toBe('VM_FAULT');
    expect((err as VmError).insn).toBe(at);
    expect((err as VmError).message).toMatch(message);
  });

  it('forgets what it knew about a region once the region is released', () => {
    const tmp = vm.mem.alloc(8, { kind: 'packet', name: 'short-lived' });
    const it2 = new Interpreter(vm, lower([insn({ code: 0x79, dst: 0, src: 1 }), exit]));
    expect(it2.run(tmp.address)).toBe(0n);
    expect(it2.run(tmp.address)).toBe(0n);
    vm.mem.release(tmp);
    expect(() => it2.run(tmp.address)).toThrow(VmError);
  });

  it('refuses writes to read-only regions', () => {
    expect(() => run([insn({ code: 0x72, dst: 1, imm: 1 }), exit], ro.address)).toThrow(/read-only/);
    expect(run([insn({ code: 0x71, dst: 0, src: 1 }), exit], ro.address)).toBe(0n);
  });

  it('oracle mode bounds an access to one object', () => {
    const prog = [insn({ code: 0x79, dst: 0, src: 1, off: 12 }), exit]; // crosses value 0 into value 1
    expect(run(prog, vals.address)).toBe(0n);
    expect(() => run(prog, vals.address, 0n, { oracle: true })).toThrow(/crosses from object 0 into object 1/);
    // inside one object is fine
    expect(run([insn({ code: 0x79, dst: 0, src: 1, off: 8 }), exit], vals.address, 0n, { oracle: true })).toBe(0n);
  });

  it('oracle mode: a pointer into one map value cannot reach the next value, nor another map', () => {
    const mvm = new Vm({ size: 1 << 20 });
    const a = mvm.createMap({ name: 'a', type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 });
    const b = mvm.createMap({ name: 'b', type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, flags: 0 });
    const value0 = a.values!.address;
    const step = b.values!.address - value0; // from a's value 0 to b's value 0
    const read = (off: number, oracle: boolean, base = value0) =>
      new Interpreter(mvm, lower([insn({ code: 0x79, dst: 0, src: 1, off }), exit]), { oracle }).run(base);
    expect(read(0, true)).toBe(0n);
    expect(read(8, false)).toBe(0n); // value 1 of the same region
    expect(() => read(4, true)).toThrow(/crosses from object 0 into object 1 of map region 'map a values'/);
    // Reaching map b through a's pointer: b's region is fine memory, but not the object pointed to.
    expect(read(0, false, value0 + step)).toBe(0n);
    expect(() => new Interpreter(mvm, lower([insn({ code: 0x79, dst: 0, src: 1, off: 4 }), exit]), { oracle: true }).run(value0 + step)).toThrow(/crosses from object 0/);
  });

  it('oracle mode: a frame cannot reach into its caller\'s frame through r10', () => {
    // callee reads fp+8: the caller's frame, which non-oracle mode allows.
    const prog = [insn({ code: 0x85, src: 1, imm: 1 }), exit, insn({ code: 0x79, dst: 0, src: 10, off: -4 }), exit];
    expect(run(prog)).toBe(run(prog));
    expect(() => run(prog, 0n, 0n, { oracle: true })).toThrow(/crosses from object/);
  });

  it('atomics: add, fetch forms, xchg, cmpxchg (32 and 64 bits)', () => {
    const st = (v: bigint) => [lddw(1, v), insn({ code: 0x7b, dst: 10, src: 1, off: -8 })];
    const ld = insn({ code: 0x79, dst: 0, src: 10, off: -8 });
    // fetch add 64: r2 gets the old value, memory the sum
    expect(run([...st(0xffffffffn), mov64(2, 1), insn({ code: 0xdb, dst: 10, src: 2, off: -8, imm: 0x01 }), ld, exit])).toBe(0x100000000n);
    expect(run([...st(5n), mov64(2, 1), insn({ code: 0xdb, dst: 10, src: 2, off: -8, imm: 0x01 }), insn({ code: 0xbf, dst: 0, src: 2 }), exit])).toBe(5n);
    // 32-bit and: only the low word changes
    expect(run([...st(0xffffffff0000ffffn), mov64(2, 0xff), insn({ code: 0xc3, dst: 10, src: 2, off: -8, imm: 0x50 }), ld, exit])).toBe(0xffffffff000000ffn);
    // xchg 64
    expect(run([...st(7n), mov64(2, 9), insn({ code: 0xdb, dst: 10, src: 2, off: -8, imm: 0xe1 }), ld, insn({ code: 0x0f, dst: 0, src: 2 }), exit])).toBe(16n);
    // cmpxchg 64: equal → store, r0 = old
    expect(run([...st(7n), mov64(0, 7), mov64(2, 9), insn({ code: 0xdb, dst: 10, src: 2, off: -8, imm: 0xf1 }), insn({ code: 0x79, dst: 3, src: 10, off: -8 }), insn({ code: 0x0f, dst: 0, src: 3 }), exit])).toBe(16n);
    // cmpxchg 32: not equal → no store, r0 = old (zero-extended)
    expect(run([...st(7n), mov64(0, 8), mov64(2, 9), insn({ code: 0xc3, dst: 10, src: 2, off: -8, imm: 0xf1 }), insn({ code: 0x79, dst: 3, src: 10, off: -8 }), insn({ code: 0x0f, dst: 0, src: 3 }), exit])).toBe(14n);
    // seed xadd of 1 and 2 bytes wraps inside its width
    expect(run([...st(0x1ffn), mov64(2, 1), insn({ code: 0xd3, dst: 10, src: 2, off: -8 }), insn({ code: 0xcb, dst: 10, src: 2, off: -7 }), ld, exit])).toBe(0x100n + 0x0n + 0x200n - 0x100n);
  });
});

describe('control flow', () => {
  it('local calls get their own frame and keep r6..r9', () => {
    const prog = [
      mov64(6, 6),
      insn({ code: 0x7a, dst: 10, off: -8, imm: 40 }),
      insn({ code: 0x85, src: 1, imm: 4 }), // call +4
      insn({ code: 0x79, dst: 1, src: 10, off: -8 }),
      insn({ code: 0x0f, dst: 0, src: 1 }),
      insn({ code: 0x0f, dst: 0, src: 6 }),
      exit,
      // callee: writes its own fp-8 and clobbers r6
      insn({ code: 0x7a, dst: 10, off: -8, imm: 1000 }),
      mov64(6, 0),
      insn({ code: 0x79, dst: 0, src: 10, off: -8 }),
      exit,
    ];
    expect(run(prog)).toBe(1046n);
  });

  it('unbounded recursion ends at the frame limit', () => {
    const prog = [insn({ code: 0x85, src: 1, imm: -1 }), exit];
    expect(() => run(prog)).toThrow(/call depth exceeds 8 frames/);
  });

  it('a runaway loop ends with a budget error naming the instruction', () => {
    const prog = [mov64(0, 0), insn({ code: 0x07, dst: 0, imm: 1 }), insn({ code: 0x05, off: -2 }), exit];
    let err: VmError | undefined;
    try { run(prog, 0n, 0n, { budget: 1000 }); } catch (e) { err = e as VmError; }
    expect(err?.code).toBe('VM_BUDGET');
    expect(err?.insn).toBe(2);
  });

  it.each([
    ['falling off the end', [mov64(0, 0)], 1, /fell off the end/],
    ['an unknown opcode', [insn({ code: 0xff }), exit], 0, /unknown opcode 0xff/],
    ['a jump into the middle of lddw', [insn({ code: 0x05, off: 1 }), lddw(0, 1n), exit], 0, /jump into the middle of the lddw at slot 1/],
    ['a write to r10', [mov64(10, 0), exit], 0, /r10 is read-only/],
    ['an invalid register', [insn({ code: 0xbf, dst: 0, src: 11 }), exit], 0, /invalid source register r11/],
    ['a bad byte swap width', [insn({ code: 0xdc, dst: 0, imm: 8 }), exit], 0, /byte swap width 8/],
    ['a call to an unknown helper', [insn({ code: 0x85, imm: 99 }), exit], 0, /helper 99/],
  ] as const)('faults on %s', (_n, prog, at, message) => {
    let err: VmError | undefined;
    try { run([...prog]); } catch (e) { err = e as VmError; }
    expect(err).toBeInstanceOf(VmError);
    expect(err?.insn).toBe(at);
    expect(err?.message).toMatch(message);
  });

  it('lists invalid instructions for load-time validation; valid programs have none', () => {
    const it1 = new Interpreter(vm, lower([insn({ code: 0x05, off: 1 }), lddw(0, 1n), insn({ code: 0xff }), insn({ code: 0x15, off: 9 }), exit]));
    expect([...it1.invalidInstructions().keys()]).toEqual([3, 4, 0]);
    expect(new Interpreter(vm, lower([lddw(0, 1n), exit])).invalidInstructions().size).toBe(0);
  });

  it('an empty program faults at slot 0 instead of running off into nothing', () => {
    expect(() => run([])).toThrow(/fell off the end/);
  });

  it('refuses a budget that is not a positive number', () => {
    expect(() => new Interpreter(vm, lower([exit]), { budget: 0 })).toThrow(/budget must be positive/);
    expect(() => new Interpreter(vm, lower([exit]), { budget: Number.NaN })).toThrow(/budget must be positive/);
  });

  it('jump targets outside the program are refused when reached', () => {
    expect(() => run([insn({ code: 0x05, off: 100 }), exit])).toThrow(/outside the program/);
  });
});

describe('helpers', () => {
  const helpers: HelperDef[] = [
    { id: 1, name: 'sum', proto: { ret: 'integer', args: [] }, impl: (a) => a.u64(1) + a.u64(2) + a.u64(5) },
    { id: 2, name: 'neg', proto: { ret: 'integer', args: [] }, impl: () => -22 },
    { id: 3, name: 'boom', proto: { ret: 'integer', args: [] }, impl: () => { throw new Error('kaput'); } },
    { id: 5, name: 'unwind', proto: { ret: 'integer', args: [] }, impl: (a) => a.u64(1), unwindOnZero: true },
  ];
  const sub = new SimpleSubsystem({ name: 't', context: { size: 0, fields: [] }, helpers });
  const opts = { helpers: sub.helpers() };

  it('passes r1..r5 and takes r0 (bigint and negative number results)', () => {
    expect(run([lddw(1, 1n << 40n), mov64(2, 2), mov64(5, 3), insn({ code: 0x85, imm: 1 }), exit], 0n, 0n, opts)).toBe((1n << 40n) + 5n);
    expect(run([insn({ code: 0x85, imm: 2 }), exit], 0n, 0n, opts)).toBe(u64(-22n));
  });

  it('a helper that throws ends the run with a HELPER error; the VM stays usable', () => {
    let err: VmError | undefined;
    try { run([insn({ code: 0x85, imm: 3 }), exit], 0n, 0n, opts); } catch (e) { err = e as VmError; }
    expect(err?.code).toBe('HELPER');
    expect(err?.message).toMatch(/helper boom failed: kaput/);
    expect(run([mov64(0, 4), exit])).toBe(4n);
  });

  it('callx calls the helper whose id the register holds', () => {
    expect(run([mov64(1, 7), mov64(2, 0), mov64(3, 2), insn({ code: 0x8d, dst: 3 }), exit], 0n, 0n, opts)).toBe(u64(-22n));
    expect(() => run([mov64(3, 42), insn({ code: 0x8d, dst: 3 }), exit], 0n, 0n, opts)).toThrow(/callx to 0x2a/);
  });

  it('an unwind helper returning 0 ends the program with r0 = 0', () => {
    expect(run([mov64(1, 0), insn({ code: 0x85, imm: 5 }), mov64(0, 2), exit], 0n, 0n, opts)).toBe(0n);
    expect(run([mov64(1, -1), insn({ code: 0x85, imm: 5 }), mov64(0, 2), exit], 0n, 0n, opts)).toBe(2n);
  });
});

describe('tail calls (helper 12, the VM protocol)', () => {
  it('a taken tail call ends the run with the target r0; a miss continues with -errno', () => {
    const tvm = new Vm({ size: 1 << 20 });
    const pa = tvm.createMap({ name: 'jumps', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 }) as ProgArrayMap;
    const helpers = [tailCallHelper];
    // target: r0 = r1 + 100 (r1 is the caller's context pointer)
    const target = new Interpreter(tvm, lower([insn({ code: 0xbf, dst: 0, src: 1 }), insn({ code: 0x07, dst: 0, imm: 100 }), exit]), { helpers });
    pa.set(2, tvm.registerProgram({ name: 'target', run: (r1) => target.run(r1) }));
    const caller = (index: number) => new Interpreter(tvm, lower([
      lddw(2, pa.address), mov64(3, index), insn({ code: 0x85, imm: 12 }),
      insn({ code: 0x07, dst: 0, imm: 1000 }), exit,
    ]), { helpers });
    expect(caller(2).run(5)).toBe(105n);
    expect(caller(1).run(5)).toBe(1000n - 2n); // -ENOENT + 1000
    expect(caller(9).run(5)).toBe(1000n - 7n); // -E2BIG + 1000
    expect(tvm.tailCallDepth).toBe(0);
  });

  it('a chain stops after 33 tail calls, as Linux does', () => {
    const tvm = new Vm({ size: 1 << 20 });
    const pa = tvm.createMap({ name: 'jumps', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 }) as ProgArrayMap;
    // self: r6 = r1; tail call slot 0; on a miss r0 = 7
    const self = new Interpreter(tvm, lower([lddw(2, pa.address), mov64(3, 0), insn({ code: 0x85, imm: 12 }), mov64(0, 7), exit]), { helpers: [tailCallHelper] });
    let runs = 0;
    pa.set(0, tvm.registerProgram({ name: 'self', run: (r1) => { runs++; return self.run(r1); } }));
    expect(self.run(0)).toBe(7n);
    expect(runs).toBe(33);
  });
});
