// Bad input never crashes the CLI: every command that reads a file (check, disasm, asm, run,
// bench) and the conformance plugin (hex on stdin or --program) get a table of hostile inputs,
// and must exit with the right code (2 for unreadable/undecodable input and usage errors, 1 for
// a refused program or failed run), print ONE `ebpf: ...` line naming what is wrong and where,
// and never a stack trace. Driven through main() in-process; a few cases spawn the built bin.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encode, parseAsm } from '@ebpf/core';
import { seededU32 } from '@ebpf/core/testing';
import { failureOf, CliExit } from '../src/exit.js';
import { LAZY_COMMANDS, createProgram, main } from '../src/main.js';
import { captureOutput } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ebpf-robust-'));
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const SEED_EX1 = fileURLToPath(new URL('../../core/testdata/seed/filter_ex1.bpf', import.meta.url));
const ELF = fileURLToPath(new URL('../../../examples/counter.clang19-v3.o', import.meta.url));

function file(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

/** A deterministic byte generator (xorshift32), so a failing case can be replayed. */
function randomBytes(seed: number, n: number): Uint8Array {
  const next = seededU32(seed);
  return Uint8Array.from({ length: n }, () => next() & 0xff);
}

/** Writes a little-endian unsigned field into a copy of `bytes`. */
function patched(bytes: Uint8Array, at: number, size: 2 | 4 | 8, value: number | bigint): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  if (size === 2) view.setUint16(at, Number(value), true);
  else if (size === 4) view.setUint32(at, Number(value), true);
  else view.setBigUint64(at, BigInt(value), true);
  return copy;
}

const seedImage = new Uint8Array(readFileSync(SEED_EX1));
const elf = new Uint8Array(readFileSync(ELF));
const okRaw = encode(parseAsm('mov %r0, 42\nexit'));
const dir = join(tmp, 'a-directory');
mkdirSync(dir);

/** The hostile inputs, by name: a path, and what the message must say (besides the file). */
const INPUTS: Record<string, { path: string; says: RegExp }> = {
  empty: { path: file('empty.bin', new Uint8Array(0)), says: /empty\.bin: empty file/ },
  missing: { path: join(tmp, 'missing.bin'), says: /cannot read .*missing\.bin.*(no such file|ENOENT)/ },
  directory: { path: dir, says: /cannot read .*a-directory.*(is a directory|EISDIR)/ },
  'truncated seed image': { path: file('trunc.bpf', seedImage.subarray(0, 40)), says: /seed image|size|truncated|short/i },
  'seed image with a lying insn size': { path: file('lie1.bpf', patched(seedImage, 4, 4, 0x7ffffff8)), says: /insn_size|size|limit|exceeds|past/i },
  'seed image with a negative strtab size': { path: file('lie2.bpf', patched(seedImage, 12, 4, 0xfffffff0)), says: /strtab|negative|size/i },
  'seed image with sizes not adding up': { path: file('lie3.bpf', patched(seedImage, 8, 4, 20)), says: /size|add up|file/i },
  'truncated ELF': { path: file('trunc.o', elf.subarray(0, 100)), says: /ELF|elf|truncated|outside|past/i },
  'ELF with a section table past the end': { path: file('shoff.o', patched(elf, 0x28, 8, 0x7fff_ffff_0000n)), says: /section|e_shoff|outside|past|truncated/i },
  'ELF with a huge section count': { path: file('shnum.o', patched(elf, 0x3c, 2, 0xffff)), says: /section|e_shnum|outside|past|truncated/i },
  'ELF with a bad section entry size': { path: file('shentsize.o', patched(elf, 0x3a, 2, 7)), says: /e_shentsize|section|entry size/i },
  'odd-length raw bytecode': { path: file('odd.bin', okRaw.subarray(0, 13)), says: /byte|multiple of 8|truncated|length/i },
  'raw bytecode with an unknown opcode': { path: file('badop.bin', Uint8Array.from([...okRaw.subarray(0, 8), 0xff, 0, 0, 0, 0, 0, 0, 0])), says: /opcode 0xff.*byte 8/ },
};
const ASM_ERROR = file('syntax.s', 'mov %r0, 1\nadd %r0,, 2\nexit\n');

