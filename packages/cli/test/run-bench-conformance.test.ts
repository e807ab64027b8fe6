// `ebpf run`, `ebpf bench` and `ebpf conformance` driven through main(): outputs, JSON shapes,
// engines and exit codes (0 ok, 1 failed run or failed tests, 2 usage or bad input).
import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encode, parseAsm } from '@ebpf/core';
import { main } from '../src/main.js';
import { captureOutput } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ebpf-run-'));
const SUITE = fileURLToPath(new URL('../../core/testdata/conformance/', import.meta.url));

const io = captureOutput();

function file(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

// r0 = the u32 at mem[4] + r2 (the memory length)
const sumProg = file('sum.bin', encode(parseAsm('ldxw %r0, [%r1+4]\nadd %r0, %r2\nexit')));
const mem = file('mem.bin', Uint8Array.from([0, 0, 0, 0, 0x10, 0, 0, 0]));
const faulty = file('faulty.bin', encode(parseAsm('ldxw %r0, [%r1+64]\nexit')));

describe('ebpf run', () => {
  it.each(['interp', 'jit-wasm', 'auto'])('runs with --mem on %s and prints bpftool-style lines', async (engine) => {
    expect(await main(['run', sumProg, '--mem', mem, '--engine', engine])).toBe(0);
    expect(io.stdout).toMatch(/^Return value: 0x18\nduration: \d+ ns\n$/);
  });

  it('prints {"r0", "nsPerRun", "engine"} with --json, and reports what auto chose on io.stderr', async () => {
    expect(await main(['run', sumProg, '--mem', mem, '--repeat', '5', '--json'])).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j).toEqual({ r0: '0x18', nsPerRun: expect.any(Number), engine: expect.any(String) });
    expect(io.stderr).toMatch(/^auto: /);
  });

  it('runs a program on a subsystem context with --ctx', async () => {
    const prog = file('one.bin', encode(parseAsm('mov %r0, 1\nexit')));
    const ctx = file('ctx.bin', new Uint8Array(16));
    expect(await main(['run', prog, '--ctx', ctx, '--subsystem', 'socket', '--engine', 'interp', '--json'])).toBe(0);
    expect(JSON.parse(io.stdout)).toMatchObject({ r0: '0x1', engine: 'interp' });
  });

  it('exits 1 with the fault on io.stderr when the run faults', async () => {
    expect(await main(['run', faulty, '--mem', mem, '--engine', 'interp'])).toBe(1);
    expect(io.stderr).toMatch(/insn 0: .*read of 4 bytes/);
  });

  it('exits 1 with the checker reason when an engine refuses the program', async () => {
    expect(await main(['run', faulty, '--mem', mem, '--engine', 'jit-wasm'])).toBe(1);
    expect(io.stderr).toMatch(/check/);
  });

  it.each([
    ['a missing file', ['run', join(tmp, 'nope.bin')]],
    ['--mem and --ctx together', ['run', sumProg, '--mem', mem, '--ctx', mem]],
    ['a bad --repeat', ['run', sumProg, '--repeat', '0']],
    ['an unknown engine', ['run', sumProg, '--engine', 'turbo']],
    ['--ctx without a subsystem', ['run', sumProg, '--ctx', mem]],
    ['undecodable bytes', ['run', file('bad.bin', Uint8Array.from([1, 2, 3])) ]],
  ])('exits 2 on %s', async (_n, argv) => {
    expect(await main(argv)).toBe(2);
    expect(io.stdout).toBe('');
  });
});

describe('ebpf bench', () => {
  it('prints only the JSON object on io.stdout; the engine goes to io.stderr', async () => {
    expect(await main(['bench', sumProg, '--mem', mem, '--engine', 'interp', '--time', '30', '--json'])).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j).toEqual({ program: 'sum', engine: 'interp', runs: expect.any(Number), nsPerRun: expect.any(Number), r0: '0x18' });
    expect(j.runs).toBeGreaterThan(0);
    expect(io.stderr).toMatch(/engine: interp/);
  });
});

describe('ebpf conformance', () => {
  const dir = join(tmp, 'suite');
  mkdirSync(dir);
  for (const f of ['add.data', 'mem-len.data', 'call_local.data']) copyFileSync(join(SUITE, f), join(dir, f));
  writeFileSync(join(dir, 'wrong.data'), '-- asm\nmov %r0, 1\nexit\n-- result\n0x2\n');

  it('prints PASS/FAIL per file and a summary; exits 1 when a test fails', async () => {
    expect(await main(['conformance', dir])).toBe(1);
    expect(io.stdout).toContain('PASS add\n');
    expect(io.stdout).toContain('PASS mem-len\n');
    expect(io.stdout).toContain('FAIL wrong: got 0x1, expected 0x2\n');
    expect(io.stdout).toMatch(/3 passed, 1 failed \(4 tests, engine interp \(unverified\)\)\n$/);
  });

  it('reports JSON per test with --json and runs under a named engine', async () => {
    expect(await main(['conformance', dir, '--engine', 'jit-wasm', '--json'])).toBe(1);
    const j = JSON.parse(io.stdout);
    expect(j).toMatchObject({ engine: 'jit-wasm', passed: 3, failed: 1 });
    expect(j.results.find((r: { name: string }) => r.name === 'wrong')).toMatchObject({ pass: false, r0: '0x1' });
  });

  it('exits 0 on the whole vendored suite', async () => {
    expect(await main(['conformance', SUITE])).toBe(0);
    expect(io.stdout).toMatch(/313 passed, 0 failed/);
  });

  it('exits 2 for a directory without tests', async () => {
    expect(await main(['conformance', tmp + '/nothing'])).toBe(2);
  });
});
