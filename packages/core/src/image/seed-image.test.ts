// The seed's example images decode to exactly the instruction lists of filter_ex1.c and
// filter_ex2.c (patch 5/5 of the seed thread), with their tables and function names, and encode
// back byte for byte; every size check of bpf_load_image has a hostile image that trips it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProgram } from '../asm/format.js';
import { DecodeError } from '../errors.js';
import { insn, type Insn } from '../isa/insn.js';
import { ImageError } from './image-error.js';
import { decodeSeedImage, encodeSeedImage } from './seed-image.js';

const testdata = (name: string): string => fileURLToPath(new URL(`../../testdata/seed/${name}`, import.meta.url));
const ex1 = new Uint8Array(readFileSync(testdata('filter_ex1.bpf')));
const ex2 = new Uint8Array(readFileSync(testdata('filter_ex2.bpf')));

// The seed's BPF_INSN_* macros (include/linux/bpf.h), written out as the RFC 9669 model they must
// decode to. Spelled with literal opcodes on purpose: independent of seed-dialect.ts's table.
const W = 0x00, DW = 0x18; // prettier-ignore
const MOV = 0xb0, ADD = 0x00, MOD = 0x90, JEQ = 0x10, JNE = 0x50, JA = 0x00; // prettier-ignore
const R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, FP = 10; // prettier-ignore
const ST_IMM = (size: number, a: number, off: number, imm: number): Insn => insn({ code: 0x62 | size, dst: a, off, imm });
const LD = (size: number, a: number, x: number, off: number): Insn => insn({ code: 0x61 | size, dst: a, src: x, off });
const ST = (size: number, a: number, off: number, x: number): Insn => insn({ code: 0x63 | size, dst: a, src: x, off });
const XADD = (size: number, a: number, off: number, x: number): Insn => insn({ code: 0xc3 | size, dst: a, src: x, off, imm: 0 });
const ALU = (op: number, a: number, x: number): Insn => insn({ code: 0x07 | op | 0x08, dst: a, src: x });
const ALU_IMM = (op: number, a: number, imm: number): Insn => insn({ code: 0x07 | op, dst: a, imm });
const JUMP_IMM = (op: number, a: number, imm: number, off: number): Insn => insn({ code: 0x05 | op, dst: a, imm, off });
const JUMP = (op: number, a: number, x: number, off: number): Insn => insn({ code: 0x05 | op, dst: a, src: x, off });
const CALL = (strtabOffset: number, helperName: string): Insn => insn({ code: 0x85, imm: strtabOffset, helperName });
const RET = (): Insn => insn({ code: 0x95 });

const filterEx1 = [
  ST_IMM(W, FP, -20, 28524),
  LD(DW, R6, R1, 104),
  ALU(MOV, R1, R6),
  ALU_IMM(ADD, R1, 32),
  CALL(1, 'bpf_load_pointer'),
  ALU(MOV, R7, R0),
  ALU_IMM(MOV, R3, 2),
  ALU(MOV, R2, FP),
  ALU_IMM(ADD, R2, -20),
  ALU(MOV, R1, R7),
  CALL(18, 'bpf_memcmp'),
  JUMP_IMM(JNE, R0, 0, 11),
  ST_IMM(W, FP, -16, 543320947),
  ST_IMM(W, FP, -12, 1679847461),
  ST_IMM(W, FP, -8, 622884453),
  ST_IMM(W, FP, -4, 663664),
  ALU_IMM(MOV, R5, 0),
  ALU(MOV, R4, R7),
  ALU(MOV, R3, R6),
  ALU_IMM(MOV, R2, 16),
  ALU(MOV, R1, FP),
  ALU_IMM(ADD, R1, -16),
  CALL(29, 'bpf_trace_printk'),
  RET(),
];

