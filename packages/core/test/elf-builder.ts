/**
 * A small ELF64 LE relocatable-object writer for tests: builds BPF objects section by section
 * (with a symbol table and REL tables), so the hostile-input table can start from a valid
 * object and break one field at a time. It writes what the loader reads; no program headers.
 */

/** One section to write. */
export interface SectionDef {
  readonly name: string;
  readonly type: number;
  readonly flags?: number;
  readonly data?: Uint8Array;
  /** NOBITS size. */
  readonly size?: number;
  /** Section index or name. */
  readonly link?: number | string;
  readonly info?: number | string;
  readonly entsize?: number;
  readonly align?: number;
}

/** One symbol. */
export interface SymbolDef {
  readonly name: string;
  /** Section name, or a special index (0 = undefined, 0xfff1 = absolute). */
  readonly section: string | number;
  readonly value?: number;
  readonly size?: number;
  /** STT_* */
  readonly type?: number;
  /** STB_* */
  readonly bind?: number;
}

/** One relocation. */
export interface RelocDef {
  readonly offset: number;
  /** Symbol name, or raw symbol index. */
  readonly symbol: string | number;
  readonly type: number;
}

/** What to build. */
export interface ObjectDef {
  readonly sections: readonly SectionDef[];
  readonly symbols?: readonly SymbolDef[];
  /** Relocation tables by the name of the section they apply to. */
  readonly relocs?: Readonly<Record<string, readonly RelocDef[]>>;
  /** Put symbol names in the section name table (as ELFIO does) instead of a separate `.strtab`. */
  readonly sharedStrtab?: boolean;
}

/** The built bytes plus where things landed, for tests that poke fields. */
export interface BuiltObject {
  readonly bytes: Uint8Array;
  /** Offset of the section header table. */
  readonly shoff: number;
  /** Index of a section by name. */
  index(name: string): number;
  /** Byte offset of section `name`'s header. */
  header(name: string): number;
  /** File offset of section `name`'s data. */
  dataOffset(name: string): number;
}

