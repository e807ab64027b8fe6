/**
 * Functions of an ELF object's code sections: their extents (from FUNC symbols, checked for
 * alignment, bounds and overlap), which of them are programs (every function of a non-`.text`
 * executable section, and `.text` globals that nothing calls), and the object-wide call graph
 * needed to decide that. Relocation checking of code lives here too, so every later step can
 * trust that a relocation sits on the instruction it claims.
 */
import { ElfError } from './elf-error.js';
import { RelType, SectionFlag, SectionType, SHN, SymBind, SymType, type ElfFile, type ElfReloc, type ElfSection, type ElfSymbol } from './reader.js';

/** A function: a byte range of a code section. */
export interface ElfFunc {
  readonly section: ElfSection;
  /** Byte offsets in the section. */
  readonly start: number;
  readonly end: number;
  readonly name: string;
  /** Global (or weak) binding. */
  readonly global: boolean;
}

/** The code of an object: its sections, functions and checked relocations. */
export interface ElfCode {
  /** Executable sections in section order. */
  readonly sections: readonly ElfSection[];
  /** Functions by section index, sorted by start. */
  readonly funcs: ReadonlyMap<number, readonly ElfFunc[]>;
  /** Checked code relocations by section index, keyed by byte offset. */
  readonly relocs: ReadonlyMap<number, ReadonlyMap<number, ElfReloc>>;
  /** Functions that are programs, in section then offset order. */
  readonly programs: readonly ElfFunc[];
}

/** True for a section holding BPF code. */
export function isCodeSection(s: ElfSection): boolean {
  return s.type === SectionType.PROGBITS && (s.flags & SectionFlag.EXECINSTR) !== 0;
}

/** Opcode of `call`. */
const CALL = 0x85;
/** Opcode of `lddw`. */
const LDDW = 0x18;

/**
 * Finds the functions, checks code relocations and decides which functions are programs.
 * @throws {@link ElfError} naming the section and symbol or relocation at fault.
 */
export function readCode(file: ElfFile): ElfCode {
  const sections = file.sections.filter(isCodeSection);
  const funcs = new Map<number, ElfFunc[]>();
  const relocs = new Map<number, Map<number, ElfReloc>>();
  for (const s of sections) {
    if (s.size % 8 !== 0) throw new ElfError({ section: s.name, field: 'sh_size' }, `code size ${s.size} is not a multiple of 8`);
    funcs.set(s.index, sectionFuncs(file, s));
    relocs.set(s.index, codeRelocs(file, s));
  }
  // Object-wide call targets, to tell `.text` programs from subprograms.
  const called = new Set<ElfFunc>();
  for (const s of sections) {
    const rel = relocs.get(s.index)!;
    for (const f of funcs.get(s.index)!) {
      for (let at = f.start; at < f.end; at += 8) {
        const target = callTarget(file, funcs, s, rel, at);
        if (target) called.add(target);
        if (s.data[at] === LDDW) at += 8;
      }
    }
  }
  const programs: ElfFunc[] = [];
  for (const s of sections) {
    for (const f of funcs.get(s.index)!) {
      if (s.name !== '.text' || (f.global && !called.has(f))) programs.push(f);
    }
  }
  return { sections, funcs, relocs, programs };
}

function sectionFuncs(file: ElfFile, s: ElfSection): ElfFunc[] {
  const syms = file.symbols
    .filter((y) => y.shndx === s.index && y.type === SymType.FUNC)
    .sort((a, b) => a.value - b.value || a.index - b.index);
  if (syms.length === 0) {
    // Hand-made objects: the whole section is one function named after it.
    return s.size === 0 ? [] : [{ section: s, start: 0, end: s.size, name: s.name, global: true }];
  }
  const out: ElfFunc[] = [];
  for (let i = 0; i < syms.length; i++) {
    const y = syms[i]!;
    const where = { section: s.name, field: `function '${y.name}'` };
    if (y.value % 8 !== 0) throw new ElfError(where, `starts at byte ${y.value}, not on an instruction boundary`);
    const next = syms[i + 1]?.value ?? s.size;
    const end = y.size === 0 ? next : y.value + y.size;
    if (y.size % 8 !== 0) throw new ElfError(where, `size ${y.size} is not a multiple of 8`);
    if (end > s.size) throw new ElfError(where, `bytes ${y.value}..${end} are past the end of the section (${s.size} bytes)`);
    if (end > next) throw new ElfError(where, `bytes ${y.value}..${end} overlap function '${syms[i + 1]!.name}'`);
    if (end === y.value) throw new ElfError(where, 'is empty');
    out.push({ section: s, start: y.value, end, name: y.name || s.name, global: y.bind === SymBind.GLOBAL || y.bind === SymBind.WEAK });
  }
  return out;
}

