/**
 * How many bpf_conformance programs the checker accepts with the `conformance` subsystem (the
 * context is the test's memory block, r2 its length), and why it refuses the rest: the tally is
 * printed and pinned: today all 313 are accepted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CheckerError, check, decode, type ProgramSpec } from '@ebpf/core';
import { conformanceProgram, conformanceSubsystem, parseConformanceTest } from '@ebpf/core/testing';

// The suite as vendored in the workspace (a copy of shared/conformance).
const DIR = fileURLToPath(new URL('../../../core/testdata/conformance', import.meta.url));

describe('conformance programs under the checker', () => {
  it('accepts all 313 with the memory block as context', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();
    const refused: Record<string, string[]> = {};
    let accepted = 0;
    for (const f of files) {
      const test = parseConformanceTest(readFileSync(`${DIR}/${f}`, 'utf8'), f.replace(/\.data$/, ''));
      const spec: ProgramSpec = { name: test.name, dialect: 'rfc', insns: decode(conformanceProgram(test)), maps: [], license: 'GPL' };
      try {
        check(spec, conformanceSubsystem(test.memory.length), []);
        accepted++;
      } catch (e) {
        if (!CheckerError.isCheckerError(e)) throw e;
        (refused[e.reason] ??= []).push(`${test.name}@${e.insn}`);
      }
    }
    console.log(`conformance: ${accepted}/${files.length} accepted; refused: ${JSON.stringify(refused, null, 1)}`);
    expect(files.length).toBe(313);
    // Every conformance program is safe with its memory block as context (see docs/checker.md).
    expect(refused).toEqual({});
    expect(accepted).toBe(313);
  });
});
