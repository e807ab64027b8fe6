/**
 * The ELF64 reader: header, section headers, string tables, symbols and relocation tables of a
 * little-endian relocatable BPF object (ET_REL, EM_BPF), with every size, offset and index
 * checked against the file before it is used. It knows nothing about BPF programs or maps; the
 * rest of `elf/` interprets the sections it returns.
 */
import { ElfError } from './elf-error.js';

/** `e_machine` of BPF objects. */
export const EM_BPF = 247;
/** `e_type` of relocatable objects. */
export const ET_REL = 1;

/** Section types the loader looks at. */
export const SectionType = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  NOBITS: 8,
  REL: 9,
} as const;

/** Section flags the loader looks at. */
export const SectionFlag = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;

/** Symbol types (`st_info & 0xf`). */
export const SymType = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
/** Symbol bindings (`st_info >> 4`). */
export const SymBind = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
/** Special section indexes. */
export const SHN = { UNDEF: 0, LORESERVE: 0xff00, ABS: 0xfff1, COMMON: 0xfff2, XINDEX: 0xffff } as const;

/** BPF relocation types. */
export const RelType = {
  NONE: 0,
  /** `ld_imm64` of a map or global: the 64-bit immediate. */
  R_BPF_64_64: 1,
  /** 64-bit absolute value in data. */
  R_BPF_64_ABS64: 2,
  /** 32-bit absolute value in data. */
  R_BPF_64_ABS32: 3,
  /** 32-bit value in DWARF/BTF.ext sections, not relocated when loading. */
  R_BPF_64_NODYLD32: 4,
  /** `call` to a subprogram: the 32-bit immediate. */
  R_BPF_64_32: 10,
} as const;

const EHDR_SIZE = 64;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const REL_SIZE = 16;

/** One section header, checked, with its bytes (empty for NOBITS). */
export interface ElfSection {
  readonly index: number;
  /** Name from the section header string table. */
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  /** Size in bytes (for NOBITS: the size in memory; no bytes in the file). */
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
  /** The section's bytes in the file (a view; empty for NOBITS). */
  readonly data: Uint8Array;
}

/** One symbol table entry, checked. */
export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly bind: number;
  readonly other: number;
  /** Section index (or SHN_* special value). */
  readonly shndx: number;
  readonly value: number;
  readonly size: number;
}

/** One relocation entry, checked against its symbol table. */
export interface ElfReloc {
  /** Position in the relocation section (for messages). */
  readonly index: number;
  /** Byte offset inside the target section. */
  readonly offset: number;
  readonly type: number;
  readonly symbol: ElfSymbol;
}

/** A relocation section and the section it applies to. */
export interface ElfRelocTable {
  readonly section: ElfSection;
  readonly target: ElfSection;
  readonly relocs: readonly ElfReloc[];
}

/** A parsed, checked ELF object. */
export interface ElfFile {
  readonly bytes: Uint8Array;
  readonly sections: readonly ElfSection[];
  /** Symbols of the (single) symbol table; index 0 is the null symbol. Empty when none. */
  readonly symbols: readonly ElfSymbol[];
  /** Relocation tables keyed by the index of the section they apply to. */
  readonly relocations: ReadonlyMap<number, ElfRelocTable>;
  /** Section by name (first one wins). */
  section(name: string): ElfSection | undefined;
}

/** Little-endian field reader over a byte range, throwing ElfError naming what it read. */
class Fields {
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array, private readonly section: string | undefined) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(off: number, n: number, field: string): void {
    if (off < 0 || off + n > this.bytes.length) {
      throw new ElfError(
        { ...(this.section !== undefined ? { section: this.section } : {}), field },
        `truncated: needs bytes ${off}..${off + n} but only ${this.bytes.length} are present`,
      );
    }
  }
  u8(off: number, field: string): number { this.need(off, 1, field); return this.view.getUint8(off); }
  u16(off: number, field: string): number { this.need(off, 2, field); return this.view.getUint16(off, true); }
  u32(off: number, field: string): number { this.need(off, 4, field); return this.view.getUint32(off, true); }
  /** A u64 that must fit a safe integer (offsets, sizes, addresses). */
  u64(off: number, field: string): number {
    this.need(off, 8, field);
    const hi = this.view.getUint32(off + 4, true);
    if (hi >= 0x200000) {
      const v = this.view.getBigUint64(off, true);
      throw new ElfError({ ...(this.section !== undefined ? { section: this.section } : {}), field }, `value 0x${v.toString(16)} is too large`);
    }
    return hi * 0x100000000 + this.view.getUint32(off, true);
  }
  /** A raw u64 (relocation info). */
  u64big(off: number, field: string): bigint { this.need(off, 8, field); return this.view.getBigUint64(off, true); }
}

