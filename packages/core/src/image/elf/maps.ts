/**
 * The maps of an ELF object: legacy `maps` sections (`struct bpf_map_def`), BTF-defined maps in
 * `.maps` (type, key/value sizes or types, max_entries, map_flags, and `values` for prog arrays
 * and map-in-map), and global data (`.data*`, `.rodata*`, `.bss*` become one-entry array maps
 * holding the section; `.rodata` is frozen). Produces MapSpecs plus where each map lives in the
 * object, so `link.ts` can turn relocations into map indexes. Creating storage is the runtime's.
 */
import { LINUX_MAP_TYPE, type MapSpec, type MapType } from '../../maps/map-spec.js';
import { Btf, BtfKind, type BtfType } from './btf.js';
import { ElfError } from './elf-error.js';
import { RelType, SectionFlag, SectionType, SHN, SymType, type ElfFile, type ElfSection, type ElfSymbol } from './reader.js';

/** A map and where the object defines it. */
export interface ObjectMap {
  readonly spec: MapSpec;
  /** Section holding the definition (or the data, for global-data maps). */
  readonly section: number;
  /** Byte offset of the definition in that section (0 for global data). */
  readonly offset: number;
  /** Byte size of the definition (the whole section for global data). */
  readonly size: number;
  /** `legacy` (`maps`), `btf` (`.maps`) or `data` (global variables). */
  readonly kind: 'legacy' | 'btf' | 'data';
}

/** Linux map type names by number, for messages about types we do not support. */
const LINUX_MAP_TYPE_NAMES: Record<number, string> = {
  0: 'UNSPEC', 1: 'HASH', 2: 'ARRAY', 3: 'PROG_ARRAY', 4: 'PERF_EVENT_ARRAY', 5: 'PERCPU_HASH',
  6: 'PERCPU_ARRAY', 7: 'STACK_TRACE', 8: 'CGROUP_ARRAY', 9: 'LRU_HASH', 10: 'LRU_PERCPU_HASH',
  11: 'LPM_TRIE', 12: 'ARRAY_OF_MAPS', 13: 'HASH_OF_MAPS', 14: 'DEVMAP', 15: 'SOCKMAP', 16: 'CPUMAP',
  17: 'XSKMAP', 18: 'SOCKHASH', 19: 'CGROUP_STORAGE', 20: 'REUSEPORT_SOCKARRAY',
  21: 'PERCPU_CGROUP_STORAGE', 22: 'QUEUE', 23: 'STACK', 24: 'SK_STORAGE', 25: 'DEVMAP_HASH',
  26: 'STRUCT_OPS', 27: 'RINGBUF', 28: 'INODE_STORAGE', 29: 'TASK_STORAGE', 30: 'BLOOM_FILTER',
  31: 'USER_RINGBUF', 32: 'CGRP_STORAGE', 33: 'ARENA',
};

const BY_NUMBER = new Map<number, MapType>(Object.entries(LINUX_MAP_TYPE).map(([k, v]) => [v, k as MapType]));

/** Largest global-data section we turn into a map (the VM is tens of MiB). */
export const MAX_GLOBAL_DATA = 64 << 20;

/** `BPF_F_RDONLY_PROG`: the program may only read the map. */
const BPF_F_RDONLY_PROG = 1 << 7;

/**
 * The MapType for a Linux map type number.
 * @throws {@link ElfError} naming the map and the type when we do not support it.
 */
export function mapTypeOf(n: number, where: { section: string; field: string }): MapType {
  const t = BY_NUMBER.get(n);
  if (t === undefined) {
    const name = LINUX_MAP_TYPE_NAMES[n];
    throw new ElfError(where, `map type ${n}${name ? ` (BPF_MAP_TYPE_${name})` : ''} is not supported (supported: ${[...BY_NUMBER.values()].join(', ')})`);
  }
  return t;
}