const filterEx2 = [
  ALU(MOV, R6, R1),
  ST_IMM(DW, FP, -32, 0),
  LD(DW, R1, R6, 104),
  ALU_IMM(ADD, R1, 32),
  CALL(1, 'bpf_load_pointer'),
  ALU(MOV, R7, R0),
  ST(DW, FP, -32, R7),
  ALU(MOV, R3, FP),
  ALU_IMM(ADD, R3, -32),
  ALU_IMM(MOV, R2, 0),
  ALU(MOV, R1, R6),
  CALL(18, 'bpf_table_lookup'),
  JUMP_IMM(JEQ, R0, 0, 18),
  ALU_IMM(MOV, R1, 1),
  XADD(DW, R0, 0, R1),
  LD(DW, R1, R0, 0),
  ALU_IMM(MOD, R1, 10000),
  JUMP_IMM(JNE, R1, 0, 21),
  ST_IMM(W, FP, -24, 544630116),
  ST_IMM(W, FP, -20, 538996773),
  ST_IMM(W, FP, -16, 1601465200),
  ST_IMM(W, FP, -12, 544501347),
  ST_IMM(W, FP, -8, 680997),
  ALU_IMM(MOV, R5, 0),
  LD(DW, R4, R0, 0),
  ALU(MOV, R3, R7),
  ALU_IMM(MOV, R2, 20),
  ALU(MOV, R1, FP),
  ALU_IMM(ADD, R1, -24),
  CALL(35, 'bpf_trace_printk'),
  JUMP(JA, 0, 0, 8),
  ST_IMM(DW, FP, -24, 0),
  ALU(MOV, R4, FP),
  ALU_IMM(ADD, R4, -24),
  ALU(MOV, R3, FP),
  ALU_IMM(ADD, R3, -32),
  ALU_IMM(MOV, R2, 0),
  ALU(MOV, R1, R6),
  CALL(52, 'bpf_table_update'),
  RET(),
];

describe.each([
  ['filter_ex1', ex1, filterEx1, []],
  ['filter_ex2', ex2, filterEx2, [{ name: 'table0', type: 'hash', keySize: 8, valueSize: 8, maxEntries: 4096, flags: 0, param1: 0 }]],
] as const)('%s.bpf', (name, bytes, expected, maps) => {
  const spec = decodeSeedImage(bytes, { name });

  it(`decodes to the seed's ${expected.length} instructions, one by one`, () => {
    expect(spec.insns).toHaveLength(expected.length);
    spec.insns.forEach((got, i) => expect(got, `insn ${i}`).toEqual(expected[i]));
    expect(spec).toMatchObject({ name, dialect: 'seed', license: 'GPL', maps });
  });

  it('encodes back byte for byte, keeping or rebuilding the string table', () => {
    expect(encodeSeedImage(spec)).toEqual(bytes);
    const { strtab: _dropped, ...withoutStrtab } = spec;
    expect(encodeSeedImage(withoutStrtab)).toEqual(bytes);
  });

  it('disassembles as the golden files say', async () => {
    await expect(formatProgram(spec.insns, { syntax: 'kernel' }).join('\n') + '\n').toMatchFileSnapshot(testdata(`${name}.kernel.txt`));
    await expect(formatProgram(spec.insns, { syntax: 'asm' }).join('\n') + '\n').toMatchFileSnapshot(testdata(`${name}.asm.txt`));
  });
});

/** Returns a copy of `bytes` with a little-endian 32-bit field set. */
function patch32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setInt32(at, value, true);
  return out;
}
const TABLE = 16 + 320; // filter_ex2: start of its one table record
const STRTAB = TABLE + 20;

