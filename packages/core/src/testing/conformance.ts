/**
 * The bpf_conformance suite's test format and runtime environment. Parses a `.data` file
 * (`-- asm`, `-- raw`, `-- mem`, `-- result` / `-- error`, as the suite's own runner reads it) and
 * provides the `conformance` subsystem: the context is the test's memory block (readable and
 * writable at every size and offset inside it) and the helpers are the ones the suite's reference
 * plugin (uBPF's) registers, by the same ids. Reading files and running engines is left to callers.
 */
import { ParseError } from '../errors.js';
import { parseAsm } from '../asm/parse.js';
import { encode } from '../isa/encode.js';
import type { AccessDir, ContextAccess, ContextField } from '../subsystem/context-access.js';
import type { HelperArgs } from '../subsystem/helper-args.js';
import { SimpleSubsystem, type HelperDef, type HelperEnv } from '../subsystem/subsystem.js';

/** One conformance test, as parsed from its `.data` file. */
export interface ConformanceTest {
  /** Test name (the file name without `.data`). */
  readonly name: string;
  /** The `-- asm` section, comments included. */
  readonly asm: string;
  /** The `-- raw` section's program bytes, when the file has one (the runner prefers it). */
  readonly raw?: Uint8Array;
  /** Initial memory (`-- mem`), possibly empty. */
  readonly memory: Uint8Array;
  /** Expected r0 (`-- result`), unsigned 64-bit. */
  readonly result?: bigint;
  /** Expected error text (`-- error`): the program must fail. */
  readonly error?: string;
}

type Section = 'asm' | 'raw' | 'mem' | 'result' | 'error' | 'ignore';

/**
 * Parses the text of a `.data` file. Section headers are lines starting with `--`; the `-- c`
 * (source) and `-- no register offset` sections are ignored, as the suite's runner does.
 * @throws {@link ParseError} for an unknown section, a bad hex byte, a bad raw word or result,
 * or a file with neither a result nor an error.
 */
export function parseConformanceTest(text: string, name = 'test'): ConformanceTest {
  let section: Section = 'ignore';
  const asm: string[] = [];
  const raw: bigint[] = [];
  const mem: number[] = [];
  let result: string | undefined;
  let error: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed.startsWith('--')) {
      const head = trimmed.slice(2).trim();
      if (head === 'asm') section = 'asm';
      else if (head === 'raw') section = 'raw';
      else if (head === 'mem') section = 'mem';
      else if (head === 'result') section = 'result';
      else if (head === 'error') section = 'error';
      else if (head === 'c' || head === 'no register offset') section = 'ignore';
      else throw new ParseError(`${name}: unknown section '-- ${head}'`, i + 1, 1);
      return;
    }
    switch (section) {
      case 'asm':
        asm.push(line);
        break;
      case 'raw':
        for (const word of trimmed.split(/\s+/).filter(Boolean)) {
          const v = parseInteger(word);
          if (v === undefined || v < 0n || v > 0xffffffffffffffffn) throw new ParseError(`${name}: bad raw instruction '${word}'`, i + 1, line.indexOf(word) + 1);
          raw.push(v);
        }
        break;
      case 'mem':
        for (const byte of trimmed.split(/\s+/).filter(Boolean)) {
          if (!/^[0-9a-f]{1,2}$/i.test(byte)) throw new ParseError(`${name}: bad memory byte '${byte}'`, i + 1, line.indexOf(byte) + 1);
          mem.push(parseInt(byte, 16));
        }
        break;
      case 'result':
        if (trimmed !== '') result = trimmed;
        break;
      case 'error':
        if (trimmed !== '') error = trimmed;
        break;
      default:
        break;
    }
  });
  if (result === undefined && error === undefined) throw new ParseError(`${name}: no '-- result' or '-- error' section`, lines.length, 1);
  let expected: bigint | undefined;
  if (result !== undefined) {
    expected = parseInteger(result);
    if (expected === undefined) throw new ParseError(`${name}: bad result '${result}'`, lines.length, 1);
    expected = BigInt.asUintN(64, expected);
  }
  const test: ConformanceTest = {
    name,
    asm: asm.join('\n'),
    memory: Uint8Array.from(mem),
    ...(raw.length > 0 ? { raw: rawBytes(raw) } : {}),
    ...(expected !== undefined ? { result: expected } : {}),
    ...(error !== undefined ? { error } : {}),
  };
  return test;
}

/**
 * The program bytes of a test: its `-- raw` section when present (as the suite's runner does),
 * else its assembled `-- asm` section.
 * @throws {@link ParseError} when the assembler text does not parse.
 */
export function conformanceProgram(test: ConformanceTest): Uint8Array {
  return test.raw ?? assembleConformance(test);
}

/**
 * Assembles a test's `-- asm` section into bytes (ignoring any `-- raw` section).
 * @throws {@link ParseError} when the text does not parse.
 */
export function assembleConformance(test: ConformanceTest): Uint8Array {
  return encode(parseAsm(test.asm));
}

/** A decimal or `0x` integer, optionally signed; undefined when it is neither. */
function parseInteger(s: string): bigint | undefined {
  const m = /^([+-]?)(0x[0-9a-f]+|[0-9]+)$/i.exec(s);
  if (!m) return undefined;
  const v = BigInt(m[2]!);
  return m[1] === '-' ? -v : v;
}

function rawBytes(words: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(i * 8, w, true));
  return out;
}

