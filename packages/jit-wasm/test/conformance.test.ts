/**
 * The bpf_conformance suite (the copy in packages/core/testdata/conformance) through jit-wasm:
 * every program compiled both as structured wasm and through the dispatch-loop fallback, with
 * the suite's memory block as r1 and the suite's helpers, must return the file's result. The
 * checked path (checker + WasmEngine, compared with the interpreter) lives in the fuzz package's
 * differential suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decode, lower, Vm } from '@ebpf/core';
import { CONFORMANCE_HELPERS, conformanceProgram, parseConformanceTest } from '@ebpf/core/testing';
import { compileLowered } from '../src/engine.js';

const DIR = fileURLToPath(new URL('../../core/testdata/conformance/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();
const helpers = new Map(CONFORMANCE_HELPERS.map((h) => [h.id, h]));

describe('bpf_conformance through jit-wasm (unchecked)', () => {
  const vm = new Vm({ size: 1 << 20 });
  let dispatchUsed = 0;

  it('finds the suite', () => {
    expect(files.length).toBeGreaterThanOrEqual(300);
  });

  it.each(files)('%s', (file) => {
    const test = parseConformanceTest(readFileSync(DIR + file, 'utf8'), file.replace(/\.data$/, ''));
    const p = lower(decode(conformanceProgram(test)));
    const ctx = vm.mem.alloc(test.memory.length, { kind: 'context', name: 'conformance memory' });
    try {
      for (const forceDispatch of [false, true]) {
        vm.mem.bytes.set(test.memory, ctx.offset);
        const run = (): bigint => compileLowered(vm, p, { helpers, forceDispatch, name: test.name }).run(ctx.address, BigInt(test.memory.length));
        if (test.error !== undefined) {
          expect(run, `dispatch=${forceDispatch}`).toThrow();
          continue;
        }
        const r = compileLowered(vm, p, { helpers, forceDispatch, name: test.name });
        if (!forceDispatch && r.stats.dispatchFunctions > 0) dispatchUsed++;
        const got = r.run(ctx.address, BigInt(test.memory.length));
        expect(`0x${got.toString(16)}`, `dispatch=${forceDispatch}`).toBe(`0x${test.result!.toString(16)}`);
      }
    } finally {
      vm.mem.release(ctx);
    }
  });

  it('never needs the dispatch loop on the suite', () => {
    expect(dispatchUsed).toBe(0);
  });
});