/** True for sections whose contents are global variables. */
export function isDataSection(s: ElfSection): boolean {
  if ((s.flags & SectionFlag.ALLOC) === 0 || (s.flags & SectionFlag.EXECINSTR) !== 0) return false;
  if (s.type !== SectionType.PROGBITS && s.type !== SectionType.NOBITS) return false;
  return /^\.(data|rodata|bss)(\.|$)/.test(s.name);
}

/** Symbols defined in section `index`, excluding section/file symbols. */
function symbolsIn(file: ElfFile, index: number): ElfSymbol[] {
  return file.symbols
    .filter((s) => s.shndx === index && s.type !== SymType.SECTION && s.type !== SymType.FILE && s.name !== '')
    .sort((a, b) => a.value - b.value || a.index - b.index);
}

/**
 * Every map of the object, in a deterministic order: legacy maps, BTF maps (each in symbol
 * order), then global data sections in section order.
 * @throws {@link ElfError} naming the section, map and field for malformed definitions.
 */
export function readMaps(file: ElfFile, btf: Btf | undefined): ObjectMap[] {
  const out: ObjectMap[] = [];
  for (const s of file.sections) {
    if (s.name === 'maps' && s.type === SectionType.PROGBITS) out.push(...legacyMaps(file, s));
  }
  const dotMaps = file.section('.maps');
  if (dotMaps && dotMaps.type !== SectionType.NOBITS) out.push(...btfMaps(file, dotMaps, btf));
  for (const s of file.sections) {
    if (!isDataSection(s) || s.size === 0) continue;
    out.push(dataMap(file, s));
  }
  const names = new Set<string>();
  for (const m of out) {
    if (names.has(m.spec.name)) throw new ElfError({ section: file.sections[m.section]!.name, field: `map '${m.spec.name}'` }, 'two maps have this name');
    names.add(m.spec.name);
  }
  return out;
}

function legacyMaps(file: ElfFile, s: ElfSection): ObjectMap[] {
  const syms = symbolsIn(file, s.index);
  if (syms.length === 0) {
    if (s.size === 0) return [];
    throw new ElfError({ section: s.name, field: 'symbols' }, 'the maps section has data but no symbols naming its maps');
  }
  if (s.size % syms.length !== 0) {
    throw new ElfError({ section: s.name, field: 'sh_size' }, `${s.size} bytes do not divide into ${syms.length} map definitions`);
  }
  const defSize = s.size / syms.length;
  if (defSize < 16) throw new ElfError({ section: s.name, field: 'sh_size' }, `map definitions of ${defSize} bytes are too small (struct bpf_map_def needs at least 16)`);
  const view = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
  return syms.map((sym) => {
    const field = (f: string) => ({ section: s.name, field: `map '${sym.name}' ${f}` });
    if (sym.value % defSize !== 0 || sym.value + defSize > s.size) {
      throw new ElfError(field('st_value'), `offset ${sym.value} is not a definition boundary (definitions are ${defSize} bytes, section is ${s.size})`);
    }
    const at = sym.value;
    const u32 = (o: number) => view.getUint32(at + o, true);
    const type = mapTypeOf(u32(0), field('type'));
    const spec = validate({
      name: sym.name,
      type,
      keySize: u32(4),
      valueSize: u32(8),
      maxEntries: u32(12),
      flags: defSize >= 20 ? u32(16) : 0,
    }, s.name);
    return { spec, section: s.index, offset: at, size: defSize, kind: 'legacy' as const };
  });
}

/** Field values of one BTF map definition struct. */
interface BtfMapFields {
  type?: number;
  keySize?: number;
  valueSize?: number;
  maxEntries?: number;
  flags?: number;
  inner?: MapSpec;
  /** Byte offset of `values` inside the definition, and its element count. */
  values?: { offset: number; slots: number; innerIsProg: boolean };
}

