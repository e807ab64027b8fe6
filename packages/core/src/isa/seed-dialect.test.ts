// The seed dialect's own opcode table: every seed opcode decodes into the RFC model and encodes
// back to the same bytes; RFC-only instructions have no seed encoding.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../errors.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { EncodeError } from './encode-error.js';
import { insn } from './insn.js';
import { SEED_OPCODES } from './seed-dialect.js';

function slot(code: number, dst = 0, src = 0, off = 0, imm = 0): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint8(0, code);
  v.setUint8(1, (src << 4) | dst);
  v.setInt16(2, off, true);
  v.setInt32(4, imm, true);
  return b;
}

describe('seed opcodes', () => {
  it('are the 2013 set: 12 ALU ops x K/X + neg, bswap32/64; 7 jumps x K/X + ja, call; ret; 4 sizes x 4 modes', () => {
    expect(SEED_OPCODES.length).toBe(12 * 2 + 3 + 7 * 2 + 2 + 1 + 4 * 4);
  });

  it.each(SEED_OPCODES.map((c) => [`0x${c.toString(16).padStart(2, '0')}`, c] as const))('%s round-trips', (_, code) => {
    const bytes = code === 0x85 ? slot(code, 0, 0, 0, 5) : slot(code, 1, 2, 0, 0);
    const [i] = decode(bytes, { dialect: 'seed' });
    expect(encode([i!], { dialect: 'seed' })).toEqual(bytes);
  });

  it.each([
    ['ALU add (64-bit in the seed)', 0x0c, 0x0f],
    ['neg needs BPF_X', 0x8c, 0x87],
    ['ret', 0x06, 0x95],
    ['ja with BPF_X', 0x0d, 0x05],
    ['LDX REL dw', 0xd9, 0x79],
    ['ST REL w', 0xc2, 0x62],
    ['STX REL b', 0xd3, 0x73],
    ['XADD w', 0xe3, 0xc3],
    ['XADD b (seed-only in the model)', 0xf3, 0xd3],
    ['XADD h (seed-only in the model)', 0xeb, 0xcb],
  ])('%s: 0x%s → RFC 0x%s', (_, seed, rfc) => {
    expect(decode(slot(seed, 1, 2), { dialect: 'seed' })[0]!.code).toBe(rfc);
  });

  it('maps bswap32/64 to the RFC bswap with its width in imm', () => {
    expect(decode(slot(0xdc, 3), { dialect: 'seed' })[0]).toEqual(insn({ code: 0xd7, dst: 3, imm: 32 }));
    expect(decode(slot(0xec, 3), { dialect: 'seed' })[0]).toEqual(insn({ code: 0xd7, dst: 3, imm: 64 }));
  });

  it('keeps the call imm (strtab offset) without a string table', () => {
    expect(decode(slot(0x85, 0, 0, 0, 18), { dialect: 'seed' })[0]).toEqual(insn({ code: 0x85, imm: 18 }));
  });

  it.each([
    ['lddw', 0x18],
    ['exit is 0x06 in the seed', 0x95],
    ['jlt did not exist', 0xa5],
    ['32-bit ALU did not exist', 0x07],
    ['ja with BPF_K', 0x05],
    ['RET with BPF_X', 0x0e],
    ['LDX MEM (the seed used REL)', 0x61],
  ])('refuses %s (0x%s)', (_, code) => {
    expect(() => decode(slot(code), { dialect: 'seed' })).toThrow(DecodeError);
  });

  it('refuses a call with a src field (it would read as a local call)', () => {
    expect(() => decode(slot(0x85, 0, 1, 0, 1), { dialect: 'seed' })).toThrow(/call must have source register field 0/);
  });

  it.each([
    ['lddw', insn({ code: 0x18, imm64: 1n })],
    ['a 32-bit ALU op', insn({ code: 0x04 })],
    ['jlt', insn({ code: 0xa5 })],
    ['bswap16', insn({ code: 0xd7, imm: 16 })],
    ['atomic fetch add', insn({ code: 0xdb, imm: 1 })],
  ])('has no encoding for %s', (_, i) => {
    expect(() => encode([insn({ code: 0x07 }), i], { dialect: 'seed' })).toThrow(EncodeError);
    expect(() => encode([insn({ code: 0x07 }), i], { dialect: 'seed' })).toThrow(/^insn 1: /);
  });
});
