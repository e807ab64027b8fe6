/**
 * CO-RE relocations (`.BTF.ext` core_relo records): the object says "the offset of
 * `struct pt_regs::di`", and the instruction gets the offset that the *subsystem* declares for
 * that field (its {@link StructLayout}s), not the one the object was compiled against. Fields,
 * structs or relocation kinds we cannot answer are refused with an error naming the field.
 * Kernel BTF, bitfields and enum relocations are out of scope.
 */
import type { StructField, StructLayout } from '../../subsystem/struct-layout.js';
import { Btf, BtfKind, type BtfType } from './btf.js';
import type { BtfCoreRelo } from './btf-ext.js';
import { ElfError } from './elf-error.js';

/** `enum bpf_core_relo_kind`. */
export const CoreReloKind = {
  FIELD_BYTE_OFFSET: 0, FIELD_BYTE_SIZE: 1, FIELD_EXISTS: 2, FIELD_SIGNED: 3, FIELD_LSHIFT_U64: 4,
  FIELD_RSHIFT_U64: 5, TYPE_ID_LOCAL: 6, TYPE_ID_TARGET: 7, TYPE_EXISTS: 8, TYPE_SIZE: 9,
  ENUMVAL_EXISTS: 10, ENUMVAL_VALUE: 11, TYPE_MATCHES: 12,
} as const;

const KIND_NAMES = ['field byte offset', 'field byte size', 'field exists', 'field signed', 'field lshift', 'field rshift', 'local type id', 'target type id', 'type exists', 'type size', 'enum value exists', 'enum value', 'type matches'];

/** What the object's own BTF says about a field access. */
interface LocalAccess {
  readonly struct: BtfType;
  /** `pt_regs.di`, `args[2]` style path (anonymous members skipped). */
  readonly path: string;
  /** Named member path for lookups (`di`, `outer.inner`). */
  readonly memberPath: string;
  /** Array index applied to the root pointer (`ctx[1].di`). */
  readonly rootIndex: number;
  /** Index into an array member, when the access ends in one. */
  readonly arrayIndex?: { readonly index: number; readonly elemSize: number };
  readonly byteOffset: number;
  readonly byteSize: number;
  readonly signed: boolean;
}

/** Struct name without a CO-RE flavor suffix (`pt_regs___v2` → `pt_regs`). */
function essentialName(name: string): string {
  const i = name.indexOf('___');
  return i > 0 ? name.slice(0, i) : name;
}

function parseAccess(btf: Btf, rec: BtfCoreRelo, where: { section: string; field: string }): LocalAccess {
  if (!/^\d+(:\d+)*$/.test(rec.access)) throw new ElfError(where, `access string '${rec.access}' is malformed`);
  const idx = rec.access.split(':').map(Number);
  const root = btf.skipModifiers(rec.typeId, where.field);
  if (root.kind !== BtfKind.STRUCT && root.kind !== BtfKind.UNION) {
    throw new ElfError(where, `root type [${rec.typeId}] is a ${Btf.kindName(root.kind)}, not a struct or union`);
  }
  const rootIndex = idx[0]!;
  let bits = 0;
  let t: BtfType = root;
  const names: string[] = [];
  const path: string[] = [root.name || '(anon)'];
  let arrayIndex: LocalAccess['arrayIndex'];
  let member: { bitfieldSize: number } | undefined;
  for (let k = 1; k < idx.length; k++) {
    const i = idx[k]!;
    if (arrayIndex) throw new ElfError(where, `access '${rec.access}' continues past an array element, which is not supported`);
    if (t.kind === BtfKind.STRUCT || t.kind === BtfKind.UNION) {
      const m = t.members[i];
      if (!m) throw new ElfError(where, `access '${rec.access}': ${btf.describe(t.id)} has no member #${i}`);
      bits += m.offset;
      member = m;
      if (m.name) { names.push(m.name); path.push(m.name); }
      t = btf.skipModifiers(m.type, where.field);
    } else if (t.kind === BtfKind.ARRAY) {
      const elemSize = btf.sizeOf(t.array!.type, where.field);
      if (i >= t.array!.nelems && t.array!.nelems !== 0) throw new ElfError(where, `access '${rec.access}': index ${i} is past the array's ${t.array!.nelems} elements`);
      bits += i * elemSize * 8;
      path[path.length - 1] += `[${i}]`;
      arrayIndex = { index: i, elemSize };
      t = btf.skipModifiers(t.array!.type, where.field);
    } else {
      throw new ElfError(where, `access '${rec.access}': cannot index into a ${Btf.kindName(t.kind)}`);
    }
  }
  if (member && (member.bitfieldSize !== 0 || bits % 8 !== 0)) {
    throw new ElfError({ ...where, field: `${where.field} (${path.join('.')})` }, 'bitfield relocations are not supported');
  }
  const byteSize = idx.length > 1 ? btf.sizeOf(t.id, where.field) : btf.sizeOf(root.id, where.field);
  return {
    struct: root,
    path: path.join('.'),
    memberPath: names.join('.'),
    rootIndex,
    ...(arrayIndex ? { arrayIndex } : {}),
    byteOffset: bits / 8 + rootIndex * btf.sizeOf(root.id, where.field),
    byteSize,
    signed: t.kind === BtfKind.INT ? t.int!.signed : t.kind === BtfKind.ENUM,
  };
}

