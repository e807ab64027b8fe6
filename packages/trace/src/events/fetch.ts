/**
 * Fetch paths: where an event field comes from, as a C expression over the probe's arguments
 * (`skb`, `skb->len`, `skb->dev->name`), the way TP_fast_assign reads them. One parsed path
 * serves both sides: the JS evaluator here fills the recorded entry, and the filter compiler
 * (`filter/compile.ts`) turns the same path into BPF helper calls, so both read the same bytes.
 */
import { EbpfError, GUARD_SIZE, type VmMemory } from '@ebpf/core';
import { castBig, readInt, type CType } from '../ctypes.js';
import type { StructRegistry } from '../host-structs.js';

/** How the last step of a path reads its value. */
export type FetchFinal =
  /** The argument slot itself, cast to the field's type. */
  | { readonly kind: 'value' }
  /** An integer or pointer at `offset` from the current pointer. */
  | { readonly kind: 'int'; readonly offset: number; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean }
  /** A char array of `size` bytes at `offset` (string up to NUL or `size` bytes). */
  | { readonly kind: 'array'; readonly offset: number; readonly size: number }
  /** A NUL-terminated string the current pointer points to (at most `size - 1` chars). */
  | { readonly kind: 'str'; readonly size: number };

/** A parsed fetch path: start from argument `arg`, follow `hops`, then read `final`. */
export interface FetchPath {
  /** Index of the argument (0 = first). */
  readonly arg: number;
  /** Byte offsets of pointer fields to dereference, in order (8-byte reads). */
  readonly hops: readonly number[];
  readonly final: FetchFinal;
  /** The path's text, for messages. */
  readonly text: string;
}

/** A probe argument as the path parser sees it. */
export interface ArgDecl {
  readonly name: string;
  readonly type: CType;
}

/**
 * Parses `arg`, `arg->field`, `arg->a->b` against the arguments' types and struct layouts, for
 * an event field of type `fieldType`.
 * @throws {@link @ebpf/core!EbpfError} (`USAGE`) naming the path when it does not resolve.
 */
export function parseFetchPath(text: string, args: readonly ArgDecl[], structs: StructRegistry, fieldType: CType): FetchPath {
  const parts = text.split('->').map((p) => p.trim());
  const bad = (why: string) => new EbpfError('USAGE', `field source '${text}': ${why}`);
  const arg = args.findIndex((a) => a.name === parts[0]);
  if (arg < 0) throw bad(`'${parts[0]}' is not an argument (arguments: ${args.map((a) => a.name).join(', ') || 'none'})`);
  let cur: CType = args[arg]!.type;
  const hops: number[] = [];
  if (parts.length === 1) {
    if (fieldType.kind === 'chars') {
      if (cur.kind !== 'ptr' || !cur.string) throw bad(`a char array field needs a 'char *' argument, not '${cur.name}'`);
      return { arg, hops, final: { kind: 'str', size: fieldType.size }, text };
    }
    return { arg, hops, final: { kind: 'value' }, text };
  }
  for (let i = 1; i < parts.length; i++) {
    if (cur.kind !== 'ptr' || !cur.struct) throw bad(`'${parts.slice(0, i).join('->')}' is not a struct pointer`);
    const layout = structs.get(cur.struct);
    if (!layout) throw bad(`struct ${cur.struct} has no known layout`);
    const f = layout.field(parts[i]!);
    if (!f) throw bad(`struct ${layout.name} has no field '${parts[i]}'`);
    if (i < parts.length - 1) {
      hops.push(f.offset);
      cur = f.type;
      continue;
    }
    if (f.type.kind === 'chars') {
      if (fieldType.kind !== 'chars') throw bad(`'${parts[i]}' is a char array; declare the field as char[N]`);
      return { arg, hops, final: { kind: 'array', offset: f.offset, size: Math.min(f.type.size, fieldType.size) }, text };
    }
    if (fieldType.kind === 'chars') {
      if (f.type.kind !== 'ptr' || !f.type.string) throw bad(`'${parts[i]}' is not a string`);
      hops.push(f.offset);
      return { arg, hops, final: { kind: 'str', size: fieldType.size }, text };
    }
    return { arg, hops, final: { kind: 'int', offset: f.offset, size: f.type.size, signed: f.type.signed }, text };
  }
  throw bad('empty path');
}

/**
 * The rule every unsafe read of the trace subsystem follows (helpers and the entry's fetches
 * alike), as `probe_kernel_read` reads any mapped kernel address: `size` bytes at VM offset
 * `off` are readable when they lie inside VM memory past the NULL guard. Cheap: no region walk.
 */
