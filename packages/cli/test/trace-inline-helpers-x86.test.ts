/**
 * Differential test of the x86-64 JIT's inline helpers (native code for `HelperDef.inline`)
 * against the same helpers called through the trampoline and against the interpreter: edge
 * addresses (below base, the NULL guard's edges, past the end, ≥ 2^63), sizes 0/1/2/4/8/odd/max,
 * overlapping stack copies, over VM memories based at 0 (r12 translation) and at the buffer's
 * real address. r0, the stack's top bytes, thrown errors and JS helper calls must agree.
 */
import { describe, expect, it } from 'vitest';
import { lower, parseAsm } from '@ebpf/core';
import { Interpreter } from '@ebpf/interp';
import { compileNative, X86Engine } from '@ebpf/jit-x86_64';
import { HelperId } from '@ebpf/trace';
import { MEM, U64, edges as edgesOf, runPatterned, setup, stringSources, type CaseArgs, type Setup } from './inline-helpers-support.js';

const engine = new X86Engine();
type Engine = 'inline' | 'call' | 'interp';

/** A VM based at 0 (r12 translation) or at its buffer's real address. */
const vmAt = (nativeBase: boolean): Setup => setup(nativeBase ? (m) => engine.memoryBase(m) : undefined);

/** The edge addresses, with the ones native translation adds. */
const edges = (s: Setup): bigint[] => edgesOf(s, true);

/** Runs `asm` in one engine on a fresh VM; returns r0 (or the error code), the stack's top 128 bytes and JS helper calls. */
function runOne(nativeBase: boolean, engineName: Engine, asm: string, args: CaseArgs) {
  const s = vmAt(nativeBase);
  const lowered = lower(parseAsm(asm));
  return runPatterned(s, args, (r1, r2) => {
    if (engineName === 'interp') return new Interpreter(s.vm, lowered, { helpers: s.helpers, maps: [], budget: 10_000 }).run(r1, r2);
    const prog = compileNative({ lowered, helpers: s.helpers, maps: [], name: 'inline-test' }, s.vm, { inlineHelpers: engineName === 'inline' });
    try {
      return prog.run(r1, r2);
    } finally {
      prog.dispose();
    }
  }, (e) => (e as { code?: string }).code ?? (e as Error).message);
}

/** The three engines' outcomes; the inline one must equal the others apart from its JS call count. */
function runAll(nativeBase: boolean, asm: string, args: CaseArgs) {
  const inline = runOne(nativeBase, 'inline', asm, args);
  const call = runOne(nativeBase, 'call', asm, args);
  const interp = runOne(nativeBase, 'interp', asm, args);
  expect(call).toEqual(interp);
  return { inline, call };
}

const EDGE_COUNT = edges(vmAt(false)).length;