function btfMaps(file: ElfFile, s: ElfSection, btf: Btf | undefined): ObjectMap[] {
  const syms = symbolsIn(file, s.index);
  if (syms.length === 0) return [];
  if (!btf) throw new ElfError({ section: s.name, field: 'BTF' }, 'BTF-defined maps need a .BTF section (compile with -g)');
  const datasec = btf.find(BtfKind.DATASEC, s.name);
  if (!datasec) throw new ElfError({ section: s.name, field: 'BTF' }, `no BTF DATASEC describes '${s.name}'`);
  const varsByName = new Map<string, BtfType>();
  for (const m of datasec.members) {
    const v = btf.type(m.type, `DATASEC '${s.name}' var`);
    if (v.kind === BtfKind.VAR) varsByName.set(v.name, v);
  }
  const rels = file.relocations.get(s.index)?.relocs ?? [];
  return syms.map((sym) => {
    const where = (f: string) => ({ section: s.name, field: `map '${sym.name}'${f ? ' ' + f : ''}` });
    const v = varsByName.get(sym.name);
    if (!v) throw new ElfError(where('BTF'), 'no BTF variable describes this map');
    const def = btf.skipModifiers(v.sizeOrType, `map '${sym.name}'`);
    if (def.kind !== BtfKind.STRUCT) throw new ElfError(where('BTF'), `definition is a ${Btf.kindName(def.kind)}, not a struct`);
    // A `values` initializer extends past the struct (a flexible array): the symbol's size covers it.
    const size = Math.max(def.sizeOrType, sym.size);
    if (sym.value + size > s.size) throw new ElfError(where('st_value'), `definition ${sym.value}..${sym.value + size} is past the end of the section (${s.size} bytes)`);
    const f = btfMapFields(btf, def, sym.name, s.name, 0);
    const spec0 = finishBtfMap(f, sym.name, s.name);
    let spec = spec0;
    if (f.values) {
      const slots: Array<readonly [number, string]> = [];
      const start = sym.value + f.values.offset;
      for (const r of rels) {
        if (r.offset < sym.value || r.offset >= sym.value + size) continue;
        const rf = (x: string) => where(`values relocation ${r.index} ${x}`);
        if (r.type !== RelType.R_BPF_64_ABS64) throw new ElfError(rf('type'), `type ${r.type} is not R_BPF_64_ABS64`);
        const rel = r.offset - start;
        if (rel < 0 || rel % 8 !== 0) throw new ElfError(rf('r_offset'), `offset ${r.offset} is not a slot of 'values'`);
        const slot = rel / 8;
        if (slot >= spec0.maxEntries) throw new ElfError(rf('r_offset'), `slot ${slot} is past max_entries ${spec0.maxEntries}`);
        if (r.symbol.shndx === SHN.UNDEF) throw new ElfError(rf('symbol'), `'${r.symbol.name}' is not defined in this object`);
        if (f.values.innerIsProg && r.symbol.type !== SymType.FUNC) throw new ElfError(rf('symbol'), `'${r.symbol.name}' is not a function`);
        slots.push([slot, r.symbol.name]);
      }
      slots.sort((a, b) => a[0] - b[0]);
      spec = { ...spec0, initialSlots: slots };
    } else {
      for (const r of rels) {
        if (r.offset >= sym.value && r.offset < sym.value + size) {
          throw new ElfError(where(`relocation ${r.index}`), `relocation against '${r.symbol.name}' outside a 'values' field`);
        }
      }
    }
    return { spec: Object.freeze(spec), section: s.index, offset: sym.value, size, kind: 'btf' as const };
  });
}

