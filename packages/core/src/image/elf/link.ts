/**
 * Linking one program out of an object: the entry function first, then every subprogram it
 * reaches (calls and `ld_imm64` code addresses), each copied once; bpf-to-bpf call immediates
 * re-pointed at the new positions; `ld_imm64` map relocations turned into the map-by-index
 * pseudo loads (`MAP_BY_IDX`, `MAP_VALUE_BY_IDX` + offset) over the program's own map list; CO-RE
 * records applied per copy; BTF function and line info carried along. The checker resolves the
 * map indexes; nothing here depends on a VM.
 */
import { decode } from '../../isa/decode.js';
import { LdImmSrc } from '../../isa/opcodes.js';
import type { MapSpec } from '../../maps/map-spec.js';
import type { StructLayout } from '../../subsystem/struct-layout.js';
import type { FuncInfo, LineInfo } from '../program-spec.js';
import { Btf, BtfKind } from './btf.js';
import type { BtfExt } from './btf-ext.js';
import { applyCoreRelo, resolveCoreRelo } from './core-relo.js';
import { ElfError } from './elf-error.js';
import { callTarget, funcStartingAt, isCodeSection, lowerBound, type ElfCode, type ElfFunc } from './functions.js';
import type { ObjectMap } from './maps.js';
import { SHN, SymType, type ElfFile, type ElfReloc } from './reader.js';
import type { Insn } from '../../isa/insn.js';

/** What the linker needs besides the object's code. */
export interface LinkContext {
  readonly file: ElfFile;
  readonly code: ElfCode;
  readonly maps: readonly ObjectMap[];
  readonly btf: Btf | undefined;
  readonly btfExt: BtfExt | undefined;
  /** Struct layouts for CO-RE (undefined: the program's subsystem describes none). */
  readonly structs: readonly StructLayout[] | undefined;
  /** Subsystem name, for CO-RE messages. */
  readonly subsystem: string | undefined;
}

/** A linked program, before it becomes a ProgramSpec. */
export interface LinkedProgram {
  readonly insns: readonly Insn[];
  readonly maps: readonly MapSpec[];
  readonly funcs: readonly FuncInfo[];
  readonly lineInfo: readonly LineInfo[];
}

const LDDW = 0x18;

/**
 * Links the program whose entry is `entry`.
 * @throws {@link ElfError} for unresolvable relocations, unresolved calls and CO-RE failures.
 */
export function linkProgram(ctx: LinkContext, entry: ElfFunc): LinkedProgram {
  const layout: ElfFunc[] = [entry];
  const startSlot = new Map<ElfFunc, number>([[entry, 0]]);
  let slots = (entry.end - entry.start) / 8;
  const place = (f: ElfFunc): void => {
    if (startSlot.has(f)) return;
    startSlot.set(f, slots);
    layout.push(f);
    slots += (f.end - f.start) / 8;
  };

  // Pass 1: copy each function (CO-RE applied), find callees and map references.
  interface Fixup { at: number; kind: 'call' | 'func' | 'map' | 'value'; target?: ElfFunc; map?: number; offset?: number }
  const copies: Uint8Array[] = [];
  const fixups: Fixup[] = [];
  const usedMaps = new Set<number>();
  for (let k = 0; k < layout.length; k++) {
    const f = layout[k]!;
    const s = f.section;
    const bytes = s.data.slice(f.start, f.end);
    applyCore(ctx, f, bytes);
    const rel = ctx.code.relocs.get(s.index)!;
    const base = startSlot.get(f)! * 8;
    for (let at = f.start; at < f.end; at += 8) {
      const local = at - f.start;
      const op = bytes[local]!;
      if (op === LDDW) {
        if (at + 16 > f.end) throw new ElfError({ section: s.name, field: `insn ${at / 8}` }, `ld_imm64 at the end of function '${f.name}' is truncated`);
        const r = rel.get(at);
        if (r) {
          const fx = lddwFixup(ctx, f, r, at, bytes, local);
          if (fx.target) place(fx.target);
          if (fx.map !== undefined) usedMaps.add(fx.map);
          fixups.push({ ...fx, at: base + local });
        }
        at += 8;
        continue;
      }
      const target = callTarget(ctx.file, ctx.code.funcs, s, rel, at);
      if (target) {
        place(target);
        fixups.push({ at: base + local, kind: 'call', target });
      }
    }
    copies.push(bytes);
  }

  // Program-local map indexes, in object order.
  const mapOrder = [...usedMaps].sort((a, b) => a - b);
  const localIndex = new Map(mapOrder.map((m, i) => [m, i]));

  // Pass 2: concatenate and patch.
  const out = new Uint8Array(slots * 8);
  let pos = 0;
  for (const c of copies) { out.set(c, pos); pos += c.length; }
  const view = new DataView(out.buffer);
  for (const fx of fixups) {
    const pc = fx.at / 8;
    switch (fx.kind) {
      case 'call':
        view.setInt32(fx.at + 4, startSlot.get(fx.target!)! - pc - 1, true);
        break;
      case 'func':
        out[fx.at + 1] = (out[fx.at + 1]! & 0x0f) | (LdImmSrc.CODE_ADDR << 4);
        view.setInt32(fx.at + 4, startSlot.get(fx.target!)! - pc - 1, true);
        view.setInt32(fx.at + 12, 0, true);
        break;
      case 'map':
      case 'value':
        out[fx.at + 1] = (out[fx.at + 1]! & 0x0f) | ((fx.kind === 'map' ? LdImmSrc.MAP_BY_IDX : LdImmSrc.MAP_VALUE_BY_IDX) << 4);
        view.setInt32(fx.at + 4, localIndex.get(fx.map!)!, true);
        view.setInt32(fx.at + 12, fx.kind === 'value' ? fx.offset! : 0, true);
        break;
    }
  }

  let insns: Insn[];
  try {
    insns = decode(out);
  } catch (e) {
    const at = (e as { byteOffset?: number }).byteOffset ?? 0;
    const f = layout.find((x) => at >= startSlot.get(x)! * 8 && at < startSlot.get(x)! * 8 + (x.end - x.start)) ?? entry;
    const inSection = f.start + at - startSlot.get(f)! * 8;
    throw new ElfError({ section: f.section.name, field: `function '${f.name}' insn ${inSection / 8}` }, (e as Error).message, { cause: e });
  }

  return {
    insns,
    maps: mapOrder.map((m) => ctx.maps[m]!.spec),
    funcs: layout.map((f) => ({ insn: startSlot.get(f)!, name: funcName(ctx, f) })),
    lineInfo: lineInfo(ctx, layout, startSlot),
  };
}