/**
 * Reads a NUL-terminated string at `off` of a string table section.
 * @throws {@link ElfError} when the offset is outside the table or the string is unterminated.
 */
export function readString(table: ElfSection, off: number, field: string): string {
  if (table.type !== SectionType.STRTAB) {
    throw new ElfError({ section: table.name, field }, `is not a string table (sh_type ${table.type})`);
  }
  return cString(table.data, off, { section: table.name, field });
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Decodes `bytes[start, end)` as UTF-8; short ASCII strings (nearly every ELF/BTF name) skip
 * the TextDecoder, which costs far more than the loop for them.
 */
export function decodeName(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) return utf8.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(start, end));
}

/**
 * Reads a NUL-terminated string at `off` of `bytes`.
 * @throws {@link ElfError} (`where`) when `off` is out of range or no NUL follows.
 */
export function cString(bytes: Uint8Array, off: number, where: { section?: string; field?: string }): string {
  if (!Number.isInteger(off) || off < 0 || off >= bytes.length) {
    throw new ElfError(where, `string offset ${off} is outside the string table (${bytes.length} bytes)`);
  }
  const end = bytes.indexOf(0, off);
  if (end < 0) throw new ElfError(where, `string at offset ${off} is not NUL-terminated`);
  return decodeName(bytes, off, end);
}

/** Name of a section for messages even when the header is unreadable. */
function label(sections: readonly { name?: string }[], i: number): string {
  return sections[i]?.name ?? `#${i}`;
}

/**
 * Parses and checks an ELF64 LE relocatable BPF object.
 * @throws {@link ElfError} naming the section and field for any malformed or hostile input.
 */