/** Reads the members of a BTF map definition struct (`__uint`, `__type`, `__array`). */
function btfMapFields(btf: Btf, def: BtfType, name: string, section: string, depth: number): BtfMapFields {
  const out: BtfMapFields = {};
  for (const m of def.members) {
    const where = { section, field: `map '${name}' field '${m.name}'` };
    if (m.offset % 8 !== 0) throw new ElfError(where, 'is not byte aligned');
    const uintValue = (): number => {
      // __uint(name, val): `int (*name)[val]`.
      const p = btf.skipModifiers(m.type, where.field);
      if (p.kind !== BtfKind.PTR) throw new ElfError(where, `must be a pointer to an array (__uint), found ${Btf.kindName(p.kind)}`);
      const a = btf.skipModifiers(p.sizeOrType, where.field);
      if (a.kind !== BtfKind.ARRAY) throw new ElfError(where, `must point to an array (__uint), found ${Btf.kindName(a.kind)}`);
      return a.array!.nelems;
    };
    const typeSize = (): number => {
      // __type(name, T): `T *name`.
      const p = btf.skipModifiers(m.type, where.field);
      if (p.kind !== BtfKind.PTR) throw new ElfError(where, `must be a pointer (__type), found ${Btf.kindName(p.kind)}`);
      return btf.sizeOf(p.sizeOrType, where.field);
    };
    switch (m.name) {
      case 'type': out.type = uintValue(); break;
      case 'max_entries': out.maxEntries = uintValue(); break;
      case 'map_flags': out.flags = uintValue(); break;
      case 'key_size': out.keySize = setSize(out.keySize, uintValue(), where); break;
      case 'value_size': out.valueSize = setSize(out.valueSize, uintValue(), where); break;
      case 'key': out.keySize = setSize(out.keySize, typeSize(), where); break;
      case 'value': out.valueSize = setSize(out.valueSize, typeSize(), where); break;
      case 'pinning': case 'numa_node': case 'map_extra': uintValue(); break;
      case 'values': {
        // __array(values, T): `typeof(T) *values[]` — T is a map struct or a function prototype.
        const a = btf.skipModifiers(m.type, where.field);
        if (a.kind !== BtfKind.ARRAY) throw new ElfError(where, `must be an array (__array), found ${Btf.kindName(a.kind)}`);
        const p = btf.skipModifiers(a.array!.type, where.field);
        if (p.kind !== BtfKind.PTR) throw new ElfError(where, 'must be an array of pointers');
        const target = btf.skipModifiers(p.sizeOrType, where.field);
        let innerIsProg = false;
        if (target.kind === BtfKind.FUNC_PROTO) innerIsProg = true;
        else if (target.kind === BtfKind.STRUCT) {
          if (depth > 0) throw new ElfError(where, 'maps nested more than one level are not supported');
          out.inner = Object.freeze(finishBtfMap(btfMapFields(btf, target, `${name}.inner`, section, depth + 1), `${name}.inner`, section));
        } else throw new ElfError(where, `must point to a map definition or a function prototype, found ${Btf.kindName(target.kind)}`);
        out.values = { offset: m.offset / 8, slots: a.array!.nelems, innerIsProg };
        break;
      }
      default:
        throw new ElfError(where, 'is not a known map definition field (type, key, value, key_size, value_size, max_entries, map_flags, values, pinning, numa_node, map_extra)');
    }
  }
  return out;
}

function setSize(old: number | undefined, v: number, where: { section: string; field: string }): number {
  if (old !== undefined && old !== v) throw new ElfError(where, `size ${v} conflicts with an earlier size ${old}`);
  return v;
}

function finishBtfMap(f: BtfMapFields, name: string, section: string): MapSpec {
  const where = (x: string) => ({ section, field: `map '${name}' ${x}` });
  if (f.type === undefined) throw new ElfError(where('type'), 'is missing');
  const type = mapTypeOf(f.type, where('type'));
  const isMapInMap = type === 'array_of_maps' || type === 'hash_of_maps';
  let keySize = f.keySize;
  let valueSize = f.valueSize;
  if (type === 'ringbuf' || type === 'perf_event_array') {
    keySize ??= type === 'perf_event_array' ? 4 : 0;
    valueSize ??= type === 'perf_event_array' ? 4 : 0;
  }
  if (type === 'prog_array' || isMapInMap) valueSize ??= 4;
  if (isMapInMap && !f.inner) throw new ElfError(where('values'), 'a map-in-map needs __array(values, struct ...) naming its inner map');
  const spec: MapSpec = {
    name,
    type,
    keySize: keySize ?? 0,
    valueSize: valueSize ?? 0,
    maxEntries: f.maxEntries ?? 0,
    flags: f.flags ?? 0,
    ...(f.inner ? { innerMap: f.inner } : {}),
  };
  return validate(spec, section);
}