/** Resolves the relocation on an `ld_imm64`: a map, a global variable, or a function address. */
function lddwFixup(ctx: LinkContext, f: ElfFunc, r: ElfReloc, at: number, bytes: Uint8Array, local: number): { kind: 'func' | 'map' | 'value'; target?: ElfFunc; map?: number; offset?: number } {
  const s = f.section;
  const sym = r.symbol;
  const where = { section: s.name, field: `insn ${at / 8} relocation against '${sym.name}'` };
  const imm = new DataView(bytes.buffer, bytes.byteOffset + local + 4, 4).getInt32(0, true);
  if (sym.shndx === SHN.UNDEF) throw new ElfError(where, `'${sym.name}' is not defined in this object (extern variables, kconfig and ksyms are not supported)`);
  if (sym.shndx >= ctx.file.sections.length) throw new ElfError(where, `symbol section index ${sym.shndx} is not a section`);
  const ts = ctx.file.sections[sym.shndx]!;
  if (isCodeSection(ts)) {
    const target = sym.value + (sym.type === SymType.SECTION ? imm : 0);
    const fn = funcStartingAt(ctx.code.funcs, ts, target);
    if (!fn) throw new ElfError(where, `byte ${target} of '${ts.name}' is not the start of a function`);
    return { kind: 'func', target: fn };
  }
  const mapIndex = ctx.maps.findIndex((m) => m.section === ts.index && (m.kind === 'data' || m.offset === sym.value + (sym.type === SymType.SECTION ? imm : 0)));
  if (mapIndex < 0) throw new ElfError(where, `section '${ts.name}' offset ${sym.value} holds no map or global variable`);
  const m = ctx.maps[mapIndex]!;
  if (m.kind !== 'data') return { kind: 'map', map: mapIndex };
  const offset = sym.value + imm;
  if (offset < 0 || offset > m.size) throw new ElfError(where, `offset ${offset} is outside '${ts.name}' (${m.size} bytes)`);
  return { kind: 'value', map: mapIndex, offset };
}

/** Applies the CO-RE records that fall inside function `f` to its copy `bytes`. */
function applyCore(ctx: LinkContext, f: ElfFunc, bytes: Uint8Array): void {
  const recs = ctx.btfExt?.get(f.section.name)?.core;
  if (!recs || recs.length === 0) return;
  for (const rec of inRange(recs, f)) {
    const where = { section: f.section.name, field: `CO-RE relocation at insn ${rec.insnOff / 8}` };
    const value = resolveCoreRelo(ctx.btf!, rec, ctx.structs, ctx.subsystem, where);
    applyCoreRelo(bytes, rec.insnOff - f.start, rec, value, where);
  }
}

/** The function's name: its BTF FUNC name when func info covers it, else its symbol. */
function funcName(ctx: LinkContext, f: ElfFunc): string {
  const infos = ctx.btfExt?.get(f.section.name)?.funcs;
  const info = infos ? inRange(infos, f).find((x) => x.insnOff === f.start) : undefined;
  if (info && ctx.btf) {
    const t = ctx.btf.types[info.typeId];
    if (t && t.kind === BtfKind.FUNC && t.name) return t.name;
  }
  return f.name;
}

function lineInfo(ctx: LinkContext, layout: readonly ElfFunc[], startSlot: ReadonlyMap<ElfFunc, number>): LineInfo[] {
  const out: LineInfo[] = [];
  for (const f of layout) {
    const lines = ctx.btfExt?.get(f.section.name)?.lines;
    if (!lines) continue;
    for (const l of inRange(lines, f)) {
      if (l.insnOff % 8 !== 0) continue;
      out.push({ insn: startSlot.get(f)! + (l.insnOff - f.start) / 8, file: l.file, line: l.line, column: l.column, text: l.text });
    }
  }
  return out.sort((a, b) => a.insn - b.insn);
}

/** The records (sorted by `insnOff`, as `parseBtfExt` returns them) that fall inside `f`. */
function inRange<T extends { readonly insnOff: number }>(records: readonly T[], f: ElfFunc): readonly T[] {
  const from = lowerBound(records, f.start, (r) => r.insnOff);
  const to = lowerBound(records, f.end, (r) => r.insnOff);
  return records.slice(from, to);
}
