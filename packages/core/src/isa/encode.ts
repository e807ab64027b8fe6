/**
 * `Insn[]` → bytes: the only writer of the encoding's quirks (little-endian slots, the register
 * nibbles, two-slot `lddw` from `imm64`). Resolves builder labels first. It checks field ranges,
 * not meaning: it will write an opcode the decoder refuses, which is what hostile-input tests need.
 */
import { EncodeError } from './encode-error.js';
import type { Insn } from './insn.js';
import { hasLabels, resolveLabels } from './labels.js';
import { Op } from './opcodes.js';
import { encodeSeedFields } from './seed-dialect.js';

/** Options of {@link encode}. */
export interface EncodeOptions {
  /** `rfc` (default) writes RFC 9669 opcodes; `seed` writes the 2013 dialect's opcodes. */
  readonly dialect?: 'rfc' | 'seed';
}

/**
 * Encodes instructions as little-endian 8-byte slots (`lddw` takes two).
 * @throws {@link EncodeError} for an undefined or duplicate label, a register field above 15, an
 * `off` outside int16, an `imm` outside int32/uint32, or (seed) an instruction the seed lacks.
 */
export function encode(insns: readonly Insn[], opts: EncodeOptions = {}): Uint8Array {
  const list = hasLabels(insns) ? resolveLabels(insns) : insns;
  let slots = 0;
  for (const i of list) slots += i.code === Op.LDDW ? 2 : 1;
  const out = new Uint8Array(slots * 8);
  const view = new DataView(out.buffer);
  let slot = 0;
  for (const insn of list) {
    checkFields(insn, slot);
    const pos = slot * 8;
    let code = insn.code;
    let imm = insn.imm;
    if (opts.dialect === 'seed') ({ code, imm } = encodeSeedFields(insn, slot));
    view.setUint8(pos, code);
    view.setUint8(pos + 1, (insn.src << 4) | insn.dst);
    view.setInt16(pos + 2, insn.off, true);
    if (insn.code === Op.LDDW) {
      const v = insn.imm64 ?? BigInt.asUintN(32, BigInt(imm));
      view.setUint32(pos + 4, Number(v & 0xffffffffn), true);
      view.setUint32(pos + 12, Number(v >> 32n), true);
      slot += 2;
    } else {
      view.setInt32(pos + 4, imm | 0, true);
      slot += 1;
    }
  }
  return out;
}

function checkFields(insn: Insn, slot: number): void {
  if (!Number.isInteger(insn.dst) || insn.dst < 0 || insn.dst > 15) throw new EncodeError(`dst ${insn.dst} does not fit 4 bits`, slot);
  if (!Number.isInteger(insn.src) || insn.src < 0 || insn.src > 15) throw new EncodeError(`src ${insn.src} does not fit 4 bits`, slot);
  if (!Number.isInteger(insn.off) || insn.off < -0x8000 || insn.off > 0x7fff) throw new EncodeError(`offset ${insn.off} does not fit int16`, slot);
  if (!Number.isInteger(insn.imm) || insn.imm < -0x80000000 || insn.imm > 0xffffffff) throw new EncodeError(`immediate ${insn.imm} does not fit 32 bits`, slot);
  if (insn.imm64 !== undefined && (insn.imm64 < 0n || insn.imm64 > 0xffffffffffffffffn)) throw new EncodeError(`immediate ${insn.imm64} does not fit 64 bits`, slot);
}