// ---- the helpers of the suite's reference plugin (uBPF's test helpers) ---------------------

/** Bytes of the NUL-terminated string at `address`, bounded by the region holding it. */
function readCString(env: HelperEnv, address: bigint, what: string): Uint8Array {
  const mem = env.vm.mem;
  const off = mem.offsetOf(address);
  const region = off < 0 ? undefined : mem.regionAt(off);
  if (region === undefined) throw new Error(`${what}: 0x${address.toString(16)} is not a valid pointer`);
  const end = region.offset + region.size;
  const nul = mem.bytes.subarray(off, end).indexOf(0);
  if (nul < 0) throw new Error(`${what}: string at 0x${address.toString(16)} is not terminated inside its region`);
  return mem.bytes.subarray(off, off + nul);
}

/** Helper 0: `gather_bytes(a, b, c, d, e)` = the low bytes of its five arguments, a first. */
function gatherBytes(args: HelperArgs): number {
  return (args.u32(1) & 0xff) * 4294967296 + (((args.u32(2) & 0xff) << 24) >>> 0) + ((args.u32(3) & 0xff) << 16) + ((args.u32(4) & 0xff) << 8) + (args.u32(5) & 0xff);
}

/** Helper 1: `memfrob(ptr, len)`: XORs each byte with 42; returns 0. */
function memfrob(args: HelperArgs, env: HelperEnv): number {
  const address = args.u64(1);
  const len = args.u64(2);
  if (len === 0n) return 0;
  if (len > 0x7fffffffn || !env.vm.mem.isValid(address, Number(len), true)) {
    throw new Error(`memfrob: [0x${address.toString(16)}, +${len}) is not writable memory`);
  }
  const off = env.vm.mem.offsetOf(address);
  const bytes = env.vm.mem.bytes;
  for (let i = 0; i < Number(len); i++) bytes[off + i]! ^= 42;
  return 0;
}

/** Helper 3: `sqrti(a)` = the integer square root of `a` taken as a double, as C's `sqrt`. */
function sqrti(args: HelperArgs): number | bigint {
  const r = Math.floor(Math.sqrt(Number(args.u64(1))));
  return r <= Number.MAX_SAFE_INTEGER ? r : BigInt(r);
}

/** Helper 4: `strcmp_ext(a, b)`: C `strcmp` of two NUL-terminated strings in VM memory. */
function strcmpExt(args: HelperArgs, env: HelperEnv): number {
  const a = readCString(env, args.u64(1), 'strcmp_ext');
  const b = readCString(env, args.u64(2), 'strcmp_ext');
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length === b.length ? 0 : a.length < b.length ? -b[n]! : a[n]!;
}

/**
 * The helpers the conformance suite's programs call, with the ids and behaviour of its
 * reference plugin: 0 `gather_bytes`, 1 `memfrob`, 2 `no_op`, 3 `sqrti`, 4 `strcmp_ext`,
 * 5 `unwind` (returns its argument; a 0 result ends the program with r0 = 0).
 */
export const CONFORMANCE_HELPERS: readonly HelperDef[] = Object.freeze([
  { id: 0, name: 'gather_bytes', proto: { ret: 'integer', args: ['scalar', 'scalar', 'scalar', 'scalar', 'scalar'] }, impl: gatherBytes },
  { id: 1, name: 'memfrob', proto: { ret: 'integer', args: ['mem', 'const_size'] }, impl: memfrob },
  { id: 2, name: 'no_op', proto: { ret: 'integer', args: [] }, impl: () => 0 },
  { id: 3, name: 'sqrti', proto: { ret: 'integer', args: ['scalar'] }, impl: sqrti },
  { id: 4, name: 'strcmp_ext', proto: { ret: 'integer', args: ['anything', 'anything'] }, impl: strcmpExt },
  { id: 5, name: 'unwind', proto: { ret: 'integer', args: ['scalar'] }, impl: (args: HelperArgs) => args.u64(1), unwindOnZero: true },
] satisfies HelperDef[]);

/**
 * The `conformance` subsystem: the context is the test's memory block of `memSize` bytes, which
 * a program may read and write at any offset inside it with any access size (1, 2, 4, 8); the
 * helpers are {@link CONFORMANCE_HELPERS}. r1 holds the block's address, r2 its length (an
 * initialized scalar on entry: `entryScalars` = [2]).
 */
export class ConformanceSubsystem extends SimpleSubsystem {
  /** @param memSize the test's memory size in bytes (its exact size: no slack). */
  constructor(readonly memSize: number) {
    const field: ContextField = { name: 'mem', offset: 0, size: memSize, access: 'readwrite', sizes: [1, 2, 4, 8] };
    super({ name: 'conformance', context: { size: memSize, fields: memSize > 0 ? [field] : [] }, helpers: CONFORMANCE_HELPERS, entryScalars: [2] });
  }

  /** Any access of 1, 2, 4 or 8 bytes inside the block, at any alignment. */
  override getContextAccess(off: number, size: number, _dir: AccessDir): ContextAccess | undefined {
    if (!(size === 1 || size === 2 || size === 4 || size === 8)) return undefined;
    if (off < 0 || off + size > this.memSize) return undefined;
    return { field: this.context.fields[0]!, type: 'scalar' };
  }
}

/** The `conformance` subsystem for a memory block of `memSize` bytes. */
export function conformanceSubsystem(memSize: number): ConformanceSubsystem {
  return new ConformanceSubsystem(memSize);
}