const io = captureOutput();

/** The io.stderr contract: one `ebpf: ` line (commander may add one hint line), no stack frames. */
function expectOneErrorLine(err: string, says?: RegExp): void {
  expect(err, err).not.toMatch(/^\s+at /m);
  const lines = err.trimEnd().split('\n');
  expect(lines[0], err).toMatch(/^ebpf: \S/);
  expect(lines.length, err).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^\(run ebpf .*\)$/);
  if (says) expect(lines[0]).toMatch(says);
}

/** Each file-reading command, as argv before and after the file. */
const COMMANDS: Record<string, (f: string) => string[]> = {
  check: (f) => ['check', f, '--subsystem', 'trace'],
  disasm: (f) => ['disasm', f],
  run: (f) => ['run', f, '--engine', 'interp'],
  bench: (f) => ['bench', f, '--engine', 'interp', '--time', '5'],
};

describe('every file-reading command on hostile input', () => {
  const cases = Object.entries(COMMANDS).flatMap(([cmd, argv]) => Object.entries(INPUTS).map(([name, input]) => [cmd, name, argv(input.path), input] as const));
  it.each(cases)('%s: %s exits 2 with one line naming the file', async (_cmd, _name, argv, input) => {
    expect(await main(argv)).toBe(2);
    expectOneErrorLine(io.stderr, input.says);
    // "where": the file is named (a directory or missing file by its path, the rest by name)
    expect(io.stderr).toContain(input.path.replace(/^.*\//, ''));
    expect(io.stdout).toBe('');
  });

  it.each(Object.keys(COMMANDS))('%s: assembler text with a syntax error names the line and column', async (cmd) => {
    const argv = cmd === 'check' || cmd === 'disasm' ? COMMANDS[cmd]!(ASM_ERROR) : COMMANDS[cmd]!(ASM_ERROR);
    // run/bench read programs by magic, so a .s file is raw bytes to them: still exit 2.
    expect(await main(argv)).toBe(2);
    expectOneErrorLine(io.stderr, /syntax\.s/);
    if (cmd === 'check' || cmd === 'disasm') expect(io.stderr).toMatch(/syntax\.s: 2:\d+: /);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random bytes #%i never crash any command', async (seed) => {
    const f = file(`random${seed}.bin`, randomBytes(seed * 2654435761, 8 * (seed + 3)));
    for (const [cmd, argv] of Object.entries(COMMANDS)) {
      io.stderr = '';
      io.stdout = '';
      const code = await main(argv(f));
      // disasm may find valid instructions; check may refuse (1); run may fault (1).
      expect([0, 1, 2], `${cmd}: ${io.stderr}`).toContain(code);
      if (code !== 0) expectOneErrorLine(io.stderr);
      if (code === 2) expect(io.stderr, cmd).toContain(`random${seed}.bin`);
    }
  });
});

describe('mutated real inputs (a small, fixed sample; a longer run found nothing either)', () => {
  // 40 copies of an ELF object and the seed images with 1-4 bytes replaced, mostly in the headers.
  const sources = [elf, seedImage, new Uint8Array(readFileSync(SEED_EX1.replace('filter_ex1', 'filter_ex2')))];
  const mutants = Array.from({ length: 40 }, (_, i) => {
    const r = randomBytes(1000 + i, 16);
    const b = sources[i % sources.length]!.slice();
    for (let k = 0; k <= (r[0]! & 3); k++) {
      const span = r[1]! & 1 ? 128 : b.length;
      b[((r[2 + 3 * k]! << 8) | r[3 + 3 * k]!) % Math.min(span, b.length)] = r[4 + 3 * k]!;
    }
    return [i, b] as const;
  });
  it.each(mutants)('mutant %i: check, disasm and run end with 0, 1 or 2 and never an internal error', async (i, bytes) => {
    const f = file(`mutant${i}.bin`, bytes);
    for (const argv of [['check', f, '--subsystem', 'trace'], ['disasm', f], ['run', f, '--engine', 'interp']]) {
      io.stderr = '';
      const code = await main(argv);
      expect([0, 1, 2], `${argv[0]}: ${io.stderr}`).toContain(code);
      expect(io.stderr, argv[0]).not.toMatch(/internal error|^\s+at /m);
    }
  });
});

describe('ebpf asm on hostile input', () => {
  it.each([
    ['a syntax error', ASM_ERROR, /syntax\.s: 2:\d+: /],
    ['a missing file', INPUTS.missing!.path, /cannot read .*missing\.bin/],
    ['a directory', dir, /cannot read .*a-directory/],
    ['binary junk', file('junk.s', randomBytes(7, 64)), /junk\.s: /],
    ['an unknown mnemonic', file('frob.s', 'exit\nfrob %r1\n'), /frob\.s: 2:1: .*frob/],
    ['a jump to a missing label', file('label.s', 'ja nowhere\nexit\n'), /label\.s: .*nowhere/],
  ])('exits 2 on %s', async (_n, f, says) => {
    expect(await main(['asm', f])).toBe(2);
    expectOneErrorLine(io.stderr, says);
    expect(io.stdout).toBe('');
  });

  it('exits 2 when the output cannot be written', async () => {
    expect(await main(['asm', file('fine.s', 'exit\n'), '-o', join(dir, 'no', 'such', 'dir', 'out.bin')])).toBe(2);
    expectOneErrorLine(io.stderr, /cannot write .*out\.bin/);
  });
});

describe('flags and names', () => {
  const prog = file('ok.bin', okRaw);
  it.each([
    ['an unknown flag', ['check', prog, '--frob'], /unknown option '--frob'/],
    ['an unknown flag on disasm', ['disasm', prog, '--frob'], /unknown option '--frob'/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['a missing argument', ['run'], /missing required argument 'file'/],
    ['an unknown engine', ['run', prog, '--engine', 'turbo'], /unknown engine 'turbo' \(known: interp, jit-wasm, jit-x86_64, auto\)/],
    ['an unknown engine on bench', ['bench', prog, '--engine', 'turbo', '--time', '5'], /unknown engine 'turbo'/],
    ['an unknown subsystem', ['check', prog, '--subsystem', 'nope'], /unknown subsystem 'nope' \(known: trace/],
    ['an unknown subsystem for --ctx', ['run', prog, '--ctx', prog, '--subsystem', 'nope'], /unknown subsystem 'nope'/],
    ['raw bytecode without --subsystem', ['check', prog], /names no subsystem: pass --subsystem NAME/],
    ['assembler text without --subsystem', ['check', file('ok.s', 'mov %r0, 0\nexit\n')], /names no subsystem/],
    ['a bad --dialect', ['check', prog, '--subsystem', 'trace', '--dialect', 'klingon'], /'klingon' is invalid/],
    ['a bad --format', ['disasm', prog, '--format', 'intel'], /'intel' is invalid/],
    ['a huge --repeat', ['run', prog, '--repeat', '1e99'], /--repeat must be an integer from 1 to 100000000 \(got '1e99'\)/],
    ['a --repeat beyond the limit', ['run', prog, '--repeat', '100000001'], /--repeat/],
    ['a zero --repeat', ['run', prog, '--repeat', '0'], /--repeat/],
    ['a fractional --repeat', ['run', prog, '--repeat', '2.5'], /--repeat/],
    ['a negative --repeat', ['run', prog, '--repeat', '-3'], /--repeat|unknown option/],
    ['a huge --time', ['bench', prog, '--time', '1e12'], /--time must be .* at most 600000 \(got '1e12'\)/],
    ['a non-numeric --time', ['bench', prog, '--time', 'soon'], /--time/],
    ['--mem and --ctx together', ['run', prog, '--mem', prog, '--ctx', prog], /--mem or --ctx, not both/],
    ['a missing --mem file', ['run', prog, '--mem', join(tmp, 'nomem.bin')], /cannot read memory file .*nomem\.bin/],
    ['a --mem directory', ['bench', prog, '--mem', dir, '--time', '5'], /cannot read memory file .*a-directory/],
    ['--section on a raw program', ['check', prog, '--subsystem', 'trace', '--section', 'x'], /section|program/],
    ['a --section an ELF object lacks', ['check', ELF, '--section', 'nope'], /no program matches|nope/],
    ['a huge trace --events', ['trace', 'demo', '--filter', 'len > 1', '--events', '1e99'], /--events must be a positive integer up to 100000000, got '1e99'/],
    ['a huge trace bench --runs', ['trace', 'bench', '--runs', '99999999999'], /--runs must be a positive integer up to/],
  ])('%s exits 2', async (_n, argv, says) => {
    expect(await main(argv)).toBe(2);
    expectOneErrorLine(io.stderr, says);
    expect(io.stdout).toBe('');
  });

  it('help exits 0 and lists every command', async () => {
    expect(await main(['--help'])).toBe(0);
    for (const c of ['check', 'disasm', 'asm', 'run', 'bench', 'conformance', 'conformance-plugin', 'trace']) expect(io.stdout).toContain(c);
  });

  it('a lazily loaded command has the same help as in the full program', async () => {
    for (const name of Object.keys(LAZY_COMMANDS)) {
      const lazy = await createProgram(name);
      const full = await createProgram();
      const a = lazy.commands.find((c) => c.name() === name);
      const b = full.commands.find((c) => c.name() === name);
      expect(lazy.commands.map((c) => c.name()), `module of ${name} registers just ${name}`).toEqual([name]);
      expect(a?.helpInformation()).toBe(b?.helpInformation());
    }
  });
});

describe('the interfaces.md CLI contract', () => {
  const prog = file('c-ok.bin', okRaw);
  it('check picks the subsystem: the flag, else the ELF section prefix, else trace for seed images', async () => {
    expect(await main(['check', SEED_EX1])).toBe(0);
    expect(io.stdout).toBe('OK\n');
    io.stdout = '';
    expect(await main(['check', ELF, '--json'])).toBe(0);
    expect(JSON.parse(io.stdout).programs[0]).toMatchObject({ section: 'kprobe/counter', subsystem: 'trace', accepted: true });
    io.stdout = '';
    expect(await main(['check', prog, '--subsystem', 'socket', '--json'])).toBe(0);
    expect(JSON.parse(io.stdout)).toMatchObject({ ok: true, programs: [{ subsystem: 'socket', accepted: true }] });
  });

  it('check takes --license for formats without one', async () => {
    expect(await main(['check', SEED_EX1, '--license', 'Proprietary'])).toBe(1);
    expect(io.stdout).toMatch(/GPL-restricted function bpf_load_pointer/);
  });

  it('disasm --json has instructions {index, opcode, text} and maps', async () => {
    expect(await main(['disasm', prog, '--json'])).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.instructions).toEqual([
      { index: 0, opcode: 0xb7, text: 'r0 = 42' },
      { index: 1, opcode: 0x95, text: 'exit' },
    ]);
    expect(j.maps).toEqual([]);
  });

  it('run prints bpftool-style lines, and {r0, nsPerRun, engine} with --json', async () => {
    expect(await main(['run', prog, '--engine', 'interp', '--repeat', '3'])).toBe(0);
    expect(io.stdout).toMatch(/^Return value: 0x2a\nduration: \d+ ns\n$/);
    io.stdout = '';
    expect(await main(['run', prog, '--engine', 'interp', '--json'])).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual({ r0: '0x2a', nsPerRun: expect.any(Number), engine: 'interp' });
  });

  it('bench --json keeps io.stdout to the JSON document and says the engine on io.stderr', async () => {
    expect(await main(['bench', prog, '--mem', prog, '--engine', 'interp', '--json', '--time', '5'])).toBe(0);
    expect(Object.keys(JSON.parse(io.stdout))).toEqual(['program', 'engine', 'runs', 'nsPerRun', 'r0']);
    expect(JSON.parse(io.stdout)).toMatchObject({ engine: 'interp', r0: '0x2a' });
    expect(io.stderr).toMatch(/interp/);
  });

  it('auto names the engine it chose', async () => {
    expect(await main(['run', prog, '--json'])).toBe(0);
    const { engine } = JSON.parse(io.stdout) as { engine: string };
    expect(['interp', 'jit-wasm', 'jit-x86_64']).toContain(engine);
    expect(io.stderr).toMatch(new RegExp(`^auto: ${engine}`));
  });
});

describe('seed images whose tables lie about their sizes', () => {
  /** filter_ex2.bpf with one field of its first table record (after the instructions) replaced. */
  const ex2 = new Uint8Array(readFileSync(SEED_EX1.replace('filter_ex1', 'filter_ex2')));
  const table = 16 + new DataView(ex2.buffer).getInt32(4, true);
  it.each([
    ['2^32-1 entries', 12, 0xffffffff, /table0: maxEntries 4294967295: must be/],
    ['a 2 GiB key', 4, 0x7fffffff, /table0: keySize 2147483647: must be/],
    ['a 2 GiB value', 8, 0x7fffffff, /table0: .*2147483647/],
  ])('check refuses a table of %s as bad input (exit 2), naming the table', async (_n, field, value, says) => {
    const f = file(`table-${field}.bpf`, patched(ex2, table + field, 4, value));
    expect(await main(['check', f])).toBe(2);
    expectOneErrorLine(io.stderr, says);
    expect(io.stderr).toContain(`table-${field}.bpf`);
  });
});

describe('exit codes of checked and failed runs', () => {
  it('a refused program exits 1 with the log on io.stdout', async () => {
    expect(await main(['check', file('leak.bin', encode(parseAsm('mov %r0, %r10\nexit'))), '--subsystem', 'trace'])).toBe(1);
    expect(io.stdout).toMatch(/R0|leak|pointer/i);
  });

  it('a run that faults exits 1 with one line', async () => {
    expect(await main(['run', file('fault.bin', encode(parseAsm('ldxw %r0, [%r1+64]\nexit'))), '--engine', 'interp'])).toBe(1);
    expectOneErrorLine(io.stderr, /insn 0: /);
  });

  it('a run over the instruction budget exits 1', async () => {
    expect(await main(['run', file('loop.bin', encode(parseAsm('l:\nja l\nexit'))), '--engine', 'interp'])).toBe(1);
    expectOneErrorLine(io.stderr, /budget|instructions/i);
  });

  it('an explicitly named engine is never replaced by another', async () => {
    const code = await main(['run', file('ok2.bin', okRaw), '--engine', 'jit-x86_64', '--json']);
    if (code === 0) expect(JSON.parse(io.stdout).engine).toBe('jit-x86_64');
    else {
      expect(code).toBe(1);
      expectOneErrorLine(io.stderr, /jit-x86_64/);
    }
  });

  it('main() restores process.exitCode after a refusal', async () => {
    process.exitCode = undefined;
    expect(await main(['check', file('leak2.bin', encode(parseAsm('mov %r0, %r10\nexit'))), '--subsystem', 'trace'])).toBe(1);
    expect(process.exitCode).toBeUndefined();
    expect(await main(['check', file('ok3.bin', okRaw), '--subsystem', 'trace'])).toBe(0);
  });
});

describe('failureOf', () => {
  it.each([
    ['a CliExit', new CliExit(2, 'ebpf: x'), 2, 'ebpf: x'],
    ['a checker refusal', Object.assign(new Error('check: bad'), { code: 'CHECK', [Symbol.for('@ebpf/core/EbpfError')]: true }), 1, 'ebpf: check: bad'],
    ['a decode error', Object.assign(new Error('unknown opcode 0xff (at byte 8)'), { code: 'DECODE', [Symbol.for('@ebpf/core/EbpfError')]: true }), 2, 'ebpf: unknown opcode 0xff (at byte 8)'],
    ['a fault', Object.assign(new Error('insn 3: read'), { code: 'VM_FAULT', [Symbol.for('@ebpf/core/EbpfError')]: true }), 1, 'ebpf: insn 3: read'],
    ['an internal bug', new TypeError("Cannot read properties of undefined (reading 'x')"), 1, "ebpf: internal error: TypeError: Cannot read properties of undefined (reading 'x')"],
    ['a thrown string', 'boom', 1, 'ebpf: internal error: boom'],
  ])('maps %s', (_n, e, exitCode, message) => {
    expect(failureOf(e)).toEqual({ exitCode, message });
  });

  it('never lets stack frames through in a message', () => {
    const e = new CliExit(2, 'ebpf: bad\n    at foo (x.js:1:1)\n    at bar (y.js:2:2)');
    expect(failureOf(e).message).toBe('ebpf: bad');
  });
});

describe('ebpf conformance-plugin on hostile input (in-process, --program)', () => {
  it.each([
    ['non-hex program', ['--program', 'zz'], /bad program hex 'zz'/],
    ['an odd number of digits', ['--program', 'b70'], /odd number of digits/],
    ['non-hex memory', ['01 0g', '--program', '9500000000000000'], /bad memory hex '0g'/],
    ['an unknown option', ['--frob', '--program', '9500000000000000'], /unknown argument '--frob'/],
    ['--engine without a name', ['--program', '9500000000000000', '--engine'], /--engine needs a value/],
    ['an unknown engine', ['--engine turbo', '--program', '9500000000000000'], /unknown engine 'turbo'/],
    ['a truncated program', ['--program', 'b7000000'], /byte|truncated|multiple/],
    ['an unknown opcode', ['--program', 'ff00000000000000'], /opcode|invalid/],
    ['a bad ELF on --elf', ['--elf', '--program', '7f454c46'], /ELF/],
  ])('%s exits non-zero with one line', async (_n, argv, says) => {
    const code = await main(['conformance-plugin', ...argv]);
    expect(code).not.toBe(0);
    expectOneErrorLine(io.stderr, says);
    expect(io.stdout).toBe('');
  });

  it.each([
    ['the runner format', ['01  02  03  04  ', '--interpret', '--program', '61100000000000009500000000000000'], '4030201\n'],
    ['memory as one run of digits', ['0x01020304', '--program', '0x61100000000000009500000000000000'], '4030201\n'],
    ['no memory, no options', ['', '', '--program', 'b70000002a0000009500000000000000'], '2a\n'],
  ])('accepts %s', async (_n, argv, out) => {
    expect(await main(['conformance-plugin', ...argv]), io.stderr).toBe(0);
    expect(io.stdout).toBe(out);
    expect(io.stderr).toBe('');
  });
});

describe('the built bin, end to end', () => {
  const built = existsSync(BIN);
  const spawn = (args: string[], input = '') => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, EBPF_DEBUG: '' } });

  it('is built', () => expect(built, `${BIN} is missing: run pnpm build first`).toBe(true));

  it.each([
    ['check on a truncated ELF', ['check', INPUTS['truncated ELF']!.path], '', 2],
    ['disasm on a directory', ['disasm', dir], '', 2],
    ['run on a seed image with lying sizes', ['run', INPUTS['seed image with a lying insn size']!.path], '', 2],
    ['an unknown flag', ['disasm', SEED_EX1, '--frob'], '', 2],
    ['the plugin with non-hex stdin', ['conformance-plugin'], 'b7 00 zz', 2],
    ['the plugin with an empty stdin', ['conformance-plugin', '', ''], '', 2],
    ['the plugin on a faulting program', ['conformance-plugin', '00  00  ', '--interpret'], '61 10 40 00 00 00 00 00 95 00 00 00 00 00 00 00', 1],
  ])('%s: exits as expected with one line, no stack', (_n, args, input, status) => {
    const r = spawn(args, input);
    expect(r.status, r.stderr).toBe(status);
    expect(r.stdout).toBe('');
    expectOneErrorLine(r.stderr);
  });

  it('the plugin path loads neither commander, the @ebpf/core root nor the DI container', () => {
    const hook = file('log-loads.mjs', "export async function load(url, ctx, next) { process._rawDebug('LOAD ' + url); return next(url, ctx); }\n");
    const reg = file('register-hook.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(reg).href, BIN, 'conformance-plugin', '', '--interpret'], { input: 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00', encoding: 'utf8' });
    expect(r.stdout).toBe('2a\n');
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOAD '));
    expect(loaded.length).toBeGreaterThan(10);
    const coreRoot = pathToFileURL(fileURLToPath(new URL('../../core/dist/index.js', import.meta.url))).href;
    expect(loaded.filter((l) => /tsyringe|reflect-metadata|commander|cli-progress|@ebpf\/trace|packages\/trace\//.test(l) || l === `LOAD ${coreRoot}`)).toEqual([]);
  });

  it('stops quietly when io.stdout is closed early (EPIPE)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" disasm "${SEED_EX1}" | head -c 1 >/dev/null`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
  });
});
