/**
 * The benchmark programs must do what their JS baselines do: the interpreter's r0 equals the JS
 * function's result on the benchmark input and on a few variations of it (so a baseline that
 * ignores its input would be caught). No timing here.
 */
import { describe, expect, it } from 'vitest';
import { Vm, lower, parseAsm } from '@ebpf/core';
import { Interpreter } from '@ebpf/interp';
import { BENCH_PROGRAMS, viewOf } from './programs.js';

function interp(asm: string, mem: Uint8Array): bigint {
  const vm = new Vm({ size: 1 << 20 });
  const region = vm.mem.alloc(mem.length, { kind: 'context', name: 'memory' });
  vm.mem.bytes.set(mem, region.offset);
  return new Interpreter(vm, lower(parseAsm(asm))).run(region.address, mem.length);
}

describe('benchmark programs agree with their JS baselines', () => {
  for (const p of BENCH_PROGRAMS) {
    it(p.name, () => {
      const mem = p.memory();
      expect(interp(p.asm, mem)).toBe(p.js(mem, viewOf(mem)));
      // Variations: flip each of a few bytes, the result must still agree.
      for (const at of [8, 14, 16, 20, 23, 24, 32, 35, 47, 100, 1499]) {
        if (at >= mem.length) continue;
        const m = mem.slice();
        m[at] ^= 0x5a;
        expect(interp(p.asm, m)).toBe(p.js(m, viewOf(m)));
      }
    });
  }

  it('the filter and the parse program take both outcomes on the variations', () => {
    const filter = BENCH_PROGRAMS.find((p) => p.name === 'filter')!;
    const m = filter.memory();
    expect(filter.js(m, viewOf(m))).toBe(1n);
    m[8] = 41;
    expect(filter.js(m, viewOf(m))).toBe(0n);
    const parse = BENCH_PROGRAMS.find((p) => p.name === 'parse')!;
    const pm = parse.memory();
    expect(parse.js(pm, viewOf(pm))).not.toBe(0n);
  });
});