/** The value the local BTF gives (what clang put in the instruction). */
function localValue(kind: number, a: LocalAccess, rec: BtfCoreRelo): number {
  switch (kind) {
    case CoreReloKind.FIELD_BYTE_OFFSET: return a.byteOffset;
    case CoreReloKind.FIELD_BYTE_SIZE: return a.byteSize;
    case CoreReloKind.FIELD_EXISTS: case CoreReloKind.TYPE_EXISTS: case CoreReloKind.TYPE_MATCHES: return 1;
    case CoreReloKind.FIELD_SIGNED: return a.signed ? 1 : 0;
    case CoreReloKind.FIELD_LSHIFT_U64: case CoreReloKind.FIELD_RSHIFT_U64: return 64 - a.byteSize * 8;
    case CoreReloKind.TYPE_ID_LOCAL: return rec.typeId;
    case CoreReloKind.TYPE_SIZE: return a.byteSize;
    default: return 0;
  }
}

/**
 * Computes the value of one CO-RE relocation against the subsystem's struct layouts.
 * @throws {@link ElfError} naming the field when it cannot be answered.
 */
export function resolveCoreRelo(btf: Btf, rec: BtfCoreRelo, structs: readonly StructLayout[] | undefined, subsystem: string | undefined, where: { section: string; field: string }): { value: number; local: number; what: string; size?: number } {
  const kindName = KIND_NAMES[rec.kind];
  if (kindName === undefined) throw new ElfError(where, `unknown CO-RE relocation kind ${rec.kind}`);
  if (rec.kind === CoreReloKind.ENUMVAL_EXISTS || rec.kind === CoreReloKind.ENUMVAL_VALUE) {
    throw new ElfError(where, `CO-RE ${kindName} relocations (type [${rec.typeId}] '${btf.type(rec.typeId).name}', access '${rec.access}') are not supported`);
  }
  if (rec.kind === CoreReloKind.TYPE_ID_TARGET) {
    throw new ElfError(where, `CO-RE ${kindName} relocation for ${btf.describe(rec.typeId)}: there is no target BTF to give type ids`);
  }
  const access = parseAccess(btf, rec, where);
  const local = localValue(rec.kind, access, rec);
  if (rec.kind === CoreReloKind.TYPE_ID_LOCAL) return { value: rec.typeId, local, what: access.path };
  const structName = essentialName(access.struct.name);
  const what = `${structName}${access.path.slice(access.path.indexOf('.') < 0 ? access.path.length : access.path.indexOf('.'))}`;
  const refuse = (why: string): never => {
    throw new ElfError({ ...where, field: `${where.field} (${kindName} of '${what}')` }, why);
  };
  if (!structs || structs.length === 0) {
    refuse(subsystem ? `subsystem '${subsystem}' describes no structs to resolve CO-RE relocations against` : 'the section names no subsystem whose structs could resolve CO-RE relocations');
  }
  const layout = structs!.find((s) => s.name === structName);
  const isType = rec.kind === CoreReloKind.TYPE_EXISTS || rec.kind === CoreReloKind.TYPE_MATCHES || rec.kind === CoreReloKind.TYPE_SIZE;
  if (isType) {
    if (rec.kind === CoreReloKind.TYPE_SIZE) {
      if (!layout) refuse(`struct '${structName}' is not described by subsystem '${subsystem ?? '?'}'`);
      return { value: layout!.size, local, what };
    }
    return { value: layout ? 1 : 0, local, what };
  }
  const field: StructField | undefined = layout ? (access.memberPath === '' ? { name: '', offset: 0, size: layout.size } : layout.fields.find((f) => f.name === access.memberPath)) : undefined;
  if (rec.kind === CoreReloKind.FIELD_EXISTS) return { value: field ? 1 : 0, local, what };
  if (!layout) refuse(`struct '${structName}' is not described by subsystem '${subsystem ?? '?'}'`);
  if (!field) refuse(`field '${access.memberPath}' of struct '${structName}' is not described by subsystem '${subsystem ?? '?'}'`);
  let offset = field!.offset + access.rootIndex * layout!.size;
  let size = field!.size;
  if (access.arrayIndex) {
    const { index, elemSize } = access.arrayIndex;
    if ((index + 1) * elemSize > field!.size) refuse(`element ${index} (of ${elemSize} bytes) is outside the field's ${field!.size} bytes`);
    offset += index * elemSize;
    size = elemSize;
  }
  switch (rec.kind) {
    case CoreReloKind.FIELD_BYTE_OFFSET: return { value: offset, local, what, size };
    case CoreReloKind.FIELD_BYTE_SIZE: return { value: size, local, what };
    case CoreReloKind.FIELD_SIGNED: return { value: (field!.signed ?? access.signed) ? 1 : 0, local, what };
    default: return { value: 64 - size * 8, local, what };
  }
}