export function readable(mem: VmMemory, off: number, size: number): boolean {
  return off >= GUARD_SIZE && off + size <= mem.size && size >= 0;
}

/**
 * Reads a NUL-terminated string at VM offset `off`: at most `max - 1` bytes, stopping at NUL or at the
 * end of VM memory (the `probe_read_str` rule shared with the helpers). Returns its VM offset and
 * length, or offset -1 when `addr` is not readable.
 */
export function strSpan(mem: VmMemory, off: number, max: number): { off: number; len: number } {
  if (max < 1 || !readable(mem, off, 1)) return { off: -1, len: 0 };
  const limit = Math.min(off + max - 1, mem.size);
  const bytes = mem.bytes;
  let i = off;
  while (i < limit && bytes[i] !== 0) i++;
  return { off, len: i - off };
}

/** The bytes up to the first NUL (at most `len`) as a flat one-char-per-byte string. */
function latin1(b: Uint8Array, o: number, len: number): string {
  let n = 0;
  while (n < len && b[o + n] !== 0) n++;
  const f = String.fromCharCode;
  switch (n) {
    case 0: return '';
    case 1: return f(b[o]!);
    case 2: return f(b[o]!, b[o + 1]!);
    case 3: return f(b[o]!, b[o + 1]!, b[o + 2]!);
    case 4: return f(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);
    case 5: return f(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!);
    case 6: return f(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!, b[o + 5]!);
    case 7: return f(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!, b[o + 5]!, b[o + 6]!);
    case 8: return f(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!, b[o + 4]!, b[o + 5]!, b[o + 6]!, b[o + 7]!);
    default: {
      const codes = new Array<number>(n);
      for (let i = 0; i < n; i++) codes[i] = b[o + i]!;
      return f.apply(null, codes);
    }
  }
}

/** Reads a u64 pointer at VM offset `off` when 8 readable bytes are there, else 0 (bpf_load_pointer). */
export function loadPointer(mem: VmMemory, off: number): number {
  if (!readable(mem, off, 8)) return 0;
  const v = readInt(mem.view, off, 8, false);
  return typeof v === 'bigint' ? Number.MAX_SAFE_INTEGER : v; // unrepresentable: never a valid address
}

/**
 * Evaluates a path over VM memory: `slots` are the argument values as marshalled (addresses for
 * pointers). Unreadable memory reads as 0 / empty string, as a failed probe read zero-fills.
 * `type` is the event field's type (the value is cast to it).
 */
export function evalFetch(mem: VmMemory, slots: ArrayLike<number | bigint>, path: FetchPath, type: CType): number | bigint | string {
  const v0 = slots[path.arg] ?? 0;
  const fin = path.final;
  if (fin.kind === 'value') return castValue(v0, type);
  let p = typeof v0 === 'bigint' ? Number(BigInt.asUintN(64, v0)) : v0;
  for (const h of path.hops) p = loadPointer(mem, p + h - mem.baseNumber);
  if (fin.kind === 'str') {
    const s = strSpan(mem, p - mem.baseNumber, fin.size);
    return s.off < 0 ? '' : latin1(mem.bytes, s.off, s.len);
  }
  const off = p + fin.offset - mem.baseNumber;
  if (fin.kind === 'array') return readable(mem, off, fin.size) ? latin1(mem.bytes, off, fin.size) : '';
  if (!readable(mem, off, fin.size)) return castValue(0, type);
  return castValue(readInt(mem.view, off, fin.size, fin.signed), type);
}

/** Casts a 64-bit value to an integer field type (strings pass through). */
export function castValue(v: number | bigint, type: CType): number | bigint {
  if (type.kind === 'chars') return 0;
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (type.size === 8 && (type.signed ? Math.abs(v) <= Number.MAX_SAFE_INTEGER : v >= 0 && v <= Number.MAX_SAFE_INTEGER)) return v;
    if (type.size === 4) return type.signed ? v | 0 : v >>> 0;
    if (type.size === 2) return type.signed ? (v << 16) >> 16 : v & 0xffff;
    if (type.size === 1) return type.signed ? (v << 24) >> 24 : v & 0xff;
  }
  const big = typeof v === 'bigint' ? v : BigInt(Number.isFinite(v) ? Math.trunc(v) : 0);
  const c = castBig(big, type.size, type.signed);
  return c <= BigInt(Number.MAX_SAFE_INTEGER) && c >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c;
}