export const SHT = { PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;
export const SHF = { WRITE: 1, ALLOC: 2, EXEC: 4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1 } as const;
export const R_BPF = { R_64_64: 1, ABS64: 2, ABS32: 3, R_64_32: 10 } as const;

class StrTab {
  private readonly parts: number[] = [0];
  private readonly seen = new Map<string, number>([['', 0]]);
  add(s: string): number {
    const got = this.seen.get(s);
    if (got !== undefined) return got;
    const off = this.parts.length;
    for (const b of new TextEncoder().encode(s)) this.parts.push(b);
    this.parts.push(0);
    this.seen.set(s, off);
    return off;
  }
  bytes(): Uint8Array { return Uint8Array.from(this.parts); }
}

/** Builds an ELF64 LE ET_REL EM_BPF object. */
export function buildElf(def: ObjectDef): BuiltObject {
  const shstr = new StrTab();
  const symstr = def.sharedStrtab ? shstr : new StrTab();
  const all: SectionDef[] = [...def.sections];
  const symbols = def.symbols ?? [];
  const needSymtab = symbols.length > 0 || Object.keys(def.relocs ?? {}).length > 0;
  // Section list: null, user sections, rel tables, .symtab, .strtab, .shstrtab.
  const relNames = Object.keys(def.relocs ?? {});
  for (const r of relNames) all.push({ name: `.rel${r}`, type: SHT.REL, link: '.symtab', info: r, entsize: 16, align: 8 });
  if (needSymtab) {
    all.push({ name: '.symtab', type: SHT.SYMTAB, link: def.sharedStrtab ? '.shstrtab' : '.strtab', info: 1, entsize: 24, align: 8 });
    if (!def.sharedStrtab) all.push({ name: '.strtab', type: SHT.STRTAB });
  }
  all.push({ name: '.shstrtab', type: SHT.STRTAB });
  const indexOf = (n: string | number | undefined): number => {
    if (n === undefined) return 0;
    if (typeof n === 'number') return n;
    const i = all.findIndex((s) => s.name === n);
    if (i < 0) throw new Error(`builder: no section ${n}`);
    return i + 1;
  };
  // Symbol table bytes.
  const symIndex = new Map<string, number>();
  const symBytes = new Uint8Array((symbols.length + 1) * 24);
  const sv = new DataView(symBytes.buffer);
  symbols.forEach((s, k) => {
    const o = (k + 1) * 24;
    symIndex.set(s.name, k + 1);
    sv.setUint32(o, s.name ? symstr.add(s.name) : 0, true);
    sv.setUint8(o + 4, ((s.bind ?? STB.GLOBAL) << 4) | (s.type ?? STT.NOTYPE));
    sv.setUint16(o + 6, typeof s.section === 'number' ? s.section : indexOf(s.section), true);
    sv.setBigUint64(o + 8, BigInt(s.value ?? 0), true);
    sv.setBigUint64(o + 16, BigInt(s.size ?? 0), true);
  });
  const data = new Map<string, Uint8Array>();
  for (const r of relNames) {
    const list = def.relocs![r]!;
    const b = new Uint8Array(list.length * 16);
    const v = new DataView(b.buffer);
    list.forEach((e, k) => {
      const sym = typeof e.symbol === 'number' ? e.symbol : symIndex.get(e.symbol);
      if (sym === undefined) throw new Error(`builder: no symbol ${e.symbol}`);
      v.setBigUint64(k * 16, BigInt(e.offset), true);
      v.setBigUint64(k * 16 + 8, (BigInt(sym) << 32n) | BigInt(e.type), true);
    });
    data.set(`.rel${r}`, b);
  }
  if (needSymtab) data.set('.symtab', symBytes);
  // Names first (so string tables are complete).
  const nameOffs = all.map((s) => shstr.add(s.name));
  if (needSymtab && !def.sharedStrtab) data.set('.strtab', symstr.bytes());
  data.set('.shstrtab', shstr.bytes());

  // Layout.
  const chunks: Array<{ off: number; bytes: Uint8Array }> = [];
  let off = 64;
  const offsets: number[] = [];
  all.forEach((s) => {
    const bytes = data.get(s.name) ?? s.data ?? new Uint8Array(0);
    const align = Math.max(1, s.align ?? 8);
    off = Math.ceil(off / align) * align;
    offsets.push(off);
    if (s.type !== SHT.NOBITS) { chunks.push({ off, bytes }); off += bytes.length; }
  });
  const shoff = Math.ceil(off / 8) * 8;
  const total = shoff + (all.length + 1) * 64;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  v.setUint16(16, 1, true);
  v.setUint16(18, 247, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, all.length + 1, true);
  v.setUint16(62, all.length, true); // .shstrtab is last
  for (const c of chunks) out.set(c.bytes, c.off);
  all.forEach((s, k) => {
    const h = shoff + (k + 1) * 64;
    const bytes = data.get(s.name) ?? s.data ?? new Uint8Array(0);
    v.setUint32(h, nameOffs[k]!, true);
    v.setUint32(h + 4, s.type, true);
    v.setBigUint64(h + 8, BigInt(s.flags ?? 0), true);
    v.setBigUint64(h + 24, BigInt(offsets[k]!), true);
    v.setBigUint64(h + 32, BigInt(s.type === SHT.NOBITS ? s.size ?? 0 : bytes.length), true);
    v.setUint32(h + 40, indexOf(s.link), true);
    v.setUint32(h + 44, indexOf(s.info), true);
    v.setBigUint64(h + 48, BigInt(s.align ?? 8), true);
    v.setBigUint64(h + 56, BigInt(s.entsize ?? 0), true);
  });
  return {
    bytes: out,
    shoff,
    index: (n) => indexOf(n),
    header: (n) => shoff + indexOf(n) * 64,
    dataOffset: (n) => offsets[indexOf(n) - 1]!,
  };
}

/** Instruction bytes from `[code, regs, off, imm]` tuples (regs = src << 4 | dst). */
export function insnBytes(list: ReadonlyArray<readonly [number, number, number, number]>): Uint8Array {
  const b = new Uint8Array(list.length * 8);
  const v = new DataView(b.buffer);
  list.forEach(([code, regs, off, imm], k) => {
    v.setUint8(k * 8, code);
    v.setUint8(k * 8 + 1, regs);
    v.setInt16(k * 8 + 2, off, true);
    v.setInt32(k * 8 + 4, imm, true);
  });
  return b;
}

/** Little-endian u32 words as bytes. */
export function u32s(...words: number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const v = new DataView(b.buffer);
  words.forEach((w, k) => v.setUint32(k * 4, w >>> 0, true));
  return b;
}