/** Checks the sizes each map type needs; error names the map and field. */
function validate(spec: MapSpec, section: string): MapSpec {
  const where = (x: string) => ({ section, field: `map '${spec.name}' ${x}` });
  const needKey = spec.type !== 'ringbuf';
  if (needKey && spec.keySize === 0) throw new ElfError(where('key_size'), 'is 0');
  if (spec.type !== 'ringbuf' && spec.valueSize === 0) throw new ElfError(where('value_size'), 'is 0');
  if (spec.maxEntries === 0) throw new ElfError(where('max_entries'), 'is 0');
  const isArray = spec.type === 'array' || spec.type === 'percpu_array' || spec.type === 'prog_array' || spec.type === 'perf_event_array' || spec.type === 'array_of_maps';
  if (isArray && spec.keySize !== 4) throw new ElfError(where('key_size'), `is ${spec.keySize}; ${spec.type} maps need 4`);
  if (spec.type === 'ringbuf') {
    const n = spec.maxEntries;
    if (n < 4096 || (n & (n - 1)) !== 0) throw new ElfError(where('max_entries'), `ring buffer size ${n} is not a power of 2 of at least 4096`);
  }
  return Object.freeze(spec);
}

function dataMap(file: ElfFile, s: ElfSection): ObjectMap {
  if (s.size > MAX_GLOBAL_DATA) {
    throw new ElfError({ section: s.name, field: 'sh_size' }, `global data of ${s.size} bytes is larger than the ${MAX_GLOBAL_DATA}-byte limit`);
  }
  const rodata = s.name.startsWith('.rodata');
  let initial: Uint8Array | undefined;
  if (s.type !== SectionType.NOBITS) {
    initial = s.data.slice();
    applyDataRelocs(file, s, initial);
  } else if (file.relocations.has(s.index)) {
    throw new ElfError({ section: s.name, field: 'relocations' }, 'a NOBITS section cannot have relocations');
  }
  const spec: MapSpec = {
    name: s.name,
    type: 'array',
    keySize: 4,
    valueSize: s.size,
    maxEntries: 1,
    flags: rodata ? BPF_F_RDONLY_PROG : 0,
    ...(initial ? { initialValue: initial } : {}),
    ...(rodata ? { frozen: true } : {}),
  };
  return { spec: Object.freeze(spec), section: s.index, offset: 0, size: s.size, kind: 'data' };
}

/**
 * R_BPF_64_ABS64/ABS32 inside global data. A symbol with an absolute value (SHN_ABS) is
 * written in place; a pointer to another object in VM memory cannot be known before load, so it
 * is refused naming the symbol.
 */
function applyDataRelocs(file: ElfFile, s: ElfSection, bytes: Uint8Array): void {
  const table = file.relocations.get(s.index);
  if (!table) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const r of table.relocs) {
    const where = { section: s.name, field: `relocation ${r.index} against '${r.symbol.name}'` };
    const width = r.type === RelType.R_BPF_64_ABS64 ? 8 : r.type === RelType.R_BPF_64_ABS32 ? 4 : 0;
    if (width === 0) throw new ElfError(where, `type ${r.type} is not valid in data (expected R_BPF_64_ABS64 or R_BPF_64_ABS32)`);
    if (r.offset + width > bytes.length) throw new ElfError(where, `offset ${r.offset} + ${width} is past the end of the section (${bytes.length} bytes)`);
    if (r.symbol.shndx !== SHN.ABS) {
      throw new ElfError(where, 'a pointer stored in global data cannot be relocated (its address is only known at load time)');
    }
    if (width === 8) view.setBigUint64(r.offset, view.getBigUint64(r.offset, true) + BigInt(r.symbol.value), true);
    else view.setUint32(r.offset, (view.getUint32(r.offset, true) + r.symbol.value) >>> 0, true);
  }
}
