// `ebpf disasm` and `ebpf asm` driven through main(): outputs, JSON shapes and exit codes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.js';
import { captureOutput } from './support.js';

const seedDir = fileURLToPath(new URL('../../core/testdata/seed/', import.meta.url));
const ex1 = join(seedDir, 'filter_ex1.bpf');
const ex2 = join(seedDir, 'filter_ex2.bpf');
const tmp = mkdtempSync(join(tmpdir(), 'ebpf-cli-'));

const io = captureOutput();

async function run(...argv: string[]): Promise<number> {
  return main(argv);
}

function file(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

describe('ebpf disasm', () => {
  it('prints a seed image in kernel syntax by default, matching the golden file', async () => {
    expect(await run('disasm', ex1)).toBe(0);
    expect(io.stdout).toBe(readFileSync(join(seedDir, 'filter_ex1.kernel.txt'), 'utf8'));
  });

  it('prints the asm syntax and the maps', async () => {
    expect(await run('disasm', ex2, '--format', 'asm')).toBe(0);
    expect(io.stdout.split('\n')[0]).toBe('; map 0: table0 hash key 8 value 8 max_entries 4096');
    expect(io.stdout).toContain(' 14: lock add [%r0], %r1\n');
    expect(io.stdout).toContain(' 39: exit\n');
  });

  it('prints JSON with slot indices, opcodes, maps and helper names', async () => {
    expect(await run('disasm', ex2, '--json')).toBe(0);
    const doc = JSON.parse(io.stdout);
    expect(doc.instructions).toHaveLength(40);
    expect(doc.instructions[4]).toEqual({ index: 4, opcode: 0x85, text: 'call bpf_load_pointer' });
    expect(doc.maps).toEqual([{ name: 'table0', type: 'hash', keySize: 8, valueSize: 8, maxEntries: 4096, flags: 0, param1: 0 }]);
    expect(doc.helpers).toEqual(['bpf_load_pointer', 'bpf_table_lookup', 'bpf_trace_printk', 'bpf_table_update']);
    expect(doc).toMatchObject({ name: 'filter_ex2.bpf', dialect: 'seed', license: 'GPL' });
  });

  it('counts lddw as two slots in raw bytecode', async () => {
    const raw = file('p.bin', Uint8Array.from([0x18, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(await run('disasm', raw, '--json', '--format', 'asm')).toBe(0);
    expect(JSON.parse(io.stdout).instructions).toEqual([
      { index: 0, opcode: 0x18, text: 'lddw %r1, 0x200000001' },
      { index: 2, opcode: 0x95, text: 'exit' },
    ]);
  });

  it('shows function names and source lines of an ELF object with BTF', async () => {
    const obj = fileURLToPath(new URL('../../../examples/subprog_loop.clang19-v4.o', import.meta.url));
    expect(await run('disasm', obj)).toBe(0);
    const lines = io.stdout.split('\n');
    expect(lines).toContain('sum_squares:');
    expect(lines.filter((l) => l.startsWith('; for (')).length).toBeGreaterThan(0);
    expect(lines.at(-2)).toMatch(/^\s*\d+: exit$/);
  });

  it('reads assembler text for .s files and --asm', async () => {
    const s = file('p.s', 'mov %r0, 1\nexit\n');
    expect(await run('disasm', s)).toBe(0);
    expect(io.stdout).toBe('  0: r0 = 1\n  1: exit\n');
    io.stdout = '';
    expect(await run('disasm', file('p.txt', 'exit\n'), '--asm', '--format', 'asm')).toBe(0);
    expect(io.stdout).toBe('  0: exit\n');
  });

  it.each([
    ['a missing file', ['disasm', join(tmp, 'nope.bin')], /cannot read .*nope.bin: no such file/],
    ['an unknown opcode', ['disasm', 'BAD'], /bad.bin: unknown opcode 0xff \(at byte 8\)/],
    ['a truncated image', ['disasm', 'TRUNC'], /trunc.bpf: seed image too short/],
    ['a bad --format', ['disasm', ex1, '--format', 'intel'], /argument 'intel' is invalid/],
    ['a bad --dialect', ['disasm', ex1, '--dialect', 'x'], /invalid/],
    ['--section on a seed image', ['disasm', ex1, '--section', 'x'], /select programs of an ELF object/],
    ['an assembler error', ['disasm', 'ASM'], /bad.s: 2:1: unknown mnemonic 'frob'/],
  ])('exits 2 on %s', async (_, argv, message) => {
    const paths: Record<string, string> = {
      BAD: file('bad.bin', Uint8Array.from([0x95, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0])),
      TRUNC: file('trunc.bpf', Uint8Array.from([0x62, 0x70, 0x66, 0, 8, 0, 0, 0])),
      ASM: file('bad.s', 'exit\nfrob\n'),
    };
    expect(await run(...argv.map((a) => paths[a] ?? a))).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('ebpf asm', () => {
  const src = 'mov %r0, 1\njeq %r0, 1, out\nlddw %r0, 0x1122334455667788\nout: exit\n';

  it('prints -- raw style slots without -o', async () => {
    expect(await run('asm', file('a.s', src))).toBe(0);
    expect(io.stdout).toBe(['0x00000001000000b7', '0x0000000100020015', '0x5566778800000018', '0x1122334400000000', '0x0000000000000095', ''].join('\n'));
  });

  it('writes raw bytecode that disasm reads back', async () => {
    const out = join(tmp, 'a.bin');
    expect(await run('asm', file('a.s', src), '-o', out, '--json')).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual({ output: out, format: 'raw', dialect: 'rfc', instructions: 4, slots: 5, bytes: 40 });
    io.stdout = '';
    expect(await run('disasm', out, '--format', 'asm')).toBe(0);
    expect(io.stdout).toBe('  0: mov %r0, 1\n  1: jeq %r0, 1, +2\n  2: lddw %r0, 0x1122334455667788\n  4: exit\n');
  });

  it('rebuilds filter_ex1.bpf byte for byte from its disassembly', async () => {
    expect(await run('disasm', ex1, '--format', 'asm')).toBe(0);
    const text = io.stdout.replace(/^\s*\d+: /gm, '');
    const out = join(tmp, 'ex1.bpf');
    expect(await run('asm', file('ex1.s', text), '--seed-image', '-o', out)).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(ex1));
  });

  it.each([
    ['a parse error', 'mov %r0\n', /a.s: 1:1: mov takes 2 operands/],
    ['an undefined label', 'ja nowhere\n', /label 'nowhere' not defined/],
  ])('exits 2 on %s', async (_, text, message) => {
    expect(await run('asm', file('a.s', text))).toBe(2);
    expect(io.stderr).toMatch(message);
  });

  it('exits 2 when a seed image cannot hold the program', async () => {
    expect(await run('asm', file('b.s', 'lddw %r0, 1\nexit\n'), '--seed-image')).toBe(2);
    expect(io.stderr).toMatch(/b.s: insn 0: opcode 0x18 has no seed-dialect encoding/);
  });
});
