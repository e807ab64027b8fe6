/**
 * Malformed and hostile ELF objects, built programmatically from a valid one with one thing
 * broken each: every case must fail with an ElfError whose message names the section/field,
 * never a crash, a hang or a generic exception. Plus the valid baseline and a conformance-style
 * object (ELFIO layout: `main` in `.text`, symbol names in `.shstrtab`).
 */
import { describe, expect, it } from 'vitest';
import { EbpfError } from '../src/errors.js';
import { decodeAny } from '../src/image/load.js';
import { decodeElf, ElfError, readElfObject } from '../src/image/elf/index.js';
import { LdImmSrc } from '../src/isa/opcodes.js';
import { buildElf, insnBytes, R_BPF, SHF, SHT, STB, STT, u32s, type ObjectDef, type SectionDef, type SymbolDef } from './elf-builder.js';

const LDDW = 0x18;
// lddw r1, 0 (two slots); call 1; mov r0, 0; exit
const MAIN = insnBytes([[LDDW, 0x01, 0, 0], [0, 0, 0, 0], [0x85, 0, 0, 1], [0xb7, 0, 0, 0], [0x95, 0, 0, 0]]);

interface BaseOverrides {
  text?: Uint8Array;
  maps?: Uint8Array;
  extraSections?: SectionDef[];
  symbols?: SymbolDef[];
  extraSymbols?: SymbolDef[];
  relocs?: ObjectDef['relocs'];
}

function base(o: BaseOverrides = {}): ObjectDef {
  const text = o.text ?? MAIN;
  return {
    sections: [
      { name: 'kprobe/x', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXEC, data: text },
      { name: 'maps', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: o.maps ?? u32s(1, 4, 8, 16, 0) },
      { name: 'license', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: new TextEncoder().encode('GPL\0'), align: 1 },
      ...(o.extraSections ?? []),
    ],
    symbols: o.symbols ?? [
      { name: 'prog', section: 'kprobe/x', size: text.length, type: STT.FUNC },
      { name: 'my_map', section: 'maps', size: 20, type: STT.OBJECT },
      ...(o.extraSymbols ?? []),
    ],
    relocs: o.relocs ?? { 'kprobe/x': [{ offset: 0, symbol: 'my_map', type: R_BPF.R_64_64 }] },
  };
}

/** Builds `def` and applies `poke` to the bytes. */
function make(def: ObjectDef, poke?: (b: Uint8Array, v: DataView, o: ReturnType<typeof buildElf>) => void): Uint8Array {
  const o = buildElf(def);
  const b = o.bytes.slice();
  poke?.(b, new DataView(b.buffer), o);
  return b;
}

describe('the valid baseline', () => {
  it('decodes one program with its map resolved to MAP_BY_IDX', () => {
    const obj = readElfObject(make(base()));
    expect(obj.license).toBe('GPL');
    expect(obj.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries])).toEqual([['my_map', 'hash', 4, 8, 16]]);
    const [p] = obj.programs;
    expect(p!.name).toBe('prog');
    expect(p!.section).toBe('kprobe/x');
    expect(p!.subsystemHint).toBe('trace');
    expect(p!.insns[0]!.src).toBe(LdImmSrc.MAP_BY_IDX);
    expect(p!.insns[0]!.imm64).toBe(0n);
    expect(p!.maps.map((m) => m.name)).toEqual(['my_map']);
  });

  it('reads a bpf_conformance --elf object (ELFIO layout: main in .text, names in .shstrtab)', () => {
    const text = insnBytes([[0xb7, 0, 0, 42], [0x95, 0, 0, 0]]);
    const bytes = make({
      sections: [{ name: '.text', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXEC, data: text, align: 4 }],
      symbols: [{ name: 'main', section: '.text', size: text.length, type: STT.FUNC, bind: STB.GLOBAL }],
      sharedStrtab: true,
    });
    const [p, ...rest] = decodeAny(bytes);
    expect(rest).toHaveLength(0);
    expect(p!.name).toBe('main');
    expect(p!.insns.map((i) => [i.code, i.imm])).toEqual([[0xb7, 42], [0x95, 0]]);
    expect(p!.license).toBe('');
  });
});

