/**
 * The bpf_conformance suite (a vendored copy in ./conformance, MIT licensed) through the
 * assembler and the interpreter: every test file is one case. Where a file also carries a
 * `-- raw` section, the assembler's output must equal it byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assembleConformance, parseConformanceTest } from '@ebpf/core/testing';
import { runConformanceTest } from '@ebpf/interp';

const DIR = fileURLToPath(new URL('../../core/testdata/conformance/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();
const tests = files.map((f) => parseConformanceTest(readFileSync(join(DIR, f), 'utf8'), f.replace(/\.data$/, '')));

describe('bpf_conformance through the assembler and the interpreter', () => {
  it('has the whole suite', () => {
    expect(tests.length).toBe(313);
  });

  it.each(tests.map((t) => [t.name, t] as const))('%s', (_name, test) => {
    const outcome = runConformanceTest(test);
    expect(outcome.detail).toBe(test.result !== undefined ? `0x${test.result.toString(16)}` : outcome.detail);
    expect(outcome.pass).toBe(true);
  });

  it.each(tests.filter((t) => t.raw !== undefined).map((t) => [t.name, t] as const))('%s: assembler output equals the raw section', (_name, test) => {
    expect(Buffer.from(assembleConformance(test)).toString('hex')).toBe(Buffer.from(test.raw!).toString('hex'));
  });
});
