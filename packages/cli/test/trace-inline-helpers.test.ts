/**
 * Differential test of the wasm JIT's inline helpers against the trace subsystem's JS helpers:
 * the same programs compiled with `inlineHelpers` on and off, run on edge addresses (the NULL
 * guard's edges, the end of memory, wrapped and huge values, overlapping stack copies) over VM
 * memories at base 0 and at a high base; r0, the stack bytes and thrown errors must agree.
 */
import { describe, expect, it } from 'vitest';
import { lower, parseAsm } from '@ebpf/core';
import { compileLowered } from '@ebpf/jit-wasm';
import { HelperId } from '@ebpf/trace';
import { U64, edges, runPatterned, setup, stringSources, type CaseArgs, type Setup } from './inline-helpers-support.js';

/** A VM at `base` (0: the default). */
const vmAt = (base: number): Setup => setup(base ? () => BigInt(base) : undefined);

/** Runs `asm` compiled with and without inline helpers, each on a fresh VM. */
function runBoth(base: number, asm: string, args: CaseArgs) {
  const out = [true, false].map((inline) => {
    const s = vmAt(base);
    const prog = compileLowered(s.vm, lower(parseAsm(asm)), { helpers: s.helpers, name: 'inline-test', inlineHelpers: inline });
    return runPatterned(s, args, (r1, r2) => prog.run(r1, r2), (e) => (e as Error).message);
  });
  return { inline: out[0]!, js: out[1]! };
}