/**
 * Applies one CO-RE relocation to the instruction at byte `at` of `code` (a section copy).
 * ALU immediates, load/store offsets and `ld_imm64` constants can be patched.
 * @throws {@link ElfError} when the instruction cannot carry the value, or holds an unexpected one.
 */
export function applyCoreRelo(code: Uint8Array, at: number, rec: BtfCoreRelo, value: { value: number; local: number; what: string; size?: number }, where: { section: string; field: string }): void {
  const w = { ...where, field: `${where.field} (${KIND_NAMES[rec.kind]} of '${value.what}')` };
  if (at % 8 !== 0 || at + 8 > code.length) throw new ElfError(w, `instruction offset ${at} is outside the section (${code.length} bytes) or not aligned`);
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  const op = code[at]!;
  const cls = op & 0x07;
  if (op === 0x18) {
    if (at + 16 > code.length) throw new ElfError(w, 'ld_imm64 is truncated');
    const cur = view.getUint32(at + 4, true) + view.getUint32(at + 12, true) * 2 ** 32;
    if (cur !== value.local) throw new ElfError(w, `ld_imm64 holds ${cur}, the object's BTF says ${value.local}`);
    view.setUint32(at + 4, value.value >>> 0, true);
    view.setUint32(at + 12, Math.floor(value.value / 2 ** 32) >>> 0, true);
    return;
  }
  if ((cls === 0x04 || cls === 0x07) && (op & 0x08) === 0) {
    const cur = view.getInt32(at + 4, true);
    if (cur !== value.local) throw new ElfError(w, `instruction immediate is ${cur}, the object's BTF says ${value.local}`);
    view.setInt32(at + 4, value.value, true);
    return;
  }
  if (cls === 0x01 || cls === 0x02 || cls === 0x03) {
    if (rec.kind !== CoreReloKind.FIELD_BYTE_OFFSET) throw new ElfError(w, 'only field offsets can patch a load or store');
    const cur = view.getInt16(at + 2, true);
    if (cur !== value.local) throw new ElfError(w, `instruction offset is ${cur}, the object's BTF says ${value.local}`);
    const width = [4, 2, 1, 8][(op >> 3) & 3]!;
    if (value.size !== undefined && value.size !== width) {
      throw new ElfError(w, `the instruction accesses ${width} bytes but the subsystem's field is ${value.size} bytes`);
    }
    if (value.value > 0x7fff) throw new ElfError(w, `offset ${value.value} does not fit a load/store offset`);
    view.setInt16(at + 2, value.value, true);
    return;
  }
  throw new ElfError(w, `instruction opcode 0x${op.toString(16)} cannot carry a CO-RE value`);
}