export function readElf(bytes: Uint8Array): ElfFile {
  const f = new Fields(bytes, undefined);
  if (bytes.length < EHDR_SIZE) {
    throw new ElfError({ field: 'ELF header' }, `truncated: ${bytes.length} bytes, the header needs ${EHDR_SIZE}`);
  }
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError({ field: 'e_ident' }, 'not an ELF file (bad magic)');
  }
  if (bytes[4] !== 2) throw new ElfError({ field: 'e_ident[EI_CLASS]' }, `class ${bytes[4]} is not ELFCLASS64`);
  if (bytes[5] !== 1) throw new ElfError({ field: 'e_ident[EI_DATA]' }, `data encoding ${bytes[5]} is not little-endian`);
  if (bytes[6] !== 1) throw new ElfError({ field: 'e_ident[EI_VERSION]' }, `version ${bytes[6]} is not 1`);
  const type = f.u16(16, 'e_type');
  if (type !== ET_REL) throw new ElfError({ field: 'e_type' }, `type ${type} is not ET_REL (a relocatable object)`);
  const machine = f.u16(18, 'e_machine');
  if (machine !== EM_BPF) throw new ElfError({ field: 'e_machine' }, `machine ${machine} is not EM_BPF (247)`);
  const shoff = f.u64(40, 'e_shoff');
  const shentsize = f.u16(58, 'e_shentsize');
  let shnum = f.u16(60, 'e_shnum');
  let shstrndx = f.u16(62, 'e_shstrndx');
  if (shoff === 0) {
    if (shnum !== 0) throw new ElfError({ field: 'e_shoff' }, `is 0 but e_shnum is ${shnum}`);
    throw new ElfError({ field: 'e_shoff' }, 'the object has no section header table');
  }
  if (shentsize !== SHDR_SIZE) throw new ElfError({ field: 'e_shentsize' }, `is ${shentsize}, expected ${SHDR_SIZE}`);
  if (shoff < EHDR_SIZE) throw new ElfError({ field: 'e_shoff' }, `${shoff} overlaps the ELF header`);
  if (shoff + SHDR_SIZE > bytes.length) {
    throw new ElfError({ field: 'e_shoff' }, `section header table at ${shoff} is past the end of the file (${bytes.length} bytes)`);
  }
  // Extended numbering: the real counts live in section 0.
  if (shnum === 0) shnum = f.u64(shoff + 32, 'section 0 sh_size (extended e_shnum)');
  if (shstrndx === SHN.XINDEX) shstrndx = f.u32(shoff + 40, 'section 0 sh_link (extended e_shstrndx)');
  if (shnum > (bytes.length - shoff) / SHDR_SIZE) {
    throw new ElfError({ field: 'e_shnum' }, `${shnum} section headers of ${SHDR_SIZE} bytes at ${shoff} run past the end of the file (${bytes.length} bytes)`);
  }
  if (shstrndx === SHN.UNDEF || shstrndx >= shnum) {
    throw new ElfError({ field: 'e_shstrndx' }, `section name table index ${shstrndx} is not a section (there are ${shnum})`);
  }

  // Raw headers first (names need the name table).
  interface Raw { nameOff: number; type: number; flags: number; offset: number; size: number; link: number; info: number; addralign: number; entsize: number }
  const raws: Raw[] = [];
  for (let i = 0; i < shnum; i++) {
    const b = shoff + i * SHDR_SIZE;
    const w = (field: string) => `section header ${i} ${field}`;
    const raw: Raw = {
      nameOff: f.u32(b, w('sh_name')),
      type: f.u32(b + 4, w('sh_type')),
      flags: f.u64(b + 8, w('sh_flags')),
      offset: f.u64(b + 24, w('sh_offset')),
      size: f.u64(b + 32, w('sh_size')),
      link: f.u32(b + 40, w('sh_link')),
      info: f.u32(b + 44, w('sh_info')),
      addralign: f.u64(b + 48, w('sh_addralign')),
      entsize: f.u64(b + 56, w('sh_entsize')),
    };
    if (i === 0) { raws.push({ ...raw, type: SectionType.NULL, size: 0, offset: 0 }); continue; }
    if (raw.type !== SectionType.NOBITS && raw.size > 0 && raw.offset + raw.size > bytes.length) {
      throw new ElfError({ section: `#${i}`, field: 'sh_offset/sh_size' }, `bytes ${raw.offset}..${raw.offset + raw.size} are past the end of the file (${bytes.length} bytes)`);
    }
    raws.push(raw);
  }
  const strRaw = raws[shstrndx]!;
  if (strRaw.type !== SectionType.STRTAB) {
    throw new ElfError({ section: `#${shstrndx}`, field: 'e_shstrndx' }, `section name table has sh_type ${strRaw.type}, not SHT_STRTAB`);
  }
  const shstr = bytes.subarray(strRaw.offset, strRaw.offset + strRaw.size);

  const sections: ElfSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const r = raws[i]!;
    const name = i === 0 ? '' : cString(shstr, r.nameOff, { section: `#${i}`, field: 'sh_name' });
    const nobits = r.type === SectionType.NOBITS || r.type === SectionType.NULL;
    sections.push(Object.freeze({
      index: i, name, type: r.type, flags: r.flags, offset: r.offset, size: r.size,
      link: r.link, info: r.info, addralign: r.addralign, entsize: r.entsize,
      data: nobits ? new Uint8Array(0) : bytes.subarray(r.offset, r.offset + r.size),
    }));
  }
  checkOverlaps(sections, shoff, shnum);

  const symtabs = sections.filter((s) => s.type === SectionType.SYMTAB);
  if (symtabs.length > 1) throw new ElfError({ section: symtabs[1]!.name, field: 'sh_type' }, 'more than one symbol table');
  const symbols = symtabs.length ? readSymbols(symtabs[0]!, sections) : [];

  const relocations = new Map<number, ElfRelocTable>();
  for (const s of sections) {
    if (s.type === SectionType.RELA) {
      throw new ElfError({ section: s.name, field: 'sh_type' }, 'SHT_RELA relocations are not used by BPF objects (expected SHT_REL)');
    }
    if (s.type !== SectionType.REL) continue;
    const table = readRelocs(s, sections, symtabs[0], symbols);
    if (table === undefined) continue;
    if (relocations.has(table.target.index)) {
      throw new ElfError({ section: s.name, field: 'sh_info' }, `second relocation table for section '${table.target.name}'`);
    }
    relocations.set(table.target.index, table);
  }

  const byName = new Map<string, ElfSection>();
  for (const s of sections) if (s.index !== 0 && !byName.has(s.name)) byName.set(s.name, s);
  return Object.freeze({ bytes, sections, symbols, relocations, section: (n: string) => byName.get(n) });
}

/** Rejects section contents that overlap each other, the ELF header or the section header table. */
function checkOverlaps(sections: readonly ElfSection[], shoff: number, shnum: number): void {
  const spans = sections
    .filter((s) => s.index !== 0 && s.type !== SectionType.NOBITS && s.size > 0)
    .map((s) => ({ name: s.name || `#${s.index}`, start: s.offset, end: s.offset + s.size }));
  spans.push({ name: 'section header table', start: shoff, end: shoff + shnum * SHDR_SIZE });
  spans.push({ name: 'ELF header', start: 0, end: EHDR_SIZE });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1]!;
    const b = spans[i]!;
    if (b.start < a.end) {
      const victim = b.name === 'section header table' || b.name === 'ELF header' ? a : b;
      const other = victim === a ? b : a;
      throw new ElfError({ section: victim.name, field: 'sh_offset' }, `bytes ${victim.start}..${victim.end} overlap ${other.name === 'section header table' || other.name === 'ELF header' ? 'the ' + other.name : `section '${other.name}'`} (${other.start}..${other.end})`);
    }
  }
}

