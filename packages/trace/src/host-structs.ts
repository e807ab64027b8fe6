/**
 * Host structures: C-struct layouts that a host lays out in VM memory so BPF programs can walk
 * pointers the way the seed's examples walk `struct sk_buff` and `struct net_device`. Objects
 * live in read-only (to programs) slabs; the host reads and writes them directly. Programs reach
 * them only through helpers (`bpf_load_pointer`, `bpf_probe_read_kernel`), never by a plain load.
 */
import { EbpfError, type Region, type Vm } from '@ebpf/core';
import { parseCType, readInt, type CType } from './ctypes.js';

/** One field of a struct layout. */
export interface StructField {
  readonly name: string;
  readonly type: CType;
  readonly offset: number;
}

/** A C struct layout. */
export interface StructLayout {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly StructField[];
  /** Field by name. */
  field(name: string): StructField | undefined;
}

/** Declaration of one field for {@link defineStruct}: the offset defaults to natural alignment. */
export interface StructFieldDecl {
  readonly name: string;
  /** A C type (`unsigned int`, `struct net_device *`, `char[16]`). */
  readonly type: string;
  readonly offset?: number;
}

/**
 * Defines a struct layout; offsets not given follow natural alignment after the previous field.
 * @throws {@link @ebpf/core!EbpfError} (`USAGE`) on unknown types or overlapping fields.
 */
export function defineStruct(name: string, decls: readonly StructFieldDecl[], size?: number): StructLayout {
  const fields: StructField[] = [];
  let end = 0;
  let align = 1;
  for (const d of decls) {
    const type = parseCType(d.type);
    const a = type.kind === 'chars' ? 1 : type.size;
    const offset = d.offset ?? Math.ceil(end / a) * a;
    if (offset < end) throw new EbpfError('USAGE', `struct ${name}: field ${d.name} at ${offset} overlaps the previous field`);
    fields.push({ name: d.name, type, offset });
    end = offset + type.size;
    align = Math.max(align, a);
  }
  const total = size ?? Math.ceil(end / align) * align;
  if (total < end) throw new EbpfError('USAGE', `struct ${name}: size ${total} is smaller than its fields (${end})`);
  const byName = new Map(fields.map((f) => [f.name, f]));
  return Object.freeze({ name, size: Math.max(total, 1), fields, field: (n: string) => byName.get(n) });
}

/**
 * The seed's `struct sk_buff` (Linux 3.13 on x86-64): `dev` at +32 as filter_ex1/ex2 read it.
 * Only the fields our simulated network stack fills are declared.
 */
export const SK_BUFF = defineStruct('sk_buff', [
  { name: 'next', type: 'struct sk_buff *', offset: 0 },
  { name: 'prev', type: 'struct sk_buff *', offset: 8 },
  { name: 'tstamp', type: 'u64', offset: 16 },
  { name: 'sk', type: 'void *', offset: 24 },
  { name: 'dev', type: 'struct net_device *', offset: 32 },
  { name: 'cb', type: 'char[48]', offset: 40 },
  { name: 'len', type: 'unsigned int', offset: 88 },
  { name: 'data_len', type: 'unsigned int', offset: 92 },
  { name: 'protocol', type: '__be16', offset: 96 },
  { name: 'data', type: 'unsigned char *', offset: 104 },
], 112);

/** The seed's `struct net_device`: `name` (IFNAMSIZ = 16) at +0. */
export const NET_DEVICE = defineStruct('net_device', [
  { name: 'name', type: 'char[16]', offset: 0 },
  { name: 'ifindex', type: 'int', offset: 16 },
  { name: 'mtu', type: 'unsigned int', offset: 20 },
], 64);

/** Known struct layouts by name, so `struct X *` arguments and fields resolve. */
export class StructRegistry {
  private readonly byName = new Map<string, StructLayout>();

  /** A registry holding the built-in `sk_buff` and `net_device`. */
  constructor(layouts: readonly StructLayout[] = [SK_BUFF, NET_DEVICE]) {
    for (const l of layouts) this.add(l);
  }

  /** Adds (or replaces) a layout. */
  add(layout: StructLayout): StructLayout {
    this.byName.set(layout.name, layout);
    return layout;
  }

  /** The layout called `name`, if known. */
  get(name: string): StructLayout | undefined {
    return this.byName.get(name);
  }

  /** Every layout. */
  all(): StructLayout[] {
    return [...this.byName.values()];
  }
}

/**
 * A host object living in VM memory: passing it as an argument passes its address, with no copy.
 */
export class HostRef {
  /**
   * @param vm the VM whose memory holds the object
   * @param layout its struct layout
   * @param offset byte offset in VM memory
   */
  constructor(readonly vm: Vm, readonly layout: StructLayout, readonly offset: number) {}

  /** The address programs see (a Number: addresses are below 2^53). */
  get address(): number {
    return this.vm.mem.baseNumber + this.offset;
  }

  /**
   * Reads a field: integers and pointers as Numbers (bigints past 2^53), char arrays as strings.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for an unknown field.
   */
  get(name: string): number | bigint | string {
    const f = this.fieldOf(name);
    const off = this.offset + f.offset;
    if (f.type.kind === 'chars') return readCString(this.vm.mem.bytes, off, f.type.size);
    return readInt(this.vm.mem.view, off, f.type.size, f.type.signed);
  }

