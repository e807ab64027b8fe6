// Round trips over every entry of the mnemonic table: text → insn → bytes → insn → text, in both
// syntaxes' sense (asm text parses back; bytes decode back), for several operand values.
import { describe, expect, it } from 'vitest';
import { decode } from '../isa/decode.js';
import { encode } from '../isa/encode.js';
import { insn, type Insn } from '../isa/insn.js';
import { MNEMONICS, type Mnemonic } from '../isa/mnemonics.js';
import { formatInsn } from './format.js';
import { parseAsm } from './parse.js';

const variants = [
  { dst: 1, src: 2, off: -3, imm: 7, imm64: 0x1122334455667788n },
  { dst: 10, src: 9, off: 300, imm: -100000, imm64: 0xffffffffffffffffn },
  { dst: 0, src: 0, off: 0, imm: 0, imm64: 0n },
];

/** A valid instruction for table entry `m` built from one variant's operand values. */
function sample(m: Mnemonic, v: (typeof variants)[number]): Insn {
  const f = m.form;
  const usesDst = !['ja', 'gotol', 'call', 'call-local', 'call-kfunc', 'exit', 'ldabs', 'ldind'].includes(f);
  const usesSrc = ['alu-reg', 'ldx', 'stx', 'atomic', 'jmp-reg', 'ldind'].includes(f);
  const usesOff = ['ldx', 'st', 'stx', 'atomic', 'jmp-reg', 'jmp-imm', 'ja'].includes(f);
  const usesImm = ['alu-imm', 'st', 'jmp-imm', 'gotol', 'call', 'call-local', 'call-kfunc', 'ldabs', 'ldind'].includes(f);
  return insn({
    code: m.code,
    dst: usesDst ? v.dst : 0,
    src: m.src ?? (usesSrc ? v.src : 0),
    off: m.off ?? (usesOff ? v.off : 0),
    imm: m.imm ?? (usesImm ? v.imm : f === 'lddw' ? Number(BigInt.asIntN(32, v.imm64)) : 0),
    ...(f === 'lddw' ? { imm64: v.imm64 } : {}),
  });
}

const rfcEntries = MNEMONICS.filter((m) => !m.seedOnly);

describe('every mnemonic round-trips', () => {
  it.each(rfcEntries.map((m) => [`${m.name} (${m.form}, 0x${m.code.toString(16)})`, m] as const))('%s', (_, m) => {
    for (const v of variants) {
      const original = sample(m, v);
      const text = formatInsn(original);
      const parsed = parseAsm(text);
      expect(parsed, text).toEqual([original]);
      const bytes = encode(parsed);
      expect(bytes.length).toBe(m.form === 'lddw' ? 16 : 8);
      const back = decode(bytes);
      expect(back).toEqual([original]);
      expect(formatInsn(back[0]!)).toBe(text);
      expect(formatInsn(back[0]!, { syntax: 'kernel' })).not.toMatch(/invalid|undefined|NaN/);
    }
  });

  it('covers every RFC 9669 opcode byte the table defines', () => {
    const codes = new Set(rfcEntries.map((m) => m.code));
    // ALU64 14x2 + neg + 3 movsx + 3 bswap = 35; ALU 14x2 + neg + 2 movsx + 3 le + 3 be = 37;
    // JMP 11x2 + ja + 3 call kinds + callx + exit = 28; JMP32 11x2 + gotol = 23; lddw 1;
    // ldx 4 + ldxs 3 + st 4 + stx 4 + ldabs 3 + ldind 3 = 21; atomics 10 x 2 sizes = 20.
    expect(rfcEntries.length).toBe(35 + 37 + 28 + 23 + 1 + 21 + 20);
    for (const code of [0x07, 0x0f, 0x04, 0x0c, 0x87, 0x84, 0xd4, 0xdc, 0xd7, 0x05, 0x06, 0x85, 0x8d, 0x95, 0x18, 0x61, 0x81, 0xc3, 0xdb, 0x20, 0x40]) {
      expect(codes.has(code), `0x${code.toString(16)}`).toBe(true);
    }
    for (const code of [0x8c, 0x8f, 0xdf, 0x0d, 0x0e, 0x8e, 0x9d, 0x99, 0x38, 0x58, 0xd3, 0xcb, 0xe3]) {
      expect(codes.has(code), `0x${code.toString(16)} must not exist`).toBe(false);
    }
  });
});

describe('seed-only entries', () => {
  it.each(MNEMONICS.filter((m) => m.seedOnly).map((m) => [m.name, m] as const))('%s parses only in the seed dialect', (_, m) => {
    const original = sample(m, variants[0]!);
    const text = formatInsn(original);
    expect(() => parseAsm(text)).toThrow(/unknown mnemonic/);
    expect(parseAsm(text, { dialect: 'seed' })).toEqual([original]);
  });
});