describe('malformed seed images', () => {
  const cases: Array<[string, Uint8Array, RegExp, number]> = [
    ['too short', ex1.slice(0, 20), /too short: 20 bytes/, 0],
    ['bad magic', Uint8Array.from([...ex1.slice(0, 3), 0x21, ...ex1.slice(4)]), /magic/, 0],
    ['no instructions', patch32(ex1, 4, 0), /insn section size 0 must be positive/, 4],
    ['insn size not a multiple of 8', patch32(ex1, 4, 13), /not a multiple of 8/, 4],
    ['too many instructions', patch32(ex1, 4, 4097 * 8), /4097 instructions exceed .* 4096/, 4],
    ['negative table size', patch32(ex2, 8, -20), /table section size -20 is negative/, 8],
    ['table size not a multiple of 20', patch32(ex2, 8, 21), /not a multiple of 20/, 8],
    ['too many tables', patch32(ex2, 8, 65 * 20), /65 tables exceed .* 64/, 8],
    ['negative string table size', patch32(ex1, 12, -1), /string table size -1 is negative/, 12],
    ['string table too big', patch32(ex1, 12, 1025), /1025 exceeds .* 1024/, 12],
    ['sizes do not add up', Uint8Array.from([...ex1, 0]), /do not match the image size 255/, 4],
    ['string table without final NUL', Uint8Array.from([...ex1.slice(0, -1), 0x41]), /does not end with a NUL/, 253],
    ['empty string table', Uint8Array.from([...patch32(ex1, 12, 0).slice(0, 16 + 192)]), /string table is empty/, 208],
    ['unknown table type', patch32(ex2, TABLE, 7), /table 0: unknown type 7/, TABLE],
    ['table key size 0', patch32(ex2, TABLE + 4, 0), /table 0: key_size is 0/, TABLE + 4],
    ['table elem size 0', patch32(ex2, TABLE + 8, 0), /table 0: elem_size is 0/, TABLE + 8],
    ['table max entries 0', patch32(ex2, TABLE + 12, 0), /table 0: max_entries is 0/, TABLE + 12],
  ];
  it.each(cases)('%s', (_, bytes, message, at) => {
    const run = (): unknown => decodeSeedImage(bytes);
    expect(run).toThrow(ImageError);
    expect(run).toThrow(message);
    expect(run).toThrow(`(at byte ${at})`);
  });

  const insnCases: Array<[string, Uint8Array, RegExp, number]> = [
    ['call outside the string table', patch32(ex1, 16 + 4 * 8 + 4, 46), /function name offset 46 is outside the string table/, 16 + 32],
    ['call at offset 0', patch32(ex1, 16 + 4 * 8 + 4, 0), /offset 0 is outside/, 16 + 32],
    ['lddw is not a seed instruction', Uint8Array.from([...ex1.slice(0, 16), 0x18, ...ex1.slice(17)]), /unknown seed-dialect opcode 0x18/, 16],
    ['ja must use BPF_X', Uint8Array.from([...ex1.slice(0, 16), 0x05, ...ex1.slice(17)]), /unknown seed-dialect opcode 0x05/, 16],
    ['register r12', Uint8Array.from([...ex1.slice(0, 16 + 9), 0x6c, ...ex1.slice(16 + 10)]), /invalid destination register r12/, 24],
    ['xadd with an immediate', patch32(ex2, 16 + 14 * 8 + 4, 1), /xadd must have immediate 0/, 16 + 14 * 8],
    ['mod with an offset', Uint8Array.from([...ex2.slice(0, 16 + 16 * 8 + 2), 1, ...ex2.slice(16 + 16 * 8 + 3)]), /must have offset 0, not 1/, 16 + 16 * 8],
  ];
  it.each(insnCases)('%s', (_, bytes, message, at) => {
    const run = (): unknown => decodeSeedImage(bytes);
    expect(run).toThrow(DecodeError);
    expect(run).toThrow(message);
    expect(run).toThrow(`(at byte ${at})`);
  });

  it('reads a call into the middle of a name as that suffix, as the seed would', () => {
    expect(decodeSeedImage(patch32(ex1, 16 + 4 * 8 + 4, 5)).insns[4]!.helperName).toBe('load_pointer');
  });
});
