/**
 * Bytes → `Insn[]`: the only reader of the encoding's quirks (little-endian slots, the nibble
 * register byte, two-slot `lddw`). RFC 9669 by default; `dialect: 'seed'` reads the 2013 opcodes
 * through `seed-dialect.ts` into the same model. It accepts an opcode only when the mnemonic
 * table knows it; unused fields are kept as they are (the checker judges reserved fields).
 */
import { DecodeError } from '../errors.js';
import { insn as makeInsn, type Insn } from './insn.js';
import { findMnemonic, mnemonicsForCode, usesDst, usesSrc } from './mnemonics.js';
import { LdImmSrc, Op } from './opcodes.js';
import { REG_COUNT } from './registers.js';
import { decodeSeedInsn } from './seed-dialect.js';

/** Options of {@link decode}. */
export interface DecodeOptions {
  /** Instruction set: `rfc` (RFC 9669, default) or `seed` (the 2013 dialect). */
  readonly dialect?: 'rfc' | 'seed';
  /** Seed dialect: the image's string table, so calls get their `helperName`. */
  readonly strtab?: Uint8Array;
  /** Added to every byte offset in errors (where the instructions start in a file). */
  readonly baseOffset?: number;
}

/** The five raw fields of one 8-byte slot. */
export interface RawSlot {
  /** Opcode byte. */
  readonly code: number;
  /** Low nibble of the register byte. */
  readonly dst: number;
  /** High nibble of the register byte. */
  readonly src: number;
  /** Signed 16-bit offset. */
  readonly off: number;
  /** Signed 32-bit immediate. */
  readonly imm: number;
}

/** Reads the raw fields of the slot at byte `pos` (no validation). */
export function readSlot(view: DataView, pos: number): RawSlot {
  const regs = view.getUint8(pos + 1);
  return {
    code: view.getUint8(pos),
    dst: regs & 0x0f,
    src: regs >> 4,
    off: view.getInt16(pos + 2, true),
    imm: view.getInt32(pos + 4, true),
  };
}

/**
 * Decodes a little-endian instruction stream.
 * @throws {@link DecodeError} naming the byte offset: a length that is not a multiple of 8, an
 * unknown opcode, an invalid operation selector (sdiv `off`, end width, atomic op, call kind), a
 * register above r10, a truncated `lddw` or a non-zero field in its second slot.
 */
export function decode(bytes: Uint8Array, opts: DecodeOptions = {}): Insn[] {
  const base = opts.baseOffset ?? 0;
  if (bytes.length % 8 !== 0) {
    throw new DecodeError(`program length ${bytes.length} is not a multiple of 8 bytes`, base + bytes.length - (bytes.length % 8));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let pos = 0; pos < bytes.length; pos += 8) {
    const raw = readSlot(view, pos);
    if (opts.dialect === 'seed') {
      out.push(decodeSeedInsn(raw, base + pos, opts.strtab));
      continue;
    }
    if (raw.code === Op.LDDW) {
      out.push(decodeLddw(view, raw, pos, base));
      pos += 8;
      continue;
    }
    out.push(decodeRfcInsn(raw, base + pos));
  }
  return out;
}

/** Decodes one single-slot RFC 9669 instruction (not `lddw`) at `at` (for errors). */
export function decodeRfcInsn(raw: RawSlot, at: number): Insn {
  const m = findMnemonic(raw);
  if (!m) throw new DecodeError(invalidOpcodeMessage(raw), at);
  if (m.seedOnly) throw new DecodeError(`${m.name} (opcode 0x${hex2(raw.code)}) exists only in the seed dialect`, at);
  checkRegisters(raw, usesDst(m.form), usesSrc(m.form), at);
  return makeInsn(raw);
}

function decodeLddw(view: DataView, raw: RawSlot, pos: number, base: number): Insn {
  if (pos + 16 > view.byteLength) throw new DecodeError('truncated lddw: its second 8-byte slot is missing', base + pos);
  const next = readSlot(view, pos + 8);
  if (next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
    throw new DecodeError('lddw second slot must have opcode, registers and offset 0', base + pos + 8);
  }
  if (raw.src > LdImmSrc.MAP_VALUE_BY_IDX) {
    throw new DecodeError(`lddw has unknown pseudo source ${raw.src} (expected 0..6)`, base + pos);
  }
  checkRegisters(raw, true, false, base + pos);
  const imm64 = (BigInt(next.imm >>> 0) << 32n) | BigInt(raw.imm >>> 0);
  return makeInsn({ ...raw, imm64 });
}

/** Throws when a field the instruction reads as a register is above r10. */
export function checkRegisters(raw: Pick<RawSlot, 'dst' | 'src'>, dst: boolean, src: boolean, at: number): void {
  if (dst && raw.dst >= REG_COUNT) throw new DecodeError(`invalid destination register r${raw.dst}`, at);
  if (src && raw.src >= REG_COUNT) throw new DecodeError(`invalid source register r${raw.src}`, at);
}

/** Explains why no table entry matches `raw`: unknown opcode, or which selector field is wrong. */
export function invalidOpcodeMessage(raw: RawSlot): string {
  const list = mnemonicsForCode(raw.code);
  const op = `opcode 0x${hex2(raw.code)}`;
  if (list.length === 0) return `unknown ${op}`;
  const first = list[0]!;
  if (first.src !== undefined) {
    return `invalid call kind src=${raw.src} for ${op} (expected ${list.map((m) => m.src).join(', ')})`;
  }
  if (first.imm !== undefined) {
    const valid = list.map((m) => `${m.imm} (${m.name})`).join(', ');
    return `invalid immediate ${raw.imm} for ${op}: expected ${valid}`;
  }
  const valid = list.map((m) => `${m.off} (${m.name})`).join(', ');
  return `invalid offset ${raw.off} for ${op}: expected ${valid}`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