describe.skipIf(engine.unavailable() !== undefined).each([false, true])('x86-64 inline trace helpers agree with the JS helpers and the interpreter (native base: %s)', (nativeBase) => {
  it('bpf_load_pointer on edge addresses, with no JS call', () => {
    for (let i = 0; i < EDGE_COUNT; i++) {
      const res = runAll(nativeBase, `call ${HelperId.load_pointer}\nexit`, (s) => {
        s.vm.mem.view.setBigUint64(s.src.offset + 8, 0xfedcba9876543210n, true);
        return [edges(s)[i]!, 0n];
      });
      expect(res.inline, `case ${i}`).toEqual({ ...res.call, calls: 0 });
      expect(res.call.calls).toBe(1);
    }
    const hi = runAll(nativeBase, `call ${HelperId.load_pointer}\nexit`, (s) => {
      s.vm.mem.view.setBigUint64(s.src.offset + 8, 0xfedcba9876543210n, true);
      return [BigInt(s.vm.mem.baseNumber + s.src.offset + 8), 0n];
    });
    expect(hi.inline.r0).toBe(0xfedcba9876543210n);
  });

  it.each([0, 1, 2, 3, 4, 7, 8, 15, 64])('bpf_probe_read_kernel of a constant %i bytes to the stack', (k) => {
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\nmov %r2, ${k}\ncall ${HelperId.probe_read_kernel}\nexit`;
    for (let i = 0; i < EDGE_COUNT; i++) {
      const res = runAll(nativeBase, asm, (s) => [edges(s)[i]!, 0n]);
      expect(res.inline, `case ${i}`).toEqual({ ...res.call, calls: 0 });
    }
  });

  it('bpf_probe_read with register sizes, up to and past the maximum', () => {
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\ncall ${HelperId.probe_read}\nexit`;
    for (const size of [0n, 5n, 8n, 64n, 65n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n + 8n, U64(-1n)]) {
      for (const which of [0, 7, 8, 13]) {
        const res = runAll(nativeBase, asm, (s) => [edges(s)[which]!, size]);
        expect(res.inline.r0, `size ${size}`).toEqual(res.call.r0);
        expect(res.inline.stack).toEqual(res.call.stack);
      }
    }
  });

  it.each([
    ['source above the destination', 4],
    ['source below the destination', -4],
    ['source far below', -24],
    ['source equal to the destination', 0],
  ])('bpf_probe_read copies overlapping stack bytes as memmove (%s)', (_n, delta) => {
    for (const k of [1, 8, 12, 16, 33]) {
      const asm = `mov %r3, %r10\nadd %r3, ${-64 + delta}\nmov %r1, %r10\nadd %r1, -64\nmov %r2, ${k}\ncall ${HelperId.probe_read}\nexit`;
      const res = runAll(nativeBase, asm, () => [0n, 0n]);
      expect(res.inline).toEqual({ ...res.call, calls: 0 });
      expect(res.inline.r0).toBe(0n);
    }
  });

  it('bpf_probe_read to memory outside the stack (or straddling its end) calls the helper', () => {
    const cases: Array<[string, CaseArgs]> = [
      [`mov %r3, %r2\nmov %r2, 16\ncall ${HelperId.probe_read_kernel}\nexit`, (s) => [BigInt(s.vm.mem.baseNumber + s.scratch.offset), BigInt(s.vm.mem.baseNumber + s.src.offset)]],
      [`mov %r3, %r2\nmov %r2, 16\ncall ${HelperId.probe_read_kernel}\nexit`, (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), BigInt(s.vm.mem.baseNumber + s.src.offset)]],
      [`mov %r3, %r1\nmov %r1, %r10\nadd %r1, -4\nmov %r2, 8\ncall ${HelperId.probe_read}\nexit`, (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), 0n]],
    ];
    for (const [asm, args] of cases) {
      const res = runAll(nativeBase, asm, args);
      expect(res.inline).toEqual(res.call);
      expect(res.inline.calls).toBe(1);
    }
  });

  it.each([1, 2, 5, 8, 16, 64])('bpf_probe_read_kernel_str of at most %i bytes to the stack', (k) => {
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\nmov %r2, ${k}\ncall ${HelperId.probe_read_kernel_str}\nexit`;
    const strings = (s: Setup): bigint[] => stringSources(s, edges);
    const n = strings(vmAt(false)).length;
    for (let i = 0; i < n; i++) {
      const res = runAll(nativeBase, asm, (s) => [strings(s)[i]!, 0n]);
      expect(res.inline, `case ${i}`).toEqual({ ...res.call, calls: 0 });
    }
  });

  it('bpf_probe_read_str with register sizes, overlapping copies and a destination outside the stack', () => {
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\ncall ${HelperId.probe_read_str}\nexit`;
    for (const size of [0n, 1n, 3n, 64n, 65n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n + 4n, U64(-1n)]) {
      const res = runAll(nativeBase, asm, (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), size]);
      expect(res.inline.r0, `size ${size}`).toEqual(res.call.r0);
      expect(res.inline.stack).toEqual(res.call.stack);
    }
    for (const delta of [-3, 0, 3]) {
      // The patterned stack holds no NUL, so the copy runs to size - 1 bytes over itself.
      const over = `mov %r3, %r10\nadd %r3, ${-64 + delta}\nmov %r1, %r10\nadd %r1, -64\nmov %r2, 20\ncall ${HelperId.probe_read_str}\nexit`;
      const res = runAll(nativeBase, over, () => [0n, 0n]);
      expect(res.inline).toEqual({ ...res.call, calls: 0 });
      expect(res.inline.r0).toBe(20n);
    }
    const out = runAll(nativeBase, `mov %r3, %r2\nmov %r2, 16\ncall ${HelperId.probe_read_user_str}\nexit`, (s) => [BigInt(s.vm.mem.baseNumber + s.scratch.offset), BigInt(s.vm.mem.baseNumber + s.src.offset)]);
    expect(out.inline).toEqual(out.call);
    expect(out.inline.calls).toBe(1);
  });

  it('bpf_memcmp on edge addresses and sizes, both signs of the difference', () => {
    const asm = `mov %r3, %r2\nmov %r2, %r10\nadd %r2, -64\ncall ${HelperId.memcmp}\nexit`;
    for (const size of [0n, 1n, 2n, 7n, 8n, 63n, 64n, 2n ** 32n + 1n, 2n ** 63n, U64(-1n)]) {
      for (let i = 0; i < EDGE_COUNT; i++) {
        const res = runAll(nativeBase, asm, (s) => [edges(s)[i]!, size]);
        expect(res.inline, `size ${size} case ${i}`).toEqual({ ...res.call, calls: 0 });
      }
      // a is the stack itself: equal for `size` bytes, or differing either way.
      for (const d of [-64, -60, -63]) {
        const res = runAll(nativeBase, asm, (s) => [BigInt(s.vm.mem.baseNumber + s.vm.stackTopOffset + d), size]);
        expect(res.inline).toEqual({ ...res.call, calls: 0 });
      }
    }
  });

  it('bpf_memcmp with r2 outside the stack calls the helper', () => {
    const asm = `mov %r3, 8\ncall ${HelperId.memcmp}\nexit`;
    const res = runAll(nativeBase, asm, (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), BigInt(s.vm.mem.baseNumber + s.src.offset + 1)]);
    expect(res.inline).toEqual(res.call);
    expect(res.inline.calls).toBe(1);
  });
});
