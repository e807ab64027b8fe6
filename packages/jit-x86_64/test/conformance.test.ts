/**
 * The bpf_conformance suite natively: every program runs in the interpreter and in native code
 * (same VM, same memory), and both must give the suite's expected r0 and leave the same bytes in
 * the test's memory and on the stack. Programs are compiled here without the checker (the
 * internal compile path), so every program is covered whatever the checker accepts; the engine
 * path (checker first) is covered in `engine.test.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '@ebpf/core';
import { CONFORMANCE_HELPERS, conformanceProgram, parseConformanceTest } from '@ebpf/core/testing';
import { describe, expect, it } from 'vitest';
import { nativeUnavailable } from '../src/native/memory.js';
import { Differ } from './support.js';

const DIR = '/work/shared/conformance';
const files = readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();

describe.skipIf(nativeUnavailable() !== undefined)('bpf_conformance natively vs the interpreter', () => {
  const d = new Differ(true);
  it('has the suite', () => {
    expect(files.length).toBeGreaterThan(300);
  });
  it.each(files)('%s', (file) => {
    const test = parseConformanceTest(readFileSync(join(DIR, file), 'utf8'), file.replace(/\.data$/, ''));
    const insns = decode(conformanceProgram(test));
    const mem = d.vm.mem;
    const ctx = test.memory.length > 0 ? d.at(0) : 0n;
    // Each engine starts from the test's memory in the scratch block (reset by the differ first).
    const load = (): void => mem.bytes.set(test.memory, d.scratch.offset);
    const { interp, native } = d.run(insns, { helpers: CONFORMANCE_HELPERS, r1: ctx, r2: BigInt(test.memory.length), before: load });
    expect(native).toEqual(interp);
    if (test.result !== undefined) expect(native.result).toBe('0x' + test.result.toString(16));
    else expect(native.result).toMatch(/^error/);
  });
});
