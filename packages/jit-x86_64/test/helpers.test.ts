/**
 * Helper calls from native code: arguments and results cross the FFI trampoline exactly as the
 * interpreter passes them; a helper that throws ends the run (from any bpf-to-bpf depth) with a
 * HELPER error and leaves the VM usable; unwind, callx and tail calls (including a program
 * tail-calling itself) behave as in the interpreter; the inline array-map lookup agrees with the
 * map; dispose unmaps the code.
 */
import { readFileSync } from 'node:fs';
import { insn, lower, mapLookupElemHelper, tailCallHelper, Vm, VmError, type HelperDef, type Insn, type ProgArrayMap } from '@ebpf/core';
import { describe, expect, it } from 'vitest';
import { compileNative } from '../src/compile.js';
import { nativeUnavailable } from '../src/native/memory.js';
import { Differ } from './support.js';

const exit = insn({ code: 0x95 });
const mov = (dst: number, imm: number): Insn => insn({ code: 0xb7, dst, imm });
const movr = (dst: number, src: number): Insn => insn({ code: 0xbf, dst, src });
const add = (dst: number, imm: number): Insn => insn({ code: 0x07, dst, imm });
const call = (id: number): Insn => insn({ code: 0x85, imm: id });
const callLocal = (rel: number): Insn => insn({ code: 0x85, src: 1, imm: rel });
const lddw = (dst: number, v: bigint): Insn => insn({ code: 0x18, dst, imm64: v, imm: Number(BigInt.asIntN(32, v)) });
const jne = (dst: number, imm: number, off: number): Insn => insn({ code: 0x55, dst, imm, off });

/** A helper returning a mix of its five arguments, so any misplaced argument shows. */
const mix: HelperDef = {
  id: 7, name: 'mix', proto: { ret: 'integer', args: ['scalar', 'scalar', 'scalar', 'scalar', 'scalar'] },
  impl: (a) => a.u64(1) * 3n + a.u64(2) * 5n + a.u64(3) * 7n + a.u64(4) * 11n + a.u64(5) * 13n,
};
/** Returns r1 as is (Number when small, BigInt otherwise: both conversions are exercised). */
const echo: HelperDef = { id: 8, name: 'echo', proto: { ret: 'integer', args: ['scalar'] }, impl: (a) => (a.hi(1) === 0 ? a.u32(1) : a.u64(1)) };
/** Throws when r1 is 13. */
const picky: HelperDef = {
  id: 9, name: 'picky', proto: { ret: 'integer', args: ['scalar'] },
  impl: (a) => {
    if (a.u32(1) === 13) throw new Error('thirteen');
    return -22;
  },
};

