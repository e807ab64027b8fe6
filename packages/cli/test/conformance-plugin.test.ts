// `ebpf conformance-plugin` driven the way the official bpf_conformance runner drives a plugin:
// the built bin spawned once per test, memory as argv[1] (each byte in hex followed by two
// spaces), the plugin options as ONE argument, the program on stdin in the same format; stdout
// must hold only r0 in hex. Needs the built CLI (`pnpm build`; CI builds before testing).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformanceProgram, parseConformanceTest } from '@ebpf/core/testing';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const DIR = fileURLToPath(new URL('../../core/testdata/conformance/', import.meta.url));

/** The runner's `_base_16_encode`: two hex digits and two spaces per byte. */
const runnerHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0') + '  ').join('');

function plugin(memory: Uint8Array, options: string, program: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'conformance-plugin', runnerHex(memory), options], { input: runnerHex(program) + '\n', encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A sample (each spawn costs a Node start-up): every 80th file, plus ones with memory, calls
// and a raw section. The whole suite runs in-process in packages/interp/test/conformance.test.ts.
const all = readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();
const special = ['subnet.data', 'mem-len.data', 'call_unwind_fail.data', 'callx.data', 'call_local.data', 'lddw.data'];
const load = (f: string) => parseConformanceTest(readFileSync(join(DIR, f), 'utf8'), f.replace(/\.data$/, ''));
const SAMPLES: Record<string, ReturnType<typeof load>[]> = {
  '--interpret': [...new Set([...all.filter((_, i) => i % 80 === 0), ...special])].map(load),
  '--engine jit-wasm': ['subnet.data', 'mem-len.data', 'call_local.data'].map(load),
};

describe('ebpf conformance-plugin, spawned like the bpf_conformance runner', () => {
  it('the CLI is built', () => {
    expect(existsSync(BIN), `${BIN} is missing: run pnpm build first`).toBe(true);
  });

  for (const [options, sample] of Object.entries(SAMPLES)) {
    it.each(sample.map((t) => [t.name, t] as const))(`%s (${options})`, (_name, test) => {
      const r = plugin(test.memory, options, conformanceProgram(test));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(test.result!.toString(16) + '\n');
    });
  }

  it('runs with no memory and no options (the runner passes two empty arguments)', () => {
    const r = plugin(new Uint8Array(0), '', Uint8Array.from([0xb7, 0, 0, 0, 0x2a, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(r).toEqual({ status: 0, stdout: '2a\n', stderr: '' });
  });

  it('reports a faulting program on stderr with a non-zero exit and nothing on stdout', () => {
    // ldxw r0, [r1+10] over 8 bytes of memory
    const r = plugin(new Uint8Array(8), '--interpret', Uint8Array.from([0x61, 0x10, 0x0a, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/insn 0: .*read of 4 bytes .*past the end of context region 'conformance memory'/);
  });

  it('refuses a program the checker rejects under an engine, with the reason', () => {
    const r = plugin(new Uint8Array(8), '--engine jit-wasm', Uint8Array.from([0x61, 0x10, 0x0a, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/check: .*off=10 size=4/);
  });

  it.each([
    ['an unknown option', ['--frob'], ''],
    ['bad program hex', [], 'zz'],
    ['an empty program', [], ''],
  ])('exits 2 on %s', (_n, args, input) => {
    const r = spawnSync(process.execPath, [BIN, 'conformance-plugin', ...args], { input, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });
});