  /**
   * Writes a field: Numbers/bigints/booleans for integers, a HostRef (its address) or a number for
   * pointers, a string for char arrays (truncated to the array, NUL-padded).
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for an unknown field.
   */
  set(name: string, value: number | bigint | boolean | string | HostRef | null): this {
    const f = this.fieldOf(name);
    writeField(this.vm, this.offset + f.offset, f.type, value);
    return this;
  }

  private fieldOf(name: string): StructField {
    const f = this.layout.field(name);
    if (!f) throw new EbpfError('USAGE', `struct ${this.layout.name} has no field '${name}'`);
    return f;
  }
}

/**
 * Writes one value into memory at `off` as type `t`. Strings go into char arrays as UTF-8, or
 * as one byte per char when `byteString` (entry values, which hold bytes as latin1 chars).
 */
export function writeField(vm: Vm, off: number, t: CType, value: unknown, byteString = false): void {
  const mem = vm.mem;
  if (t.kind === 'chars') {
    const bytes = typeof value === 'string' ? (byteString ? latin1Bytes(value) : utf8(value)) : new Uint8Array(0);
    const n = Math.min(bytes.length, t.size);
    mem.bytes.set(bytes.subarray(0, n), off);
    mem.bytes.fill(0, off + n, off + t.size);
    return;
  }
  const v = scalarOf(value);
  if (t.size === 8) {
    writeU64(mem.view, off, v);
    return;
  }
  const n = typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : Math.trunc(v) | 0;
  if (t.size === 4) mem.view.setUint32(off, n >>> 0, true);
  else if (t.size === 2) mem.view.setUint16(off, n & 0xffff, true);
  else mem.view.setUint8(off, n & 0xff);
}

/** Writes a 64-bit two's-complement value at byte `off` (little-endian). */
export function writeU64(view: DataView, off: number, v: number | bigint): void {
  if (typeof v === 'number' && v >= 0 && v <= 0xffffffff) {
    view.setUint32(off, v, true);
    view.setUint32(off + 4, 0, true);
    return;
  }
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) {
    view.setUint32(off, v >>> 0, true);
    view.setUint32(off + 4, Math.floor(v / 4294967296) >>> 0, true);
    return;
  }
  const b = typeof v === 'bigint' ? v : BigInt(Number.isFinite(v) ? Math.trunc(v) : 0);
  view.setBigUint64(off, BigInt.asUintN(64, b), true);
}

/** The 64-bit slot value of a scalar host value (HostRef: its address). */
export function scalarOf(value: unknown): number | bigint {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof HostRef) return value.address;
  return 0;
}

/** Reads a NUL-terminated string of at most `max` bytes (latin1: one char per byte). */
export function readCString(bytes: Uint8Array, off: number, max: number): string {
  let s = '';
  for (let i = 0; i < max; i++) {
    const c = bytes[off + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The bytes of a byte string (one char per byte, as {@link readCString} returns). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A host string as a byte string: its UTF-8 bytes, one char per byte. */
export function toByteString(s: string): string {
  const b = utf8(s);
  let out = '';
  for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i]!);
  return out;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * A slab of equal objects of one layout in VM memory: allocation and free are O(1), as a kernel
 * slab cache. The region is read-only to programs and bounded: allocating past `capacity` throws.
 */
export class HostSlab {
  /** The region holding the objects. */
  readonly region: Region;
  private readonly free: number[] = [];
  private readonly used: Uint8Array;
  private next = 0;
  private live = 0;

  /**
   * @throws {@link @ebpf/core!VmError} (`VM_MEMORY`) when VM memory cannot hold `capacity` objects.
   */
  constructor(readonly vm: Vm, readonly layout: StructLayout, readonly capacity: number) {
    const stride = Math.ceil(layout.size / 8) * 8;
    this.stride = stride;
    this.region = vm.mem.alloc(stride * capacity, { kind: 'host', name: `slab ${layout.name}`, readOnly: true, elemSize: stride });
    this.used = new Uint8Array(capacity);
  }

  /** Bytes between objects. */
  readonly stride: number;

  /** Objects allocated now. */
  get count(): number {
    return this.live;
  }

  /**
   * Allocates a zeroed object.
   * @throws {@link @ebpf/core!EbpfError} (`VM_MEMORY`) when the slab is full.
   */
  alloc(): HostRef {
    let i = this.free.pop();
    if (i === undefined) {
      if (this.next >= this.capacity) throw new EbpfError('VM_MEMORY', `slab ${this.layout.name} is full (${this.capacity} objects)`);
      i = this.next++;
    }
    this.live++;
    this.used[i] = 1;
    const off = this.region.offset + i * this.stride;
    this.vm.mem.bytes.fill(0, off, off + this.stride);
    return new HostRef(this.vm, this.layout, off);
  }

  /** Returns an object to the slab (its bytes are poisoned with zeros). */
  release(obj: HostRef): void {
    const i = (obj.offset - this.region.offset) / this.stride;
    if (!Number.isInteger(i) || i < 0 || i >= this.next) throw new EbpfError('USAGE', `object at offset ${obj.offset} is not from slab ${this.layout.name}`);
    if (!this.used[i]) throw new EbpfError('USAGE', `slab ${this.layout.name}: object ${i} freed twice`);
    this.used[i] = 0;
    this.vm.mem.bytes.fill(0, obj.offset, obj.offset + this.stride);
    this.free.push(i);
    this.live--;
  }

  /** Frees the slab's memory. */
  dispose(): void {
    this.vm.mem.release(this.region);
  }
}