function readSymbols(symtab: ElfSection, sections: readonly ElfSection[]): ElfSymbol[] {
  if (symtab.entsize !== SYM_SIZE) {
    throw new ElfError({ section: symtab.name, field: 'sh_entsize' }, `is ${symtab.entsize}, expected ${SYM_SIZE}`);
  }
  if (symtab.size % SYM_SIZE !== 0) {
    throw new ElfError({ section: symtab.name, field: 'sh_size' }, `${symtab.size} is not a multiple of ${SYM_SIZE}`);
  }
  const strtab = sections[symtab.link];
  if (strtab === undefined || symtab.link === 0 || strtab.type !== SectionType.STRTAB) {
    throw new ElfError({ section: symtab.name, field: 'sh_link' }, `string table index ${symtab.link} is not a string table`);
  }
  const f = new Fields(symtab.data, symtab.name);
  const n = symtab.size / SYM_SIZE;
  const out: ElfSymbol[] = [];
  for (let i = 0; i < n; i++) {
    const b = i * SYM_SIZE;
    const nameOff = f.u32(b, `symbol ${i} st_name`);
    const info = f.u8(b + 4, `symbol ${i} st_info`);
    const shndx = f.u16(b + 6, `symbol ${i} st_shndx`);
    const name = nameOff === 0 ? '' : readString(strtab, nameOff, `symbol ${i} st_name`);
    const type = info & 0xf;
    if (shndx !== SHN.UNDEF && shndx < SHN.LORESERVE && shndx >= sections.length) {
      throw new ElfError({ section: symtab.name, field: `symbol ${i} '${name}' st_shndx` }, `section index ${shndx} does not exist (there are ${sections.length})`);
    }
    if (shndx === SHN.XINDEX) {
      throw new ElfError({ section: symtab.name, field: `symbol ${i} '${name}' st_shndx` }, 'extended section indexes (SHT_SYMTAB_SHNDX) are not supported');
    }
    const sym: ElfSymbol = Object.freeze({
      index: i,
      // Section symbols are nameless in the table; they go by their section's name.
      name: type === SymType.SECTION && name === '' && shndx < sections.length ? sections[shndx]!.name : name,
      type,
      bind: info >> 4,
      other: f.u8(b + 5, `symbol ${i} st_other`),
      shndx,
      value: f.u64(b + 8, `symbol ${i} '${name}' st_value`),
      size: f.u64(b + 16, `symbol ${i} '${name}' st_size`),
    });
    out.push(sym);
  }
  return out;
}

function readRelocs(rel: ElfSection, sections: readonly ElfSection[], symtab: ElfSection | undefined, symbols: readonly ElfSymbol[]): ElfRelocTable | undefined {
  if (rel.entsize !== REL_SIZE) throw new ElfError({ section: rel.name, field: 'sh_entsize' }, `is ${rel.entsize}, expected ${REL_SIZE}`);
  if (rel.size % REL_SIZE !== 0) throw new ElfError({ section: rel.name, field: 'sh_size' }, `${rel.size} is not a multiple of ${REL_SIZE}`);
  if (rel.info === 0 || rel.info >= sections.length) {
    throw new ElfError({ section: rel.name, field: 'sh_info' }, `target section index ${rel.info} does not exist (there are ${sections.length})`);
  }
  const target = sections[rel.info]!;
  if (rel.size === 0) return undefined;
  if (symtab === undefined || rel.link !== symtab.index) {
    throw new ElfError({ section: rel.name, field: 'sh_link' }, `symbol table index ${rel.link} is not the object's symbol table`);
  }
  const f = new Fields(rel.data, rel.name);
  const n = rel.size / REL_SIZE;
  const relocs: ElfReloc[] = [];
  for (let i = 0; i < n; i++) {
    const offset = f.u64(i * REL_SIZE, `relocation ${i} r_offset`);
    const info = f.u64big(i * REL_SIZE + 8, `relocation ${i} r_info`);
    const symIndex = Number(info >> 32n);
    const type = Number(info & 0xffffffffn);
    const symbol = symbols[symIndex];
    if (symbol === undefined) {
      throw new ElfError({ section: rel.name, field: `relocation ${i} r_info` }, `symbol index ${symIndex} does not exist (the symbol table has ${symbols.length})`);
    }
    relocs.push(Object.freeze({ index: i, offset, type, symbol }));
  }
  return Object.freeze({ section: rel, target, relocs });
}

/** The name of section `i` of `file`, for messages. */
export function sectionLabel(file: ElfFile, i: number): string {
  return label(file.sections, i);
}
