// decode/encode: bytes in, errors that name the byte offset, and every RFC opcode byte judged
// against the mnemonic table (an opcode decodes exactly when the table knows it).
import { describe, expect, it } from 'vitest';
import { DecodeError, EbpfError } from '../errors.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { EncodeError } from './encode-error.js';
import { insn } from './insn.js';
import { findMnemonic, MNEMONICS, reservedFieldInUse } from './mnemonics.js';

/** One 8-byte slot from its fields. */
function slot(code: number, dst = 0, src = 0, off = 0, imm = 0): number[] {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint8(0, code);
  v.setUint8(1, (src << 4) | dst);
  v.setInt16(2, off, true);
  v.setInt32(4, imm, true);
  return [...b];
}
const EXIT = slot(0x95);

describe('decode rejects bad input, naming the byte offset', () => {
  const cases: Array<[string, number[], RegExp, number]> = [
    ['length not a multiple of 8', [...EXIT, 1, 2, 3], /not a multiple of 8/, 8],
    ['unknown opcode', [...EXIT, ...slot(0x8f)], /unknown opcode 0x8f/, 8],
    ['JA with the X bit', slot(0x0d), /unknown opcode 0x0d/, 0],
    ['exit in JMP32', slot(0x96), /unknown opcode 0x96/, 0],
    ['ldxsdw does not exist', slot(0x99, 1, 2), /unknown opcode 0x99/, 0],
    ['ldabsdw does not exist', slot(0x38), /unknown opcode 0x38/, 0],
    ['div with off 2', slot(0x3f, 1, 2, 2), /invalid offset 2 for opcode 0x3f: expected 0 \(div\), 1 \(sdiv\)/, 0],
    ['mov imm with off 8 (movsx is register only)', slot(0xb7, 1, 0, 8), /invalid offset 8 for opcode 0xb7/, 0],
    ['movsx32 from 32 bits', slot(0xbc, 1, 2, 32), /invalid offset 32 for opcode 0xbc/, 0],
    ['le with width 8', slot(0xd4, 1, 0, 0, 8), /invalid immediate 8 for opcode 0xd4/, 0],
    ['atomic with unknown op', slot(0xdb, 1, 2, 0, 0x12), /invalid immediate 18 for opcode 0xdb/, 0],
    ['1-byte atomic (seed only)', slot(0xd3, 1, 2), /lock add8 .* only in the seed dialect/, 0],
    ['call with kind 3', slot(0x85, 0, 3, 0, 1), /invalid call kind src=3/, 0],
    ['dst r11', [...EXIT, ...slot(0xb7, 11)], /invalid destination register r11/, 8],
    ['src r12', slot(0xbf, 1, 12), /invalid source register r12/, 0],
    ['truncated lddw', slot(0x18, 1, 0, 0, 5), /truncated lddw/, 0],
    ['lddw second slot with opcode', [...slot(0x18, 1), ...slot(0x95)], /second slot/, 8],
    ['lddw unknown pseudo source', [...slot(0x18, 1, 7), ...slot(0)], /unknown pseudo source 7/, 0],
  ];
  it.each(cases)('%s', (_, bytes, message, at) => {
    let err: unknown;
    try {
      decode(Uint8Array.from(bytes));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect(EbpfError.is(err) && err.code).toBe('DECODE');
    expect((err as DecodeError).message).toMatch(message);
    expect((err as DecodeError).byteOffset).toBe(at);
  });

  it('adds baseOffset to every reported offset', () => {
    expect(() => decode(Uint8Array.from(slot(0xff)), { baseOffset: 16 })).toThrow(/at byte 16/);
  });
});

describe('every opcode byte', () => {
  it('decodes exactly when the mnemonic table knows it, and re-encodes byte for byte', () => {
    const valid = new Set<number>();
    for (let code = 0; code < 256; code++) {
      if (code === 0x18) continue;
      // selector fields chosen so that every existing opcode has a valid reading
      for (const [src, off, imm] of [[2, 0, 0], [2, 0, 16], [2, 8, 0], [0, 0, 0]] as const) {
        const b = slot(code, 1, src, off, imm);
        const known = findMnemonic({ code, src, off, imm });
        if (known && !known.seedOnly) {
          valid.add(code);
          expect([...encode(decode(Uint8Array.from(b)))]).toEqual(b);
        } else {
          expect(() => decode(Uint8Array.from(b)), `0x${code.toString(16)}`).toThrow(DecodeError);
        }
      }
    }
    expect(valid.size).toBe(new Set(MNEMONICS.filter((m) => !m.seedOnly && m.code !== 0x18).map((m) => m.code)).size);
    expect(valid.size).toBeGreaterThan(120);
  });

  it('keeps unused fields so that bytes round-trip, and reports them as reserved', () => {
    const bytes = Uint8Array.from(slot(0x07, 1, 5, 9, 3)); // add64 imm with src=5, off=9
    const [i] = decode(bytes);
    expect(i).toEqual(insn({ code: 0x07, dst: 1, src: 5, off: 9, imm: 3 }));
    expect([...encode([i!])]).toEqual([...bytes]);
    expect(reservedFieldInUse(i!)).toBe('src');
    expect(reservedFieldInUse(insn({ code: 0x95, imm: 1 }))).toBe('imm');
    expect(reservedFieldInUse(insn({ code: 0xdb, dst: 1, src: 2, imm: 1 }))).toBeUndefined();
  });
});

describe('lddw', () => {
  it('is one Insn with the whole 64-bit immediate, occupying two slots', () => {
    const bytes = Uint8Array.from([...slot(0x18, 3, 0, 0, 0x55667788), ...slot(0, 0, 0, 0, 0x11223344), ...EXIT]);
    const out = decode(bytes);
    expect(out).toHaveLength(2);
    expect(out[0]!.imm64).toBe(0x1122334455667788n);
    expect(out[0]!.imm).toBe(0x55667788);
    expect([...encode(out)]).toEqual([...bytes]);
  });
});

describe('encode', () => {
  it.each([
    ['dst above 15', insn({ code: 0xb7, dst: 16 }), /dst 16/],
    ['offset outside int16', insn({ code: 0x05, off: 40000 }), /offset 40000/],
    ['immediate outside 32 bits', insn({ code: 0xb7, imm: 2 ** 32 }), /immediate 4294967296/],
    ['fractional immediate', insn({ code: 0xb7, imm: 1.5 }), /immediate 1.5/],
  ])('rejects %s', (_, i, message) => {
    expect(() => encode([insn({ code: 0xb7 }), i])).toThrow(EncodeError);
    expect(() => encode([insn({ code: 0xb7 }), i])).toThrow(message);
    expect(() => encode([insn({ code: 0xb7 }), i])).toThrow(/^insn 1: /);
  });

  it('writes opcodes the decoder refuses (hostile-input tests need them)', () => {
    expect([...encode([insn({ code: 0x8f })])]).toEqual(slot(0x8f));
  });
});
