/**
 * The seed's image format (2013, `bpf_load_image`), read and written with every size check the
 * seed makes, plus a NUL-terminated string table and table records whose fields make sense:
 *
 * ```
 *  0  "bpf\0"            16  insns: insn_size bytes of seed-dialect 8-byte slots
 *  4  insn_size   (s32)      tables: htab_size bytes of struct bpf_table (5 x u32 =
 *  8  htab_size   (s32)        type, key_size, elem_size, max_entries, param1)
 * 12  strtab_size (s32)      strtab: strtab_size bytes of NUL-separated function names
 * ```
 * Checking the program itself (DAG, `ret` last, stack bounds) is the checker's job.
 */
import type { DecodeError } from '../errors.js';
import { decode } from '../isa/decode.js';
import { encode } from '../isa/encode.js';
import { EncodeError } from '../isa/encode-error.js';
import { insn as makeInsn, totalSlots, type Insn } from '../isa/insn.js';
import { Op } from '../isa/opcodes.js';
import type { MapSpec, MapType } from '../maps/map-spec.js';
import { ImageError } from './image-error.js';
import type { ProgramSpec } from './program-spec.js';

/** The four magic bytes `"bpf\0"`. */
export const SEED_MAGIC: Uint8Array = Uint8Array.of(0x62, 0x70, 0x66, 0x00);
/** Header bytes: magic and three section sizes. */
export const SEED_HEADER_SIZE = 16;
/** Bytes of one `struct bpf_table`. */
export const SEED_TABLE_SIZE = 20;
/** The seed's `MAX_BPF_INSNS`. */
export const SEED_MAX_INSNS = 4096;
/** The seed's `MAX_BPF_TABLES`. */
export const SEED_MAX_TABLES = 64;
/** The seed's `MAX_BPF_STRTAB_SIZE`. */
export const SEED_MAX_STRTAB_SIZE = 1024;

/** Seed `enum bpf_table_type` ↔ map type. */
export const SEED_TABLE_TYPES: Readonly<Record<number, MapType>> = Object.freeze({ 1: 'hash', 2: 'lpm_trie' });

/** Options of {@link decodeSeedImage}. */
export interface SeedImageOptions {
  /** Program name (default `prog`; the CLI passes the file name). */
  readonly name?: string;
  /** License (seed images carry none; default `GPL`). */
  readonly license?: string;
}