function codeRelocs(file: ElfFile, s: ElfSection): Map<number, ElfReloc> {
  const out = new Map<number, ElfReloc>();
  for (const r of file.relocations.get(s.index)?.relocs ?? []) {
    const where = { section: s.name, field: `relocation ${r.index} against '${r.symbol.name}'` };
    if (r.type === RelType.NONE) continue;
    if (r.offset % 8 !== 0 || r.offset + 8 > s.size) {
      throw new ElfError(where, `offset ${r.offset} is not an instruction of the section (${s.size} bytes)`);
    }
    const op = s.data[r.offset]!;
    if (r.type === RelType.R_BPF_64_64) {
      if (op !== LDDW) throw new ElfError(where, `R_BPF_64_64 at insn ${r.offset / 8} is not on an ld_imm64 instruction (opcode 0x${op.toString(16)})`);
      if (r.offset + 16 > s.size) throw new ElfError(where, `ld_imm64 at insn ${r.offset / 8} is truncated`);
    } else if (r.type === RelType.R_BPF_64_32) {
      if (op !== CALL) throw new ElfError(where, `R_BPF_64_32 at insn ${r.offset / 8} is not on a call instruction (opcode 0x${op.toString(16)})`);
    } else {
      throw new ElfError(where, `relocation type ${r.type} is not valid in code (expected R_BPF_64_64 or R_BPF_64_32)`);
    }
    if (out.has(r.offset)) throw new ElfError(where, `second relocation for insn ${r.offset / 8}`);
    out.set(r.offset, r);
  }
  return out;
}

/** Index of the first element of `list` (sorted by `key`) whose key is >= `value`. */
export function lowerBound<T>(list: readonly T[], value: number, key: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The function of section `s` that starts at byte `start`, if any. */
export function funcStartingAt(funcs: ReadonlyMap<number, readonly ElfFunc[]>, s: ElfSection, start: number): ElfFunc | undefined {
  const list = funcs.get(s.index);
  if (!list) return undefined;
  const f = list[lowerBound(list, start, (x) => x.start)];
  return f && f.start === start ? f : undefined;
}

/** The function containing byte `at` of section `s`, if any. */
export function funcAt(funcs: ReadonlyMap<number, readonly ElfFunc[]>, s: ElfSection, at: number): ElfFunc | undefined {
  const list = funcs.get(s.index);
  if (!list) return undefined;
  const f = list[lowerBound(list, at + 1, (x) => x.start) - 1];
  return f && at >= f.start && at < f.end ? f : undefined;
}

/**
 * The function a bpf-to-bpf call at byte `at` of `s` goes to, or undefined when the
 * instruction is not such a call (helper calls, other instructions) or calls into its own
 * function symbol (hand-written code; the relative offset stays valid when linked).
 * @throws {@link ElfError} for unresolved symbols (`memset`), kfuncs, and targets that are not
 * the start of a function.
 */
export function callTarget(file: ElfFile, funcs: ReadonlyMap<number, readonly ElfFunc[]>, s: ElfSection, rel: ReadonlyMap<number, ElfReloc>, at: number): ElfFunc | undefined {
  if (s.data[at] !== CALL) return undefined;
  const src = s.data[at + 1]! >> 4;
  const imm = new DataView(s.data.buffer, s.data.byteOffset + at + 4, 4).getInt32(0, true);
  const r = rel.get(at);
  const where = { section: s.name, field: `insn ${at / 8}` };
  if (src === 2) {
    throw new ElfError(where, `call to kernel function '${r?.symbol.name ?? imm}' (kfunc) is not supported`);
  }
  if (src !== 1) {
    if (r) throw new ElfError(where, `R_BPF_64_32 relocation against '${r.symbol.name}' on a helper call (src ${src})`);
    return undefined;
  }
  let section = s;
  let target: number;
  if (r) {
    const sym: ElfSymbol = r.symbol;
    if (sym.shndx === SHN.UNDEF) throw new ElfError(where, `unresolved call to '${sym.name}': it is not defined in this object (clang emits such calls for memset/memcpy it could not inline)`);
    const ts = sym.shndx < file.sections.length ? file.sections[sym.shndx] : undefined;
    if (!ts || !isCodeSection(ts)) throw new ElfError(where, `call relocation against '${sym.name}', which is not in a code section`);
    section = ts;
    target = sym.value + (imm + 1) * 8;
  } else {
    target = at + (imm + 1) * 8;
  }
  const f = funcStartingAt(funcs, section, target);
  if (!f && !r) {
    // Hand-written code (the bpf_conformance `--elf` objects: one `main` symbol over all of
    // `.text`) calls a local function inside its own symbol: the relative call stays as it is.
    const self = funcAt(funcs, s, at);
    if (self && target >= self.start && target < self.end) return undefined;
  }
  if (!f) {
    throw new ElfError(where, `call target byte ${target} of section '${section.name}' is not the start of a function`);
  }
  return f;
}
