/**
 * The C types a trace event or host structure may declare (`unsigned int`, `void *`,
 * `struct sk_buff *`, `char[16]`), parsed once into sizes and signedness. Layouts of structs
 * are `host-structs.ts`'s job; this file only knows scalars, pointers and char arrays.
 */
import { EbpfError } from '@ebpf/core';

/** A parsed C type. */
export type CType =
  /** An integer (bool, char, short, int, long, fixed-width types) or a pointer held as a number. */
  | { readonly kind: 'int'; readonly name: string; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean }
  /** A pointer; `struct` names the pointee struct when it is `struct X *`; `string` for `char *`. */
  | { readonly kind: 'ptr'; readonly name: string; readonly size: 8; readonly signed: false; readonly struct?: string; readonly string?: boolean }
  /** A fixed-size char array `char[N]`, holding a NUL-terminated (or full) string. */
  | { readonly kind: 'chars'; readonly name: string; readonly size: number; readonly signed: false };

const INTS: Record<string, [1 | 2 | 4 | 8, boolean]> = {
  bool: [1, false], _Bool: [1, false],
  char: [1, true], 'signed char': [1, true], 'unsigned char': [1, false], u8: [1, false], s8: [1, true], __u8: [1, false], __s8: [1, true],
  short: [2, true], 'unsigned short': [2, false], u16: [2, false], s16: [2, true], __u16: [2, false], __s16: [2, true], __be16: [2, false],
  int: [4, true], 'unsigned int': [4, false], unsigned: [4, false], u32: [4, false], s32: [4, true], __u32: [4, false], __s32: [4, true], pid_t: [4, true], __be32: [4, false],
  long: [8, true], 'unsigned long': [8, false], 'long long': [8, true], 'unsigned long long': [8, false],
  u64: [8, false], s64: [8, true], __u64: [8, false], __s64: [8, true], size_t: [8, false], ssize_t: [8, true],
};

/**
 * Parses a C type name.
 * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for a type it does not know.
 */
export function parseCType(text: string): CType {
  const t = text.trim().replace(/\s+/g, ' ').replace(/\s*\*\s*$/, ' *').replace(/^const /, '');
  const arr = /^(?:unsigned )?char ?\[(\d+)\]$/.exec(t);
  if (arr) {
    const n = Number(arr[1]);
    if (n < 1 || n > 4096) throw new EbpfError('USAGE', `type '${text}': char array size must be 1..4096`);
    return { kind: 'chars', name: `char[${n}]`, size: n, signed: false };
  }
  if (t.endsWith(' *')) {
    const base = t.slice(0, -2).trim().replace(/^const /, '');
    const st = /^struct (\w+)$/.exec(base);
    if (st) return { kind: 'ptr', name: `struct ${st[1]} *`, size: 8, signed: false, struct: st[1]! };
    if (base === 'char' || base === 'unsigned char') return { kind: 'ptr', name: 'char *', size: 8, signed: false, string: true };
    return { kind: 'ptr', name: `${base} *`, size: 8, signed: false };
  }
  const i = INTS[t] ?? INTS[t.replace(/^signed /, '').replace(/ int$/, '')];
  if (i) return { kind: 'int', name: t, size: i[0], signed: i[1] };
  throw new EbpfError('USAGE', `unknown C type '${text}' (use an integer type, a pointer, or char[N])`);
}

/** Converts a 64-bit value to a field of `size` bytes and `signed`ness, as a C cast does. */
export function castBig(v: bigint, size: number, signed: boolean): bigint {
  const bits = size * 8;
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

/** Largest magnitude a Number holds exactly. */
const SAFE = 9007199254740991;

/** A bigint as a Number when exact, else the bigint (entry values use Numbers where they can). */
export function compactInt(v: bigint): number | bigint {
  return v <= BigInt(SAFE) && v >= -BigInt(SAFE) ? Number(v) : v;
}

/**
 * Reads an integer of `size` bytes at byte `off` from little-endian memory: a Number when it is
 * exact, a bigint otherwise (only 8-byte values can need one).
 */
export function readInt(view: DataView, off: number, size: number, signed: boolean): number | bigint {
  switch (size) {
    case 1: return signed ? view.getInt8(off) : view.getUint8(off);
    case 2: return signed ? view.getInt16(off, true) : view.getUint16(off, true);
    case 4: return signed ? view.getInt32(off, true) : view.getUint32(off, true);
    default: {
      const lo = view.getUint32(off, true);
      const hi = view.getUint32(off + 4, true);
      if (hi < 0x200000) return hi * 4294967296 + lo;
      if (signed && hi >= 0xffe00000) return (hi - 4294967296) * 4294967296 + lo;
      const u = (BigInt(hi) << 32n) | BigInt(lo);
      return signed ? BigInt.asIntN(64, u) : u;
    }
  }
}

/**
 * Writes a host value as a 64-bit two's-complement slot (the interfaces' argument rule): integer
 * Numbers and bigints as themselves, booleans 0/1, null/undefined/NaN 0, other Numbers truncated.
 * `u32` is a Uint32Array over the memory, `idx` the 4-byte index of the slot.
 */
export function writeSlot(u32: Uint32Array, idx: number, v: number | bigint): void {
  if (typeof v === 'number') {
    if (v >= 0 && v <= 0xffffffff) {
      u32[idx] = v;
      u32[idx + 1] = 0;
      return;
    }
    if (!Number.isFinite(v)) {
      u32[idx] = 0;
      u32[idx + 1] = 0;
      return;
    }
    const n = Math.trunc(v);
    if (n >= -SAFE && n <= SAFE) {
      u32[idx] = n >>> 0;
      u32[idx + 1] = Math.floor(n / 4294967296) >>> 0;
      return;
    }
    v = BigInt(n);
  }
  const u = BigInt.asUintN(64, v);
  u32[idx] = Number(u & 0xffffffffn);
  u32[idx + 1] = Number(u >> 32n);
}
