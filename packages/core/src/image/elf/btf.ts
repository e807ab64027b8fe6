/**
 * BTF (the `.BTF` section): the type graph clang emits with `-g`. Parsed completely enough for
 * what the loader needs — names, sizes, struct members, arrays, pointers, variables and data
 * sections (BTF-defined maps, CO-RE access strings, function names). Every offset, count and
 * type id is checked; type chains are followed with a depth limit so a cyclic graph is an error,
 * not a hang. Deduplication, writing and kernel BTF are out of scope.
 */
import { ElfError } from './elf-error.js';
import { decodeName } from './reader.js';

/** BTF kinds (`info >> 24 & 0x1f`). */
export const BtfKind = {
  UNKN: 0, INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8,
  VOLATILE: 9, CONST: 10, RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15,
  FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19,
} as const;

const KIND_NAMES = ['unknown', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile', 'const', 'restrict', 'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64'];

/** A struct/union member, func_proto parameter, enum value or datasec variable. */
export interface BtfMember {
  readonly name: string;
  /** Member / parameter / variable type id (0 for enum values). */
  readonly type: number;
  /** Struct members: bit offset; datasec: byte offset; enum: the value (low 32 bits). */
  readonly offset: number;
  /** Struct members with kind_flag: bitfield size in bits (0 = not a bitfield). Datasec: byte size. */
  readonly bitfieldSize: number;
}

/** One BTF type. */
export interface BtfType {
  readonly id: number;
  readonly kind: number;
  readonly name: string;
  /** `size` for int/struct/union/enum/datasec/float; otherwise the referenced type id. */
  readonly sizeOrType: number;
  readonly kindFlag: boolean;
  /** Members (struct, union, func_proto params, enum values, datasec vars). */
  readonly members: readonly BtfMember[];
  /** Arrays: element type, index type, number of elements. */
  readonly array?: { readonly type: number; readonly indexType: number; readonly nelems: number };
  /** Ints: signedness and width. */
  readonly int?: { readonly signed: boolean; readonly bits: number; readonly bitOffset: number };
  /** Vars: linkage (0 static, 1 global, 2 extern). */
  readonly linkage?: number;
}

const MAX_CHAIN = 64;
const MAGIC = 0xeb9f;

/** Parsed BTF: types by id (id 0 is `void`) and the string table. */
export class Btf {
  /** Types indexed by id; entry 0 is the implicit `void`. */
  readonly types: readonly BtfType[];
  private readonly strings: Uint8Array;
  private readonly section: string;
  private readonly cache = new Map<number, string>();

  private constructor(types: BtfType[], strings: Uint8Array, section: string) {
    this.types = types;
    this.strings = strings;
    this.section = section;
  }

  /**
   * Parses a `.BTF` section.
   * @throws {@link ElfError} naming the header field, type id or string offset at fault.
   */
  static parse(data: Uint8Array, section = '.BTF'): Btf {
    const at = (field: string) => ({ section, field });
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (data.length < 24) throw new ElfError(at('header'), `truncated: ${data.length} bytes, the header needs 24`);
    const magic = view.getUint16(0, true);
    if (magic !== MAGIC) throw new ElfError(at('magic'), `0x${magic.toString(16)} is not 0xeb9f (or the BTF is big-endian)`);
    const version = view.getUint8(2);
    if (version !== 1) throw new ElfError(at('version'), `version ${version} is not supported`);
    const hdrLen = view.getUint32(4, true);
    if (hdrLen < 24 || hdrLen > data.length) throw new ElfError(at('hdr_len'), `${hdrLen} is outside 24..${data.length}`);
    const typeOff = view.getUint32(8, true);
    const typeLen = view.getUint32(12, true);
    const strOff = view.getUint32(16, true);
    const strLen = view.getUint32(20, true);
    const body = data.length - hdrLen;
    if (typeOff + typeLen > body) throw new ElfError(at('type_off/type_len'), `types ${typeOff}..${typeOff + typeLen} are past the end of the section (${body} bytes after the header)`);
    if (strOff + strLen > body) throw new ElfError(at('str_off/str_len'), `strings ${strOff}..${strOff + strLen} are past the end of the section (${body} bytes after the header)`);
    if (typeLen % 4 !== 0) throw new ElfError(at('type_len'), `${typeLen} is not a multiple of 4`);
    const strings = data.subarray(hdrLen + strOff, hdrLen + strOff + strLen);
    if (strLen > 0 && strings[0] !== 0) throw new ElfError(at('strings'), 'the string table does not start with an empty string');
    if (strLen > 0 && strings[strLen - 1] !== 0) throw new ElfError(at('strings'), 'the string table is not NUL-terminated');

    const btf = new Btf([], strings, section);
    const types = btf.types as BtfType[];
    types.push(Object.freeze({ id: 0, kind: BtfKind.UNKN, name: 'void', sizeOrType: 0, kindFlag: false, members: [] }));
    let p = hdrLen + typeOff;
    const end = p + typeLen;
    const u32 = (o: number, field: string): number => {
      if (o + 4 > end) throw new ElfError(at(field), `truncated at byte ${o - hdrLen - typeOff} of the type section`);
      return view.getUint32(o, true);
    };
    while (p < end) {
      const id = types.length;
      const w = (f: string) => `type [${id}] ${f}`;
      const nameOff = u32(p, w('name_off'));
      const info = u32(p + 4, w('info'));
      const sizeOrType = u32(p + 8, w('size/type'));
      p += 12;
      const kind = (info >>> 24) & 0x1f;
      const vlen = info & 0xffff;
      const kindFlag = (info >>> 31) === 1;
      const name = btf.str(nameOff, w('name_off'));
      const members: BtfMember[] = [];
      let extra: Partial<BtfType> = {};
      switch (kind) {
        case BtfKind.INT: {
          const e = u32(p, w('int encoding'));
          p += 4;
          extra = { int: { signed: ((e >>> 24) & 1) === 1, bits: e & 0xff, bitOffset: (e >>> 16) & 0xff } };
          break;
        }
        case BtfKind.PTR: case BtfKind.FWD: case BtfKind.TYPEDEF: case BtfKind.VOLATILE: case BtfKind.CONST:
        case BtfKind.RESTRICT: case BtfKind.FUNC: case BtfKind.FLOAT: case BtfKind.TYPE_TAG:
          break;
        case BtfKind.ARRAY:
          extra = { array: { type: u32(p, w('array type')), indexType: u32(p + 4, w('array index_type')), nelems: u32(p + 8, w('array nelems')) } };
          p += 12;
          break;
        case BtfKind.STRUCT: case BtfKind.UNION:
          for (let i = 0; i < vlen; i++, p += 12) {
            const off = u32(p + 8, w(`member ${i} offset`));
            members.push({
              name: btf.str(u32(p, w(`member ${i} name_off`)), w(`member ${i} name_off`)),
              type: u32(p + 4, w(`member ${i} type`)),
              offset: kindFlag ? off & 0xffffff : off,
              bitfieldSize: kindFlag ? off >>> 24 : 0,
            });
          }
          break;
        case BtfKind.ENUM:
          for (let i = 0; i < vlen; i++, p += 8) {
            members.push({ name: btf.str(u32(p, w(`enum value ${i} name_off`)), w(`enum value ${i}`)), type: 0, offset: u32(p + 4, w(`enum value ${i} val`)) | 0, bitfieldSize: 0 });
          }
          break;
        case BtfKind.ENUM64:
          for (let i = 0; i < vlen; i++, p += 12) {
            members.push({ name: btf.str(u32(p, w(`enum64 value ${i} name_off`)), w(`enum64 value ${i}`)), type: 0, offset: u32(p + 4, w(`enum64 value ${i} val_lo32`)) | 0, bitfieldSize: 0 });
            u32(p + 8, w(`enum64 value ${i} val_hi32`));
          }
          break;
        case BtfKind.FUNC_PROTO:
          for (let i = 0; i < vlen; i++, p += 8) {
            members.push({ name: btf.str(u32(p, w(`param ${i} name_off`)), w(`param ${i}`)), type: u32(p + 4, w(`param ${i} type`)), offset: 0, bitfieldSize: 0 });
          }
          break;
        case BtfKind.VAR:
          extra = { linkage: u32(p, w('var linkage')) };
          p += 4;
          break;
        case BtfKind.DATASEC:
          for (let i = 0; i < vlen; i++, p += 12) {
            members.push({ name: '', type: u32(p, w(`var ${i} type`)), offset: u32(p + 4, w(`var ${i} offset`)), bitfieldSize: u32(p + 8, w(`var ${i} size`)) });
          }
          break;
        case BtfKind.DECL_TAG:
          u32(p, w('decl_tag component_idx'));
          p += 4;
          break;
        default:
          throw new ElfError(at(w('info')), `unknown kind ${kind}`);
      }
      types.push(Object.freeze({ id, kind, name, sizeOrType, kindFlag, members: Object.freeze(members), ...extra }));
    }
    // Every referenced id must exist.
    const n = types.length;
    for (const t of types) {
      const bad = (ref: number, what: string) => {
        if (ref >= n) throw new ElfError(at(`type [${t.id}] ${what}`), `refers to type id ${ref}, but there are only ${n - 1} types`);
      };
      if (refersToType(t.kind)) bad(t.sizeOrType, 'type');
      if (t.array) { bad(t.array.type, 'array type'); bad(t.array.indexType, 'array index_type'); }
      if (t.kind === BtfKind.STRUCT || t.kind === BtfKind.UNION || t.kind === BtfKind.FUNC_PROTO || t.kind === BtfKind.DATASEC) {
        t.members.forEach((m, i) => bad(m.type, `member ${i} type`));
      }
    }
    return btf;
  }

  /**
   * A string of the BTF string table.
   * @throws {@link ElfError} when `off` is outside the table.
   */
  str(off: number, field: string): string {
    if (off === 0) return '';
    if (off >= this.strings.length) throw new ElfError({ section: this.section, field }, `string offset ${off} is outside the string table (${this.strings.length} bytes)`);
    const end = this.strings.indexOf(0, off);
    const hit = this.cache.get(off);
    if (hit !== undefined) return hit;
    const out = decodeName(this.strings, off, end < 0 ? this.strings.length : end);
    this.cache.set(off, out);
    return out;
  }

  /**
   * The type with `id`.
   * @throws {@link ElfError} when there is no such type.
   */
  type(id: number, field = 'type id'): BtfType {
    const t = this.types[id];
    if (t === undefined) throw new ElfError({ section: this.section, field }, `type id ${id} does not exist (there are ${this.types.length - 1})`);
    return t;
  }

  /** The kind's name (`struct`, `ptr`, ...). */
  static kindName(kind: number): string {
    return KIND_NAMES[kind] ?? `kind ${kind}`;
  }

  /**
   * Follows typedefs and qualifiers (const, volatile, restrict, type tags) to the underlying type.
   * @throws {@link ElfError} on a chain longer than 64 (a cycle).
   */
  skipModifiers(id: number, field = 'type id'): BtfType {
    let t = this.type(id, field);
    for (let i = 0; i < MAX_CHAIN; i++) {
      if (!isModifier(t.kind)) return t;
      t = this.type(t.sizeOrType, field);
    }
    throw new ElfError({ section: this.section, field }, `type [${id}]: chain of typedefs/qualifiers is too long (a cycle?)`);
  }

  /**
   * Size in bytes of the type with `id` (after modifiers; arrays multiply; pointers are 8).
   * @throws {@link ElfError} for types without a size (void, func, fwd) or cycles.
   */
  sizeOf(id: number, field = 'type id', depth = 0): number {
    if (depth > MAX_CHAIN) throw new ElfError({ section: this.section, field }, `type [${id}]: nesting is too deep (a cycle?)`);
    const t = this.skipModifiers(id, field);
    switch (t.kind) {
      case BtfKind.INT: case BtfKind.STRUCT: case BtfKind.UNION: case BtfKind.ENUM: case BtfKind.ENUM64:
      case BtfKind.FLOAT: case BtfKind.DATASEC:
        return t.sizeOrType;
      case BtfKind.PTR:
        return 8;
      case BtfKind.ARRAY: {
        const n = t.array!.nelems * this.sizeOf(t.array!.type, field, depth + 1);
        if (!Number.isSafeInteger(n)) throw new ElfError({ section: this.section, field }, `type [${id}]: array size overflows`);
        return n;
      }
      case BtfKind.VAR:
        return this.sizeOf(t.sizeOrType, field, depth + 1);
      default:
        throw new ElfError({ section: this.section, field }, `type [${id}] (${Btf.kindName(t.kind)} '${t.name}') has no size`);
    }
  }

  /** The first type of `kind` named `name`, if any. */
  find(kind: number, name: string): BtfType | undefined {
    return this.types.find((t) => t.kind === kind && t.name === name);
  }

  /** A readable name for a type (`struct pt_regs`, `int`, `void *`), for messages. */
  describe(id: number): string {
    const t = this.types[id];
    if (t === undefined) return `type ${id}`;
    switch (t.kind) {
      case BtfKind.STRUCT: return `struct ${t.name || '(anon)'}`;
      case BtfKind.UNION: return `union ${t.name || '(anon)'}`;
      case BtfKind.ENUM: case BtfKind.ENUM64: return `enum ${t.name || '(anon)'}`;
      case BtfKind.PTR: return `${this.describe(t.sizeOrType)} *`;
      case BtfKind.UNKN: return 'void';
      case BtfKind.CONST: return `const ${this.describe(t.sizeOrType)}`;
      case BtfKind.VOLATILE: return `volatile ${this.describe(t.sizeOrType)}`;
      default: return t.name || Btf.kindName(t.kind);
    }
  }
}

/** True for typedef and the qualifiers that do not change layout. */
export function isModifier(kind: number): boolean {
  return kind === BtfKind.TYPEDEF || kind === BtfKind.VOLATILE || kind === BtfKind.CONST || kind === BtfKind.RESTRICT || kind === BtfKind.TYPE_TAG;
}

function refersToType(kind: number): boolean {
  return kind === BtfKind.PTR || kind === BtfKind.TYPEDEF || kind === BtfKind.VOLATILE || kind === BtfKind.CONST || kind === BtfKind.RESTRICT
    || kind === BtfKind.FUNC || kind === BtfKind.VAR || kind === BtfKind.TYPE_TAG || kind === BtfKind.DECL_TAG || kind === BtfKind.FUNC_PROTO;
}