describe.skipIf(nativeUnavailable() !== undefined)('helper calls from native code', () => {
  const d = new Differ(true);
  const helpers = [mix, echo, picky];

  it('passes r1..r5 and returns r0 like the interpreter (negative, 32-bit, 64-bit results)', () => {
    for (const v of [0n, 5n, 0xffffffffn, 0x100000000n, 0x8000000000000000n, 0xffffffffffffffffn]) {
      const prog = [lddw(1, v), mov(2, 2), mov(3, -3), lddw(4, v ^ 0x5555n), mov(5, 5), call(7), movr(6, 0), lddw(1, v), call(8), add(0, 1), movr(1, 0), mov(1, 1), call(9), exit];
      const { interp, native } = d.run(prog, { helpers });
      expect(native).toEqual(interp);
      expect(native.result).toBe('0x' + BigInt.asUintN(64, -22n).toString(16));
    }
  });

  it('a helper that throws ends the run with a HELPER error from any call depth; the VM stays usable', () => {
    // main -> f1 -> f2 -> picky(13) throws at slot 7
    const prog = [mov(6, 6), callLocal(2), mov(0, 1), exit, callLocal(2), add(0, 1), exit, mov(1, 13), call(9), mov(0, 5), exit];
    const { interp, native } = d.run(prog, { helpers });
    expect(native.result).toBe('error HELPER@8');
    expect(native).toEqual(interp);
    const r = compileNative({ lowered: lower(prog), helpers: new Map(helpers.map((h) => [h.id, h])), maps: [], name: 'p' }, d.vm);
    try {
      expect(() => r.run(0n, 0n)).toThrow(VmError);
      let err: unknown;
      try {
        r.run(0n, 0n);
      } catch (e) {
        err = e;
      }
      expect((err as VmError).message).toMatch(/insn 8: helper picky failed: thirteen/);
      expect((err as VmError).cause).toBeInstanceOf(Error);
      // the same program and another one still run after the failure
      const ok = compileNative({ lowered: lower([mov(1, 1), call(9), add(0, 100), exit]), helpers: new Map(helpers.map((h) => [h.id, h])), maps: [], name: 'ok' }, d.vm);
      for (let i = 0; i < 3; i++) expect(ok.run(0n, 0n)).toBe(78n);
      ok.dispose();
      expect(() => r.run(0n, 0n)).toThrow(/picky failed/);
    } finally {
      r.dispose();
    }
  });

  it('local calls keep r6..r9 and give each frame its own 512 bytes', () => {
    const st = (off: number, src: number): Insn => insn({ code: 0x7b, dst: 10, src, off });
    const ld = (dst: number, off: number): Insn => insn({ code: 0x79, dst, src: 10, off });
    // main: r6..r9 = 6..9, [fp-8] = 1; f: overwrite r6..r9 and its own [fp-8]; main sums after return
    const prog = [
      mov(6, 6), mov(7, 7), mov(8, 8), mov(9, 9), mov(1, 1), st(-8, 1), callLocal(6),
      ld(2, -8), add(0, 0), insn({ code: 0x0f, dst: 0, src: 2 }), insn({ code: 0x0f, dst: 0, src: 6 }), insn({ code: 0x0f, dst: 0, src: 9 }), exit,
      mov(6, 60), mov(7, 70), mov(8, 80), mov(9, 90), mov(1, 77), st(-8, 1), callLocal(1), exit, mov(0, 1000), exit,
    ];
    const { interp, native } = d.run(prog);
    expect(native).toEqual(interp);
    expect(native.result).toBe('0x' + (1000 + 1 + 6 + 9).toString(16));
  });

  it('r1 and r2 arrive whole: Numbers, BigInts, values above 2^53, negatives', () => {
    const r = compileNative({ lowered: lower([movr(0, 1), insn({ code: 0xaf, dst: 0, src: 2 }), exit]), helpers: new Map(), maps: [], name: 'args' }, d.vm);
    const r2only = compileNative({ lowered: lower([movr(0, 2), exit]), helpers: new Map(), maps: [], name: 'r2' }, d.vm);
    try {
      const cases: Array<[bigint | number, bigint | number, bigint]> = [
        [0, 0, 0n], [1, 2, 3n], [2 ** 53 - 1, 0, 2n ** 53n - 1n], [0xffffffffffffffffn, 1n, 0xfffffffffffffffen],
        [0x123456789abcdef0n, 0xfn, 0x123456789abcdeffn], [-1, 0, 0xffffffffffffffffn], [-2n, 0n, 0xfffffffffffffffen],
      ];
      for (const [a, b, want] of cases) expect(r.run(a, b)).toBe(want);
      expect(r.runLow32(0x12345678, 0x0f)).toBe(0x12345677);
      expect(r2only.run(0n, 0x8000000000000000n)).toBe(0x8000000000000000n);
      expect(r2only.run()).toBe(0n);
    } finally {
      r.dispose();
      r2only.dispose();
    }
  });

  it('refuses call chains deeper than the VM stack, and recursion, at compile time', () => {
    const deep = lower([callLocal(1), exit, callLocal(1), exit, mov(0, 4), exit]); // 3 frames
    const small = new Vm({ size: 1 << 20, maxCallFrames: 2 });
    expect(() => compileNative({ lowered: deep, helpers: new Map(), maps: [], name: 'deep' }, small)).toThrow(/nest 3 frames deep; the VM stack holds 2/);
    const ok = compileNative({ lowered: deep, helpers: new Map(), maps: [], name: 'deep' }, d.vm);
    expect(ok.run()).toBe(4n);
    ok.dispose();
    const rec = lower([callLocal(1), exit, callLocal(-1), exit]);
    expect(() => compileNative({ lowered: rec, helpers: new Map(), maps: [], name: 'rec' }, d.vm)).toThrow(/recursion/);
  });

  it('callx and the unwind extension, as the conformance suite defines them', () => {
    const unwind: HelperDef = { id: 5, name: 'unwind', proto: { ret: 'integer', args: ['scalar'] }, impl: (a) => a.u64(1), unwindOnZero: true };
    for (const arg of [0, 3]) {
      const prog = [mov(6, 1), callLocal(2), mov(0, 2), exit, mov(1, arg), mov(2, 5), insn({ code: 0x8d, dst: 2 }), exit];
      const { interp, native } = d.run(prog, { helpers: [unwind] });
      expect(native).toEqual(interp);
      expect(native.result).toBe(arg === 0 ? '0x0' : '0x2');
    }
    // callx to an id that is not a helper of the program: a clean fault, no crash
    const { interp, native } = d.run([mov(2, 99), insn({ code: 0x8d, dst: 2 }), exit], { helpers: [echo] });
    expect(native.result).toBe('error VM_FAULT@1');
    expect(interp.result).toBe('error VM_FAULT@1');
    // an id with high bits set (its low half names a helper) is no helper either
    const huge = d.run([lddw(2, 0x100000008n), insn({ code: 0x8d, dst: 2 }), exit], { helpers: [echo] });
    expect(huge.native.result).toBe('error VM_FAULT@2');
    expect(huge.native).toEqual(huge.interp);
  });

  it('tail calls: taken, missed, chained to the limit, and a program tail-calling itself', () => {
    const vm = d.vm;
    const pa = vm.createMap({ name: 'jumps', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 }) as ProgArrayMap;
    const hs = new Map([[12, tailCallHelper], [9, picky]]);
    const target = compileNative({ lowered: lower([movr(0, 1), add(0, 100), exit]), helpers: hs, maps: [], name: 'target' }, vm);
    const tid = vm.registerProgram({ name: 'target', run: (r1) => target.run(r1) });
    pa.set(2, tid);
    const caller = (index: number) => compileNative({ lowered: lower([lddw(2, pa.address), mov(3, index), call(12), add(0, 1000), exit]), helpers: hs, maps: [pa], name: 'caller' }, vm);
    const c2 = caller(2);
    const c1 = caller(1);
    expect(c2.run(5n)).toBe(105n);
    expect(c1.run(5n)).toBe(1000n - 2n);
    // self: counts its runs, tail-calls slot 0; on a miss r0 = 7; a fresh anchor per nesting level
    let runs = 0;
    const self = compileNative({ lowered: lower([lddw(2, pa.address), mov(3, 0), call(12), mov(0, 7), exit]), helpers: hs, maps: [pa], name: 'self' }, vm);
    const sid = vm.registerProgram({ name: 'self', run: (r1) => { runs++; return self.run(r1); } });
    pa.set(0, sid);
    expect(self.run(0n)).toBe(7n);
    expect(runs).toBe(33);
    expect(vm.tailCallDepth).toBe(0);
    // a failing helper deep in a chain fails the whole run
    const failing = compileNative({ lowered: lower([mov(1, 13), call(9), exit]), helpers: hs, maps: [], name: 'failing' }, vm);
    pa.set(3, vm.registerProgram({ name: 'failing', run: (r1) => failing.run(r1) }));
    const c3 = caller(3);
    expect(() => c3.run(0n)).toThrow(/bpf_tail_call|picky/);
    expect(c2.run(1n)).toBe(101n);
    for (const r of [target, c1, c2, c3, self, failing]) r.dispose();
    vm.destroyMap(pa);
  });

  it('inline array-map lookups agree with the map (in range, out of range, other maps)', () => {
    const vm = d.vm;
    const arr = vm.createMap({ name: 'arr', type: 'array', keySize: 4, valueSize: 12, maxEntries: 5, flags: 0 });
    const hash = vm.createMap({ name: 'h', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 5, flags: 0 });
    hash.update(Uint8Array.of(3, 0, 0, 0), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    let calls = 0;
    const counted: HelperDef = { ...mapLookupElemHelper, impl: (a, env) => { calls++; return mapLookupElemHelper.impl(a, env); } };
    // key at fp-4; r0 = lookup(map, &key); r0 = r0 ? *(u32 *)r0 + (r0 - base) : 0xdead
    const prog = (map: bigint, key: number): Insn[] => [
      mov(1, key), insn({ code: 0x63, dst: 10, src: 1, off: -4 }), lddw(1, map), movr(2, 10), add(2, -4), call(1),
      jne(0, 0, 2), mov(0, 0xdead), exit, movr(6, 0), insn({ code: 0x61, dst: 0, src: 6, off: 0 }), lddw(7, arr.values!.address), insn({ code: 0x1f, dst: 6, src: 7 }), insn({ code: 0x0f, dst: 0, src: 6 }), exit,
    ];
    arr.update(Uint8Array.of(4, 0, 0, 0), new Uint8Array(12).fill(9));
    for (const inline of [true, false]) {
      for (const [map, key] of [[arr.address, 0], [arr.address, 4], [arr.address, 5], [arr.address, -1], [hash.address, 3], [hash.address, 4]] as const) {
        calls = 0;
        const { interp, native } = d.run(prog(map, key), { helpers: [counted], maps: [arr, hash], native: { inlineLookups: inline } });
        expect({ map: map === arr.address ? 'arr' : 'hash', key, inline, ...native }).toEqual({ map: map === arr.address ? 'arr' : 'hash', key, inline, ...interp });
        // the interpreter calls the helper once; native code too, unless inlined for the array
        expect(calls).toBe(inline && map === arr.address ? 1 : 2);
      }
    }
    vm.destroyMap(arr);
    vm.destroyMap(hash);
  });

  it('dispose unmaps the code and releases the trampoline; a disposed program refuses to run', () => {
    const r = compileNative({ lowered: lower([mov(0, 1), exit]), helpers: new Map([[8, echo]]), maps: [], name: 'gone' }, d.vm);
    const at = r.address.toString(16);
    const mapped = (): boolean => readFileSync('/proc/self/maps', 'utf8').split('\n').some((l) => l.startsWith(at + '-'));
    expect(mapped()).toBe(true);
    const perms = readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.startsWith(at + '-'))!.split(/\s+/)[1];
    expect(perms).toBe('r-xp'); // W^X: the code pages are not writable
    expect(r.run()).toBe(1n);
    r.dispose();
    r.dispose();
    expect(mapped()).toBe(false);
    expect(() => r.run()).toThrow(/disposed/);
  });
});
