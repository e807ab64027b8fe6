/**
 * Differential test of the x86-64 JIT's inline helpers (native code for `HelperDef.inline`)
 * against the same helpers called through the trampoline and against the interpreter: edge
 * addresses (below base, the NULL guard's edges, past the end, ≥ 2^63), sizes 0/1/2/4/8/odd/max,
 * overlapping stack copies, over VM memories based at 0 (r12 translation) and at the buffer's
 * real address. r0, the stack's top bytes, thrown errors and JS helper calls must agree.
 */
import { describe, expect, it } from 'vitest';
import { GUARD_SIZE, lower, parseAsm, Vm, type HelperDef } from '@ebpf/core';
import { Interpreter } from '@ebpf/interp';
import { compileNative, X86Engine } from '@ebpf/jit-x86_64';
import { HelperId, traceHelpers } from '@ebpf/trace';

const MEM = 1 << 20;
const U64 = (v: bigint) => BigInt.asUintN(64, v);
const engine = new X86Engine();

/** One VM with the trace helpers (counting JS calls) and a patterned source region. */
function setup(nativeBase: boolean) {
  const vm = new Vm({ size: MEM, ...(nativeBase ? { base: (m: WebAssembly.Memory) => engine.memoryBase(m) } : {}) });
  const calls = { n: 0 };
  const helpers = new Map<number, HelperDef>();
  for (const h of traceHelpers({ sink: { printk: () => {}, dumpStack: () => {} } })) {
    helpers.set(h.id, { ...h, impl: (a, env) => (calls.n++, h.impl(a, env)) });
  }
  const src = vm.mem.alloc(256, { kind: 'host', name: 'source', readOnly: true });
  for (let i = 0; i < 256; i++) vm.mem.bytes[src.offset + i] = (i * 37 + 11) & 0xff;
  const scratch = vm.mem.alloc(256, { kind: 'scratch', name: 'writable' });
  return { vm, calls, helpers, src, scratch };
}

type Setup = ReturnType<typeof setup>;
type Engine = 'inline' | 'call' | 'interp';

/** Runs `asm` in one engine on a fresh VM; returns r0 (or the error code), the stack's top 128 bytes and JS helper calls. */
function runOne(nativeBase: boolean, engineName: Engine, asm: string, args: (s: Setup) => [bigint, bigint]) {
  const s = setup(nativeBase);
  const lowered = lower(parseAsm(asm));
  const top = s.vm.stackTopOffset;
  for (let i = 0; i < 128; i++) s.vm.mem.bytes[top - 128 + i] = 0xa0 + (i & 0x1f);
  const [r1, r2] = args(s);
  let r0: bigint | string;
  try {
    if (engineName === 'interp') {
      r0 = new Interpreter(s.vm, lowered, { helpers: s.helpers, maps: [], budget: 10_000 }).run(r1, r2);
    } else {
      const prog = compileNative({ lowered, helpers: s.helpers, maps: [], name: 'inline-test' }, s.vm, { inlineHelpers: engineName === 'inline' });
      try {
        r0 = prog.run(r1, r2);
      } finally {
        prog.dispose();
      }
    }
  } catch (e) {
    r0 = `error: ${(e as { code?: string }).code ?? (e as Error).message}`;
  }
  return { r0, stack: Array.from(s.vm.mem.bytes.subarray(top - 128, top)), calls: s.calls.n };
}

/** The three engines' outcomes; the inline one must equal the others apart from its JS call count. */
function runAll(nativeBase: boolean, asm: string, args: (s: Setup) => [bigint, bigint]) {
  const inline = runOne(nativeBase, 'inline', asm, args);
  const call = runOne(nativeBase, 'call', asm, args);
  const interp = runOne(nativeBase, 'interp', asm, args);
  expect(call).toEqual(interp);
  return { inline, call };
}

/** Edge addresses as VM offsets (possibly outside memory) and raw 64-bit values. */
function edges(s: Setup): bigint[] {
  const b = BigInt(s.vm.mem.baseNumber);
  const offs = [0, 8, GUARD_SIZE - 8, GUARD_SIZE - 7, GUARD_SIZE - 1, GUARD_SIZE, GUARD_SIZE + 3, s.src.offset, s.src.offset + 5, MEM - 64, MEM - 9, MEM - 8, MEM - 7, MEM - 1, MEM, MEM + 8];
  return [...offs.map((o) => U64(b + BigInt(o))), U64(b - 8n), U64(b - 1n), 2n ** 32n + b + BigInt(s.src.offset), 2n ** 63n, 2n ** 63n + b + BigInt(s.src.offset), U64(-1n), 0n];
}

const EDGE_COUNT = edges(setup(false)).length;

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
    const cases: Array<[string, (s: Setup) => [bigint, bigint]]> = [
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
    const strings = (s: Setup): bigint[] => {
      const b = s.vm.mem.baseNumber;
      const at = s.src.offset + 100;
      s.vm.mem.bytes.set(new TextEncoder().encode('eth5\0tail'), at);
      s.vm.mem.bytes.fill(0x41, MEM - 6, MEM); // no NUL before the end of memory
      return [BigInt(b + at), BigInt(b + at + 4), BigInt(b + MEM - 6), BigInt(b + MEM - 1), ...edges(s)];
    };
    const n = strings(setup(false)).length;
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