describe.each([0, 0x7f12_3456_0000])('inline trace helpers agree with the JS helpers (base 0x%s)', (base) => {
  it('bpf_load_pointer on edge addresses, with no JS call', () => {
    const s0 = vmAt(base);
    // A pointer ≥ 2^53 in the source region (the exact u64 comes back).
    const cases = edges(s0);
    for (let i = 0; i < cases.length; i++) {
      const res = runBoth(base, `call ${HelperId.load_pointer}\nexit`, (s) => {
        s.vm.mem.view.setBigUint64(s.src.offset + 8, 0xfedcba9876543210n, true);
        return [edges(s)[i]!, 0n];
      });
      expect(res.inline.r0, `case ${i}`).toEqual(res.js.r0);
      expect(res.inline.calls).toBe(0);
      expect(res.js.calls).toBe(1);
    }
    const s = vmAt(base);
    const hi = runBoth(base, `call ${HelperId.load_pointer}\nexit`, (x) => {
      x.vm.mem.view.setBigUint64(x.src.offset + 8, 0xfedcba9876543210n, true);
      return [BigInt(x.vm.mem.baseNumber + s.src.offset + 8), 0n];
    });
    expect(hi.inline.r0).toBe(0xfedcba9876543210n);
    expect(hi.js.r0).toBe(0xfedcba9876543210n);
  });

  it.each([0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 64])('bpf_probe_read_kernel of a constant %i bytes to the stack', (k) => {
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\nmov %r2, ${k}\ncall ${HelperId.probe_read_kernel}\nexit`;
    const n = edges(vmAt(base)).length;
    for (let i = 0; i < n; i++) {
      const res = runBoth(base, asm, (s) => [edges(s)[i]!, 0n]);
      expect(res.inline, `case ${i}`).toEqual({ ...res.js, calls: 0 });
    }
  });

  it('a size set before a join is not taken as the constant of either path', () => {
    // r2 is 8 or 3 depending on r2's entry value; the call's block starts at the join.
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\njeq %r2, 0, +2\nmov %r2, 3\nja +1\nmov %r2, 8\ncall ${HelperId.probe_read}\nexit`;
    for (const which of [0n, 1n]) {
      const res = runBoth(base, asm, (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), which]);
      expect(res.inline).toEqual({ ...res.js, calls: 0 });
      expect(res.inline.stack.slice(64, 72).filter((b, i) => b !== ((i * 37 + 11) & 0xff)).length).toBe(which === 0n ? 0 : 5);
    }
  });

  it.each([
    ['sizes', 'probe_read', [0n, 5n, 8n, 64n, 65n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n + 8n, U64(-1n)]],
    ['sizes', 'probe_read_user', [0n, 3n, 16n]],
  ] as const)('bpf_%s with register %s (dst on the stack, then past its end)', (_w, helper, sizes) => {
    const id = HelperId[helper];
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\ncall ${id}\nexit`;
    for (const size of sizes) {
      for (const which of [0, 7, 8]) {
        const res = runBoth(base, asm, (s) => [edges(s)[which]!, size]);
        expect(res.inline.r0, `size ${size}`).toEqual(res.js.r0);
        expect(res.inline.stack).toEqual(res.js.stack);
      }
    }
  });

  it.each([
    ['source above the destination', 4],
    ['source below the destination', -4],
    ['source far below', -24],
  ])('bpf_probe_read copies overlapping stack bytes as memmove (%s)', (_n, delta) => {
    for (const k of [8, 12, 16, 32]) {
      const asm = `mov %r3, %r10\nadd %r3, ${-64 + delta}\nmov %r1, %r10\nadd %r1, -64\nmov %r2, ${k}\ncall ${HelperId.probe_read}\nexit`;
      const res = runBoth(base, asm, () => [0n, 0n]);
      expect(res.inline).toEqual({ ...res.js, calls: 0 });
      expect(res.inline.r0).toBe(0n);
    }
  });

  it('bpf_probe_read to memory outside the stack calls the helper (writable region, or its error)', () => {
    const asm = `mov %r3, %r2\ncall ${HelperId.probe_read_kernel}\nexit`;
    const cases: Array<CaseArgs> = [
      (s) => [BigInt(s.vm.mem.baseNumber + s.scratch.offset), BigInt(s.vm.mem.baseNumber + s.src.offset)],
      (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), BigInt(s.vm.mem.baseNumber + s.src.offset)],
    ];
    for (const args of cases) {
      const res = runBoth(base, asm.replace('mov %r3, %r2', `mov %r3, %r2\nmov %r2, 16`), args);
      expect(res.inline).toEqual(res.js);
      expect(res.inline.calls).toBe(1);
    }
  });

  it.each([1, 2, 5, 8, 16, 64])('bpf_probe_read_kernel_str of at most %i bytes to the stack', (k) => {
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\nmov %r2, ${k}\ncall ${HelperId.probe_read_kernel_str}\nexit`;
    const strings = (s: Setup): bigint[] => stringSources(s, edges);
    const n = strings(vmAt(base)).length;
    for (let i = 0; i < n; i++) {
      const res = runBoth(base, asm, (s) => [strings(s)[i]!, 0n]);
      expect(res.inline, `case ${i}`).toEqual({ ...res.js, calls: 0 });
    }
  });

  it('bpf_probe_read_str with register sizes, and a destination outside the stack', () => {
    const asm = `mov %r3, %r1\nmov %r1, %r10\nadd %r1, -64\ncall ${HelperId.probe_read_str}\nexit`;
    for (const size of [0n, 1n, 3n, 64n, 65n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n + 4n, U64(-1n)]) {
      const res = runBoth(base, asm, (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), size]);
      expect(res.inline.r0, `size ${size}`).toEqual(res.js.r0);
      expect(res.inline.stack).toEqual(res.js.stack);
    }
    const out = runBoth(base, `mov %r3, %r2\nmov %r2, 16\ncall ${HelperId.probe_read_user_str}\nexit`, (s) => [BigInt(s.vm.mem.baseNumber + s.scratch.offset), BigInt(s.vm.mem.baseNumber + s.src.offset)]);
    expect(out.inline).toEqual(out.js);
    expect(out.inline.calls).toBe(1);
  });

  it('bpf_memcmp on edge addresses and sizes, both signs of the difference', () => {
    const asm = `mov %r3, %r2\nmov %r2, %r10\nadd %r2, -64\ncall ${HelperId.memcmp}\nexit`;
    const sizes = [0n, 1n, 8n, 63n, 64n, 2n ** 32n + 1n, U64(-1n)];
    const n = edges(vmAt(base)).length;
    for (const size of sizes) {
      for (let i = 0; i < n; i++) {
        const res = runBoth(base, asm, (s) => [edges(s)[i]!, size]);
        expect(res.inline, `size ${size} case ${i}`).toEqual({ ...res.js, calls: 0 });
      }
      // a is the stack itself, equal for `size` bytes then differing (both ways).
      for (const d of [-64, -60, -63]) {
        const res = runBoth(base, asm, (s) => [BigInt(s.vm.mem.baseNumber + s.vm.stackTopOffset + d), size]);
        expect(res.inline).toEqual({ ...res.js, calls: 0 });
      }
    }
  });

  it('bpf_memcmp with r2 outside the stack calls the helper', () => {
    const asm = `mov %r3, 8\ncall ${HelperId.memcmp}\nexit`;
    const res = runBoth(base, asm, (s) => [BigInt(s.vm.mem.baseNumber + s.src.offset), BigInt(s.vm.mem.baseNumber + s.src.offset + 1)]);
    expect(res.inline).toEqual(res.js);
    expect(res.inline.calls).toBe(1);
  });
});