interface Case {
  readonly name: string;
  readonly bytes: () => Uint8Array;
  /** Pattern the message must match (names the section/field). */
  readonly error: RegExp;
}

const hdr = (field: number, width: 1 | 2 | 4 | 8, value: number | bigint) => (b: Uint8Array, v: DataView) => {
  if (width === 1) b[field] = Number(value);
  else if (width === 2) v.setUint16(field, Number(value), true);
  else if (width === 4) v.setUint32(field, Number(value), true);
  else v.setBigUint64(field, BigInt(value), true);
};
const sh = (name: string, field: number, width: 4 | 8, value: number | bigint) => (b: Uint8Array, v: DataView, o: ReturnType<typeof buildElf>) => {
  if (width === 4) v.setUint32(o.header(name) + field, Number(value), true);
  else v.setBigUint64(o.header(name) + field, BigInt(value), true);
};

const cases: Case[] = [
  { name: 'empty file', bytes: () => new Uint8Array(0), error: /ELF header: truncated/ },
  { name: 'truncated header', bytes: () => make(base()).subarray(0, 40), error: /ELF header: truncated: 40 bytes/ },
  { name: 'bad magic', bytes: () => make(base(), hdr(1, 1, 0x46)), error: /e_ident: not an ELF file/ },
  { name: 'ELFCLASS32', bytes: () => make(base(), hdr(4, 1, 1)), error: /EI_CLASS.*not ELFCLASS64/ },
  { name: 'big-endian', bytes: () => make(base(), hdr(5, 1, 2)), error: /EI_DATA.*not little-endian/ },
  { name: 'EI_VERSION 2', bytes: () => make(base(), hdr(6, 1, 2)), error: /EI_VERSION/ },
  { name: 'executable, not relocatable', bytes: () => make(base(), hdr(16, 2, 2)), error: /e_type: type 2 is not ET_REL/ },
  { name: 'x86-64 object', bytes: () => make(base(), hdr(18, 2, 62)), error: /e_machine: machine 62 is not EM_BPF/ },
  { name: 'no section header table', bytes: () => make(base(), (b, v) => { hdr(40, 8, 0)(b, v); hdr(60, 2, 0)(b, v); }), error: /e_shoff: the object has no section header table/ },
  { name: 'section headers past the end', bytes: () => make(base(), hdr(40, 8, 1 << 20)), error: /e_shoff: section header table at 1048576 is past the end/ },
  { name: 'section header table inside the ELF header', bytes: () => make(base(), hdr(40, 8, 8)), error: /e_shoff: 8 overlaps the ELF header/ },
  { name: 'e_shoff beyond 2^53', bytes: () => make(base(), hdr(40, 8, 1n << 62n)), error: /e_shoff: value 0x4000000000000000 is too large/ },
  { name: 'wrong e_shentsize', bytes: () => make(base(), hdr(58, 2, 40)), error: /e_shentsize: is 40, expected 64/ },
  { name: 'huge e_shnum', bytes: () => make(base(), hdr(60, 2, 65535)), error: /e_shnum: 65535 section headers .* run past the end/ },
  { name: 'e_shstrndx out of range', bytes: () => make(base(), hdr(62, 2, 200)), error: /e_shstrndx: section name table index 200 is not a section/ },
  { name: 'e_shstrndx names a non-string table', bytes: () => make(base(), (b, v, o) => hdr(62, 2, o.index('maps'))(b, v)), error: /e_shstrndx: section name table has sh_type 1/ },
  { name: 'section offset past the end', bytes: () => make(base(), sh('maps', 24, 8, 1 << 24)), error: /section '#2': sh_offset\/sh_size: bytes 16777216\.\.16777236 are past the end/ },
  { name: 'huge section size', bytes: () => make(base(), sh('kprobe/x', 32, 8, 1n << 60n)), error: /sh_size: value 0x1000000000000000 is too large/ },
  { name: 'overlapping sections', bytes: () => make(base(), (b, v, o) => sh('maps', 24, 8, o.dataOffset('kprobe/x') + 8)(b, v, o)), error: /overlap section 'kprobe\/x'/ },
  { name: 'section overlapping the ELF header', bytes: () => make(base(), sh('license', 24, 8, 16)), error: /section 'license': sh_offset: bytes 16\.\.20 overlap the ELF header/ },
  { name: 'section name offset past the name table', bytes: () => make(base(), sh('maps', 0, 4, 100000)), error: /section '#2': sh_name: string offset 100000 is outside/ },
  { name: 'name table without a final NUL', bytes: () => make(base(), (b, v, o) => { const off = o.dataOffset('.shstrtab'); const size = Number(v.getBigUint64(o.header('.shstrtab') + 32, true)); b[off + size - 1] = 0x41; sh('.shstrtab', 0, 4, size - 2)(b, v, o); }), error: /sh_name: string at offset \d+ is not NUL-terminated/ },
  { name: 'symbol table entry size wrong', bytes: () => make(base(), sh('.symtab', 56, 8, 16)), error: /section '.symtab': sh_entsize: is 16, expected 24/ },
  { name: 'symbol table size not a multiple of 24', bytes: () => make(base(), (b, v, o) => sh('.symtab', 32, 8, Number(v.getBigUint64(o.header('.symtab') + 32, true)) - 5)(b, v, o)), error: /section '.symtab': sh_size: \d+ is not a multiple of 24/ },
  { name: 'symbol table linked to a non-string table', bytes: () => make(base(), (b, v, o) => sh('.symtab', 40, 4, o.index('maps'))(b, v, o)), error: /section '.symtab': sh_link: string table index \d+ is not a string table/ },
  { name: 'symbol name offset past the string table', bytes: () => make(base(), (b, v, o) => v.setUint32(o.dataOffset('.symtab') + 24, 99999, true)), error: /section '.strtab': symbol 1 st_name: string offset 99999 is outside/ },
  { name: 'symbol in a section that does not exist', bytes: () => make(base(), (b, v, o) => v.setUint16(o.dataOffset('.symtab') + 48 + 6, 300, true)), error: /section '.symtab': symbol 2 'my_map' st_shndx: section index 300 does not exist/ },
  { name: 'relocation against a missing symbol', bytes: () => make(base({ relocs: { 'kprobe/x': [{ offset: 0, symbol: 77, type: R_BPF.R_64_64 }] } })), error: /section '.relkprobe\/x': relocation 0 r_info: symbol index 77 does not exist/ },
  { name: 'R_BPF_64_64 not on an ld_imm64', bytes: () => make(base({ relocs: { 'kprobe/x': [{ offset: 16, symbol: 'my_map', type: R_BPF.R_64_64 }] } })), error: /section 'kprobe\/x': relocation 0 against 'my_map': R_BPF_64_64 at insn 2 is not on an ld_imm64 instruction/ },
  { name: 'R_BPF_64_32 not on a call', bytes: () => make(base({ relocs: { 'kprobe/x': [{ offset: 24, symbol: 'prog', type: R_BPF.R_64_32 }] } })), error: /R_BPF_64_32 at insn 3 is not on a call instruction/ },
  { name: 'relocation offset past the section', bytes: () => make(base({ relocs: { 'kprobe/x': [{ offset: 4096, symbol: 'my_map', type: R_BPF.R_64_64 }] } })), error: /relocation 0 against 'my_map': offset 4096 is not an instruction of the section/ },
  { name: 'misaligned relocation offset', bytes: () => make(base({ relocs: { 'kprobe/x': [{ offset: 3, symbol: 'my_map', type: R_BPF.R_64_64 }] } })), error: /offset 3 is not an instruction/ },
  { name: 'unknown relocation type in code', bytes: () => make(base({ relocs: { 'kprobe/x': [{ offset: 0, symbol: 'my_map', type: 99 }] } })), error: /relocation type 99 is not valid in code/ },
  { name: 'relocation entry size wrong', bytes: () => make(base(), sh('.relkprobe/x', 56, 8, 24)), error: /section '.relkprobe\/x': sh_entsize: is 24, expected 16/ },
  { name: 'relocation table for a missing section', bytes: () => make(base(), sh('.relkprobe/x', 44, 4, 999)), error: /section '.relkprobe\/x': sh_info: target section index 999 does not exist/ },
  { name: 'huge relocation count', bytes: () => make(base(), sh('.relkprobe/x', 32, 8, 16 * 1_000_000)), error: /sh_offset\/sh_size: bytes .* are past the end of the file/ },
  { name: 'unresolved call to memset', bytes: () => make(base({
    text: insnBytes([[0x85, 0x10, 0, -1], [0x95, 0, 0, 0]]),
    extraSymbols: [{ name: 'memset', section: 0, type: STT.NOTYPE }],
    relocs: { 'kprobe/x': [{ offset: 0, symbol: 'memset', type: R_BPF.R_64_32 }] },
  })), error: /section 'kprobe\/x': insn 0: unresolved call to 'memset'/ },
  { name: 'call to no function', bytes: () => make(base({ text: insnBytes([[0x85, 0x10, 0, 100], [0xb7, 0, 0, 0], [0x95, 0, 0, 0]]), relocs: {} })), error: /insn 0: call target byte 808 of section 'kprobe\/x' is not the start of a function/ },
  { name: 'ld_imm64 relocation against a non-map section', bytes: () => make(base({ extraSymbols: [{ name: 'lic', section: 'license', type: STT.OBJECT, size: 4 }], relocs: { 'kprobe/x': [{ offset: 0, symbol: 'lic', type: R_BPF.R_64_64 }] } })), error: /relocation against 'lic': section 'license' offset 0 holds no map or global variable/ },
  { name: 'ld_imm64 relocation against an undefined variable', bytes: () => make(base({ extraSymbols: [{ name: 'CONFIG_HZ', section: 0, type: STT.NOTYPE }], relocs: { 'kprobe/x': [{ offset: 0, symbol: 'CONFIG_HZ', type: R_BPF.R_64_64 }] } })), error: /'CONFIG_HZ' is not defined in this object/ },
  { name: 'code size not a multiple of 8', bytes: () => make(base({ text: MAIN.subarray(0, 36), relocs: {} })), error: /section 'kprobe\/x': sh_size: code size 36 is not a multiple of 8/ },
  { name: 'function symbol not on an instruction boundary', bytes: () => make(base({ symbols: [{ name: 'prog', section: 'kprobe/x', value: 4, size: 8, type: STT.FUNC }, { name: 'my_map', section: 'maps', size: 20, type: STT.OBJECT }] })), error: /function 'prog': starts at byte 4/ },
  { name: 'function past the end of its section', bytes: () => make(base({ symbols: [{ name: 'prog', section: 'kprobe/x', size: 4096, type: STT.FUNC }, { name: 'my_map', section: 'maps', size: 20, type: STT.OBJECT }] })), error: /function 'prog': bytes 0\.\.4096 are past the end of the section/ },
  { name: 'lddw cut off at the end of a function', bytes: () => make(base({ text: insnBytes([[0xb7, 0, 0, 0], [0x95, 0, 0, 0], [LDDW, 1, 0, 0]]), relocs: {} })), error: /ld_imm64 at the end of function 'prog' is truncated/ },
  { name: 'invalid opcode in a program', bytes: () => make(base({ text: insnBytes([[0xff, 0, 0, 0], [0x95, 0, 0, 0]]), relocs: {} })), error: /section 'kprobe\/x': function 'prog' insn 0: unknown opcode 0xff/ },
  { name: 'unsupported legacy map type', bytes: () => make(base({ maps: u32s(7, 4, 8, 16, 0) })), error: /section 'maps': map 'my_map' type: map type 7 \(BPF_MAP_TYPE_STACK_TRACE\) is not supported/ },
  { name: 'legacy map with key size 0', bytes: () => make(base({ maps: u32s(1, 0, 8, 16, 0) })), error: /map 'my_map' key_size: is 0/ },
  { name: 'legacy maps section that does not divide', bytes: () => make(base({ maps: new Uint8Array(21), extraSymbols: [{ name: 'm2', section: 'maps', value: 10, type: STT.OBJECT }] })), error: /section 'maps': sh_size: 21 bytes do not divide into 2 map definitions/ },
  { name: 'huge .bss', bytes: () => make(base({ extraSections: [{ name: '.bss', type: SHT.NOBITS, flags: SHF.ALLOC | SHF.WRITE, size: 1 << 30 }] })), error: /section '.bss': sh_size: global data of 1073741824 bytes is larger than/ },
  { name: '.maps without BTF', bytes: () => make(base({ extraSections: [{ name: '.maps', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: new Uint8Array(32) }], extraSymbols: [{ name: 'm2', section: '.maps', size: 32, type: STT.OBJECT }] })), error: /section '.maps': BTF: BTF-defined maps need a .BTF section/ },
  { name: 'BTF with a bad magic', bytes: () => make(base({ extraSections: [{ name: '.BTF', type: SHT.PROGBITS, data: u32s(0x0101eb9e, 24, 0, 0, 0, 0) }] })), error: /section '.BTF': magic: 0xeb9e/ },
  { name: 'BTF types past the end', bytes: () => make(base({ extraSections: [{ name: '.BTF', type: SHT.PROGBITS, data: u32s(0x0101eb9f, 24, 0, 1000, 0, 1, 0) }] })), error: /section '.BTF': type_off\/type_len: types 0\.\.1000 are past the end/ },
  { name: 'BTF type referring to a missing type', bytes: () => make(base({ extraSections: [{ name: '.BTF', type: SHT.PROGBITS, data: btf([[0, 2 << 24, 55]]) }] })), error: /section '.BTF': type \[1\] type: refers to type id 55/ },
  { name: 'BTF.ext with a bad record size', bytes: () => make(base({ extraSections: [
    { name: '.BTF', type: SHT.PROGBITS, data: btf([]) },
    { name: '.BTF.ext', type: SHT.PROGBITS, data: u32s(0x0101eb9f, 32, 0, 8, 0, 0, 0, 0, 3, 0) },
  ] })), error: /section '.BTF.ext': func_info rec_size: 3 is not a valid record size/ },
  { name: 'BTF.ext record count past the end', bytes: () => make(base({ extraSections: [
    { name: '.BTF', type: SHT.PROGBITS, data: btf([]) },
    { name: '.BTF.ext', type: SHT.PROGBITS, data: u32s(0x0101eb9f, 32, 0, 12, 0, 0, 0, 0, 8, 0, 0x7fffffff) },
  ] })), error: /func_info block 0 \(''\) num_info: 2147483647 records/ },
  { name: 'two symbol tables', bytes: () => make(base({ extraSections: [{ name: '.symtab2', type: SHT.SYMTAB, data: new Uint8Array(24), link: '.strtab', entsize: 24 }] })), error: /section '.symtab2?': sh_type: more than one symbol table/ },
  { name: 'RELA relocations', bytes: () => make(base({ extraSections: [{ name: '.rela.x', type: SHT.RELA, data: new Uint8Array(24), entsize: 24 }] })), error: /section '.rela.x': sh_type: SHT_RELA relocations are not used/ },
  { name: 'license without NUL', bytes: () => make(base(), (b, v, o) => { b[o.dataOffset('license') + 3] = 0x21; }), error: /section 'license': license string: string at offset 0 is not NUL-terminated/ },
];

/** A .BTF section with raw type records `[name_off, info, size_or_type, ...extra]`. */
function btf(types: number[][]): Uint8Array {
  const words = types.flat();
  const strs = [0];
  return new Uint8Array([...u32s(0x0101eb9f, 24, 0, words.length * 4, words.length * 4, strs.length), ...u32s(...words), ...strs]);
}

describe('hostile ELF objects', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('$name → a clear ElfError', ({ bytes, error }) => {
    let thrown: unknown;
    try {
      decodeElf(bytes());
    } catch (e) {
      thrown = e;
    }
    expect(thrown, 'must throw').toBeDefined();
    expect(EbpfError.is(thrown), `not an EbpfError: ${String(thrown)}`).toBe(true);
    expect(thrown).toBeInstanceOf(ElfError);
    expect((thrown as Error).message).toMatch(/^elf: /);
    expect((thrown as Error).message).toMatch(error);
  });

  it('selecting a missing section or program names what exists', () => {
    expect(() => decodeElf(make(base()), { section: 'xdp' })).toThrow(/section 'xdp': no such program in the object \(programs: kprobe\/x:prog\)/);
    expect(() => decodeElf(make(base()), { program: 'nope' })).toThrow(/program 'nope': no such program/);
  });
});