/** True when `bytes` starts with the seed magic `"bpf\0"`. */
export function isSeedImage(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && SEED_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Decodes a seed image into a ProgramSpec (dialect `seed`; tables become maps `table0`, ...;
 * calls carry `helperName` from the string table, which is kept in `strtab`).
 * @throws {@link ImageError} for a short file, bad magic, section sizes that are negative, not
 * multiples of their record, above the seed's limits or not adding up to the file size, a string
 * table without a final NUL, or a table record with an unknown type or a zero size.
 * @throws {@link DecodeError} for an instruction the seed dialect does not define.
 */
export function decodeSeedImage(bytes: Uint8Array, opts: SeedImageOptions = {}): ProgramSpec {
  if (bytes.length < SEED_HEADER_SIZE + 8) {
    throw new ImageError(`seed image too short: ${bytes.length} bytes (header and one instruction need ${SEED_HEADER_SIZE + 8})`, 0);
  }
  if (!isSeedImage(bytes)) throw new ImageError('not a seed image: magic is not "bpf\\0"', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const insnSize = view.getInt32(4, true);
  const htabSize = view.getInt32(8, true);
  const strtabSize = view.getInt32(12, true);

  if (insnSize <= 0) throw new ImageError(`insn section size ${insnSize} must be positive`, 4);
  if (insnSize % 8 !== 0) throw new ImageError(`insn section size ${insnSize} is not a multiple of 8`, 4);
  if (insnSize / 8 > SEED_MAX_INSNS) throw new ImageError(`${insnSize / 8} instructions exceed the seed's limit of ${SEED_MAX_INSNS}`, 4);
  if (htabSize < 0) throw new ImageError(`table section size ${htabSize} is negative`, 8);
  if (htabSize % SEED_TABLE_SIZE !== 0) throw new ImageError(`table section size ${htabSize} is not a multiple of ${SEED_TABLE_SIZE} (struct bpf_table)`, 8);
  if (htabSize / SEED_TABLE_SIZE > SEED_MAX_TABLES) throw new ImageError(`${htabSize / SEED_TABLE_SIZE} tables exceed the seed's limit of ${SEED_MAX_TABLES}`, 8);
  if (strtabSize < 0) throw new ImageError(`string table size ${strtabSize} is negative`, 12);
  if (strtabSize > SEED_MAX_STRTAB_SIZE) throw new ImageError(`string table size ${strtabSize} exceeds the seed's limit of ${SEED_MAX_STRTAB_SIZE}`, 12);
  const expected = SEED_HEADER_SIZE + insnSize + htabSize + strtabSize;
  if (expected !== bytes.length) {
    throw new ImageError(`section sizes (16 + ${insnSize} + ${htabSize} + ${strtabSize} = ${expected}) do not match the image size ${bytes.length}`, 4);
  }

  const strtabStart = SEED_HEADER_SIZE + insnSize + htabSize;
  const strtab = bytes.slice(strtabStart, strtabStart + strtabSize);
  if (strtabSize === 0) throw new ImageError('string table is empty: the seed requires it to end with a NUL byte', strtabStart);
  if (strtab[strtabSize - 1] !== 0) throw new ImageError('string table does not end with a NUL byte', strtabStart + strtabSize - 1);

  const maps: MapSpec[] = [];
  for (let i = 0; i < htabSize / SEED_TABLE_SIZE; i++) {
    maps.push(readTable(view, SEED_HEADER_SIZE + insnSize + i * SEED_TABLE_SIZE, i));
  }

  const insns = decode(bytes.subarray(SEED_HEADER_SIZE, SEED_HEADER_SIZE + insnSize), {
    dialect: 'seed',
    strtab,
    baseOffset: SEED_HEADER_SIZE,
  });
  return {
    name: opts.name ?? 'prog',
    dialect: 'seed',
    insns,
    maps,
    license: opts.license ?? 'GPL',
    strtab,
  };
}

function readTable(view: DataView, at: number, index: number): MapSpec {
  const type = view.getUint32(at, true);
  const keySize = view.getUint32(at + 4, true);
  const valueSize = view.getUint32(at + 8, true);
  const maxEntries = view.getUint32(at + 12, true);
  const param1 = view.getUint32(at + 16, true);
  const mapType = SEED_TABLE_TYPES[type];
  if (!mapType) throw new ImageError(`table ${index}: unknown type ${type} (1 = hash, 2 = lpm)`, at);
  if (keySize === 0) throw new ImageError(`table ${index}: key_size is 0`, at + 4);
  if (valueSize === 0) throw new ImageError(`table ${index}: elem_size is 0`, at + 8);
  if (maxEntries === 0) throw new ImageError(`table ${index}: max_entries is 0`, at + 12);
  return { name: `table${index}`, type: mapType, keySize, valueSize, maxEntries, flags: 0, param1 };
}

/**
 * Encodes a ProgramSpec as a seed image. The original string table is kept when every named
 * call still points at its name; otherwise a new one is built from the calls' `helperName`s.
 * @throws {@link EncodeError} for an instruction the seed dialect lacks, a map type with no seed
 * table type, or sizes above the seed's limits.
 */
export function encodeSeedImage(spec: ProgramSpec): Uint8Array {
  const tables = spec.maps.map((m, i) => {
    const type = Number(Object.keys(SEED_TABLE_TYPES).find((k) => SEED_TABLE_TYPES[Number(k)] === m.type) ?? -1);
    if (type < 0) throw new EncodeError(`map ${i} '${m.name}': type ${m.type} has no seed table type (hash, lpm_trie)`, -1);
    return [type, m.keySize, m.valueSize, m.maxEntries, m.param1 ?? 0] as const;
  });
  if (tables.length > SEED_MAX_TABLES) throw new EncodeError(`${tables.length} maps exceed the seed's limit of ${SEED_MAX_TABLES}`, -1);
  const slots = totalSlots(spec.insns);
  if (slots === 0 || slots > SEED_MAX_INSNS) throw new EncodeError(`${slots} instructions: a seed image holds 1..${SEED_MAX_INSNS}`, -1);

  const { insns, strtab } = placeNames(spec.insns, spec.strtab);
  if (strtab.length > SEED_MAX_STRTAB_SIZE) throw new EncodeError(`string table of ${strtab.length} bytes exceeds the seed's limit of ${SEED_MAX_STRTAB_SIZE}`, -1);
  const code = encode(insns, { dialect: 'seed' });

  const out = new Uint8Array(SEED_HEADER_SIZE + code.length + tables.length * SEED_TABLE_SIZE + strtab.length);
  const view = new DataView(out.buffer);
  out.set(SEED_MAGIC, 0);
  view.setInt32(4, code.length, true);
  view.setInt32(8, tables.length * SEED_TABLE_SIZE, true);
  view.setInt32(12, strtab.length, true);
  out.set(code, SEED_HEADER_SIZE);
  tables.forEach((fields, i) => {
    fields.forEach((v, j) => view.setUint32(SEED_HEADER_SIZE + code.length + i * SEED_TABLE_SIZE + j * 4, v, true));
  });
  out.set(strtab, SEED_HEADER_SIZE + code.length + tables.length * SEED_TABLE_SIZE);
  return out;
}

/** Reuses `strtab` when every named call points at its name, else builds one and patches `imm`. */
function placeNames(insns: readonly Insn[], strtab: Uint8Array | undefined): { insns: readonly Insn[]; strtab: Uint8Array } {
  const named = insns.filter((i) => i.code === Op.CALL && i.helperName !== undefined);
  if (strtab && strtab.length > 0 && named.every((i) => nameAt(strtab, i.imm) === i.helperName)) return { insns, strtab };
  const offsets = new Map<string, number>();
  const parts: number[] = [0];
  for (const i of named) {
    if (offsets.has(i.helperName!)) continue;
    offsets.set(i.helperName!, parts.length);
    for (let k = 0; k < i.helperName!.length; k++) {
      const c = i.helperName!.charCodeAt(k);
      if (c === 0 || c > 0x7f) throw new EncodeError(`helper name '${i.helperName}' is not printable ASCII`, -1);
      parts.push(c);
    }
    parts.push(0);
  }
  const patched = insns.map((i) => (i.code === Op.CALL && i.helperName !== undefined ? makeInsn({ ...i, imm: offsets.get(i.helperName)! }) : i));
  return { insns: patched, strtab: Uint8Array.from(parts) };
}

function nameAt(strtab: Uint8Array, offset: number): string | undefined {
  if (offset <= 0 || offset >= strtab.length) return undefined;
  let end = offset;
  while (end < strtab.length && strtab[end] !== 0) end++;
  if (end === strtab.length) return undefined;
  return String.fromCharCode(...strtab.subarray(offset, end));
}

