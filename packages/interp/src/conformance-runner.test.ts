/**
 * The conformance runner: results, the stage a failure happens at, and `-- error` tests that
 * must fail at the right stage (load-time refusal vs a fault while running).
 */
import { describe, expect, it } from 'vitest';
import { check } from '@ebpf/core';
import { parseConformanceTest } from '@ebpf/core/testing';
import { InterpEngine } from './engine.js';
import { expectedFailureStage, runConformanceTest } from './conformance-runner.js';

const t = (body: string) => parseConformanceTest(body, 'case');
const engine = { engine: new InterpEngine(), checker: (spec: Parameters<typeof check>[0], sub: Parameters<typeof check>[1]) => check(spec, sub, []) };

describe('runConformanceTest', () => {
  it('passes when r0 matches in all 64 bits, fails with both values otherwise', () => {
    expect(runConformanceTest(t('-- asm\nlddw %r0, 0x100000001\nexit\n-- result\n0x100000001\n'))).toMatchObject({ pass: true, r0: 0x100000001n });
    expect(runConformanceTest(t('-- asm\nlddw %r0, 0x100000001\nexit\n-- result\n0x1\n'))).toMatchObject({ pass: false, detail: 'got 0x100000001, expected 0x1' });
  });

  it('passes r1 = memory address and r2 = its length', () => {
    expect(runConformanceTest(t('-- asm\nldxb %r0, [%r1+2]\nadd %r0, %r2\nexit\n-- mem\n01 02 03\n-- result\n0x6\n'))).toMatchObject({ pass: true });
  });

  it.each([
    ['an assembler error', '-- asm\nfrob %r0\n-- result\n0\n', 'assemble'],
    ['an invalid instruction (refused before running)', '-- raw\n0x00000000000000ff\n-- result\n0\n', 'decode'],
    ['a jump outside the program', '-- asm\nja +5\nexit\n-- result\n0\n', 'validate'],
    ['an out-of-bounds load', '-- asm\nldxw %r0, [%r1+8]\nexit\n-- mem\n00\n-- result\n0\n', 'run'],
  ])('names the stage of %s', (_n, body, stage) => {
    const o = runConformanceTest(t(body));
    expect(o.pass).toBe(false);
    expect(o.error?.stage).toBe(stage);
  });

  it('checks before running under an engine, and fails at check when refused', () => {
    expect(runConformanceTest(t('-- asm\nmov %r0, %r2\nexit\n-- mem\n00 00\n-- result\n0x2\n'), engine)).toMatchObject({ pass: true });
    expect(runConformanceTest(t('-- asm\nldxw %r0, [%r1+8]\nexit\n-- mem\n00\n-- result\n0\n'), engine).error?.stage).toBe('check');
  });

  it.each([
    ['a load-time error, refused while loading', '-- asm\nja +5\nexit\n-- error\nFailed to load code: jump out of bounds at PC 0\n', true],
    ['a run-time error, faulting while running', '-- asm\nmov %r6, 0\nldxb %r0, [%r6-1]\nexit\n-- error\nuBPF error: address underflow in load at PC 1\n', true],
    ['a load-time error that only faults while running', '-- asm\nmov %r6, 0\nldxb %r0, [%r6-1]\nexit\n-- error\nFailed to load code: bad load\n', false],
    ['an error test whose program succeeds', '-- asm\nmov %r0, 0\nexit\n-- error\nFailed to load code: nope\n', false],
  ])('an -- error test: %s', (_n, body, pass) => {
    expect(runConformanceTest(t(body)).pass).toBe(pass);
  });
});

describe('expectedFailureStage', () => {
  it.each([
    ['Failed to load code: invalid opcode 0xff at PC 0', 'load'],
    ['Failed to load code: jump out of bounds at PC 4', 'load'],
    ['uBPF error: out of bounds memory load at PC 1', 'run'],
    ['uBPF error: address underflow in load at PC 1', 'run'],
  ])('%s → %s', (text, want) => {
    expect(expectedFailureStage(text)).toBe(want);
  });
});
