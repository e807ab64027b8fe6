// `ebpf check` driven through main(): OK and exit 0 for the seed's examples (trace subsystem),
// the log with the refused instruction marked and exit 1 for unsafe programs, exit 2 for
// unreadable input or a program that names no subsystem, `-v` states and `--json` verdicts.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encode, parseAsm } from '@ebpf/core';
import { main } from '../src/main.js';
import { captureOutput } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ebpf-check-'));
const seed = (f: string): string => fileURLToPath(new URL(`../../core/testdata/seed/${f}`, import.meta.url));
function file(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const io = captureOutput();

describe('ebpf check', () => {
  it.each(['filter_ex1.bpf', 'filter_ex2.bpf'])('prints OK for the seed example %s (trace subsystem by default)', async (f) => {
    expect(await main(['check', seed(f)])).toBe(0);
    expect(io.stdout).toBe('OK\n');
  });

  it('prints the verified state per instruction with -v', async () => {
    expect(await main(['check', seed('filter_ex2.bpf'), '-v'])).toBe(0);
    expect(io.stdout).toMatch(/^12: \(15\) if r0 == 0x0 goto \+18 +; R0=map_value\(/m);
    expect(io.stdout).toMatch(/OK\n$/);
  });

  it('prints the log with the refused instruction marked and exits 1', async () => {
    const bad = file('bad.s', 'mov %r0, 0\nldxdw %r1, [%r10-8]\nexit\n');
    expect(await main(['check', bad, '--subsystem', 'trace'])).toBe(1);
    expect(io.stdout).toMatch(/^> 1: \(79\) r1 = \*\(u64 \*\)\(r10 - 8\)$/m);
    expect(io.stdout).toMatch(/check: invalid read from stack off -8\+0 size 8: 1 \(79\)/);
  });

  it('gives the reason and instruction in --json', async () => {
    const bad = file('bad.bin', encode(parseAsm('mov %r0, %r10\nexit')));
    expect(await main(['check', bad, '--subsystem', 'trace', '--json'])).toBe(1);
    const j = JSON.parse(io.stdout);
    expect(j.ok).toBe(false);
    expect(j.programs[0]).toMatchObject({ accepted: false, reason: 'R0_LEAKS_ADDR', insn: 1, subsystem: 'trace' });
  });

  it('refuses loops with --dag and accepts them without', async () => {
    const loop = file('loop.s', 'mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 10, l\nexit\n');
    expect(await main(['check', loop, '--subsystem', 'trace'])).toBe(0);
    io.stdout = '';
    expect(await main(['check', loop, '--subsystem', 'trace', '--dag'])).toBe(1);
    expect(io.stdout).toMatch(/back-edge from insn 2 to 1/);
  });

  it('exits 2 for unreadable input, a missing subsystem and an unknown one', async () => {
    expect(await main(['check', join(tmp, 'missing.bpf')])).toBe(2);
    const raw = file('ok.bin', encode(parseAsm('mov %r0, 0\nexit')));
    expect(await main(['check', raw])).toBe(2);
    expect(io.stderr).toMatch(/--subsystem/);
    expect(await main(['check', raw, '--subsystem', 'nope'])).toBe(2);
    expect(await main(['check', raw, '--subsystem', 'trace', '--dialect', 'klingon'])).toBe(2);
  });
});

describe('ebpf check on the clang-built examples', () => {
  const dir = fileURLToPath(new URL('../../../examples/', import.meta.url));
  // core_regs carries CO-RE relocations: the CLI resolves them against the trace subsystem's struct layouts.
  const objects = readdirSync(dir).filter((f) => f.endsWith('.o'));
  it.each(objects)('accepts every program of %s', async (f) => {
    const code = await main(['check', join(dir, f), '--json']);
    const j = JSON.parse(io.stdout);
    expect(j.programs.filter((p: { accepted: boolean }) => !p.accepted)).toEqual([]);
    expect(code).toBe(0);
  });
});
