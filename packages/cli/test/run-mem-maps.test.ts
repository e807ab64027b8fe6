// `ebpf run` / `ebpf bench` in memory mode (`--mem`) on programs that declare maps: the maps are
// created in the runtime's VM on every engine (the ELF example's `.rodata` array, reached by
// `lddw map_value`), and every engine gives the same r0. Also pins `duration:` / `nsPerRun` of
// `run --repeat N` to the mean ns per run, with the clock mocked (no timed assertions).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { encode, parseAsm } from '@ebpf/core';
import { main } from '../src/main.js';
import { captureOutput } from './support.js';

const io = captureOutput();
const tmp = mkdtempSync(join(tmpdir(), 'ebpf-run-maps-'));
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
// The native JIT needs x86-64 (interfaces.md: skip it only there).
const ENGINES = ['interp', 'jit-wasm', ...(process.arch === 'x64' ? ['jit-x86_64'] : [])];

/** A pt_regs-sized memory block (168 bytes) with `di` (offset 112) set: the example's context. */
function ptRegs(di: number): string {
  const b = new Uint8Array(168);
  new DataView(b.buffer).setBigUint64(112, BigInt(di), true);
  const p = join(tmp, `regs-${di}.bin`);
  writeFileSync(p, b);
  return p;
}

/** The sum of the bytes of a `levels` entry of rodata_strings.c. */
const checksum = (s: string) => [...s].reduce((n, c) => n + c.charCodeAt(0), 0);
const LEVELS = ['debug', 'info', 'warning', 'error'];

describe('ebpf run --mem on a program with maps', () => {
  const cases = ENGINES.flatMap((engine) =>
    ['clang19-v3', 'clang14'].flatMap((build) => [0, 1, 6].map((di) => ({ engine, build, di }))),
  );
  it.each(cases)('rodata_strings ($build) on $engine with di=$di reads the .rodata map', async ({ engine, build, di }) => {
    const prog = join(EXAMPLES, `rodata_strings.${build}.o`);
    expect(await main(['run', prog, '--mem', ptRegs(di), '--engine', engine, '--json'])).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual({ r0: '0x' + checksum(LEVELS[di & 3]!).toString(16), nsPerRun: expect.any(Number), engine });
  });

  it.each(ENGINES)('bench --mem on %s creates the maps too', async (engine) => {
    const prog = join(EXAMPLES, 'rodata_strings.clang19-v4.o');
    expect(await main(['bench', prog, '--mem', ptRegs(3), '--engine', engine, '--time', '20', '--json'])).toBe(0);
    expect(JSON.parse(io.stdout)).toMatchObject({ engine, r0: '0x' + checksum('error').toString(16) });
  });

  it('auto picks an engine and still creates the maps', async () => {
    const prog = join(EXAMPLES, 'rodata_strings.clang19-v3.o');
    expect(await main(['run', prog, '--mem', ptRegs(2), '--json'])).toBe(0);
    expect(JSON.parse(io.stdout)).toMatchObject({ r0: '0x' + checksum('warning').toString(16) });
  });
});

describe('ebpf run --repeat N timing', () => {
  const prog = join(tmp, 'one.bin');
  writeFileSync(prog, encode(parseAsm('mov %r0, 7\nexit')));

  it.each([
    [1, 5_000n, 5000],
    [4, 1_000_000n, 250000],
    [3, 1_000n, 333],
  ] as const)('--repeat %i over %i ns reports the mean per run (%i ns)', async (repeat, total, mean) => {
    for (const json of [false, true]) {
      io.stdout = '';
      const clock = vi.spyOn(process.hrtime, 'bigint').mockReturnValueOnce(10n).mockReturnValueOnce(10n + total);
      const argv = ['run', prog, '--engine', 'interp', '--repeat', String(repeat), ...(json ? ['--json'] : [])];
      expect(await main(argv)).toBe(0);
      expect(clock).toHaveBeenCalledTimes(2);
      clock.mockRestore();
      if (json) expect(JSON.parse(io.stdout)).toEqual({ r0: '0x7', nsPerRun: mean, engine: 'interp' });
      else expect(io.stdout).toBe(`Return value: 0x7\nduration: ${mean} ns\n`);
    }
  });
});
