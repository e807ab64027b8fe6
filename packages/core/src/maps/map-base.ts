/**
 * What every map type shares: blueprint validation, the descriptor region (the address a map
 * pointer holds), value storage in VM memory, and the host-side API built on three per-type
 * operations (find, store, remove) that take key/value bytes from any buffer — VM memory when a
 * program calls, the caller's arrays when the host does — so both sides run the same code.
 */
import type { Region, VmMemory } from '../memory/vm-memory.js';
import type { Vm } from '../runtime/vm.js';
import type { BpfMap } from './bpf-map.js';
import { Errno } from './errno.js';
import { MapError } from './map-error.js';
import { LINUX_MAP_TYPE, type MapSpec } from './map-spec.js';

/**
 * Layout of the 64-byte map descriptor at {@link BpfMap.address} (read-only to programs). JITs
 * may read it to inline lookups: an array's value `i` is at `valuesAddress + i * valueStride`.
 */
export const MAP_DESCRIPTOR = {
  /** Size of the descriptor in bytes. */
  SIZE: 64,
  /** u32: Linux `BPF_MAP_TYPE_*` number. */
  TYPE: 0,
  /** u32: key size in bytes. */
  KEY_SIZE: 4,
  /** u32: value size in bytes. */
  VALUE_SIZE: 8,
  /** u32: maximum entries. */
  MAX_ENTRIES: 12,
  /** u32: map id in its VM. */
  ID: 16,
  /** u32: map flags. */
  FLAGS: 20,
  /** u32: distance between consecutive values in the values region (value size rounded up to 8). */
  VALUE_STRIDE: 24,
  /** u64: address of the values region (0 when the type keeps none). */
  VALUES_ADDRESS: 32,
} as const;

/** The largest key (Linux: a key must fit on the 512-byte stack). */
export const MAX_KEY_SIZE = 512;
/** The largest value we accept (Linux allows more for arrays; a VM is small). */
export const MAX_VALUE_SIZE = 1 << 20;

/** A range rule for one blueprint field. */
export interface FieldRule {
  readonly min: number;
  readonly max: number;
  /** Why, for the error message ("an array map's key is a u32 index"). */
  readonly why: string;
}

/** Rounds `n` up to a multiple of 8 (Linux rounds value sizes so u64 atomics stay aligned). */
export function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/** Base of every map type in this package. */
export abstract class MapBase implements BpfMap {
  readonly spec: MapSpec;
  readonly id: number;
  readonly address: bigint;
  /** The descriptor region. */
  readonly descriptor: Region;
  values: Region | undefined;
  /** Key size in bytes. */
  readonly keySize: number;
  /** Value size in bytes (what programs and the host read and write). */
  readonly valueSize: number;
  /** Maximum entries. */
  readonly maxEntries: number;
  /** Distance between values in the values region. */
  readonly valueStride: number;
  /** The VM the map lives in. */
  protected readonly vm: Vm;
  /** The VM's memory. */
  protected readonly mem: VmMemory;
  /** All VM bytes (stable: the memory never grows). */
  protected readonly bytes: Uint8Array;

  /**
   * Validates nothing itself: subclasses call {@link validate} first, then `super`.
   * @throws {@link VmError} (`VM_MEMORY`) when the descriptor does not fit in VM memory.
   */
  protected constructor(vm: Vm, spec: MapSpec, id: number, valueStride = roundUp8(spec.valueSize)) {
    this.vm = vm;
    this.mem = vm.mem;
    this.bytes = vm.mem.bytes;
    this.spec = spec;
    this.id = id;
    this.keySize = spec.keySize;
    this.valueSize = spec.valueSize;
    this.maxEntries = spec.maxEntries;
    this.valueStride = valueStride;
    this.descriptor = vm.mem.alloc(MAP_DESCRIPTOR.SIZE, { kind: 'host', name: `map ${spec.name} descriptor`, readOnly: true });
    this.address = this.descriptor.address;
    this.writeDescriptor();
  }

  /**
   * Checks one field of a blueprint.
   * @throws {@link MapError} naming the map and the field.
   */
  static validate(spec: MapSpec, field: 'keySize' | 'valueSize' | 'maxEntries', rule: FieldRule): void {
    const v = spec[field];
    if (!Number.isInteger(v) || v < rule.min || v > rule.max) {
      const range = rule.min === rule.max ? `${rule.min}` : `${rule.min}..${rule.max}`;
      throw new MapError(spec.name, `${field} ${v}: must be ${range} (${rule.why})`, Errno.EINVAL);
    }
  }

  /**
   * Allocates the values region: `count` values of {@link valueStride} bytes.
   * @throws {@link MapError} wrapping the VM's out-of-memory error, naming the map.
   */
  protected allocValues(count: number, readOnly = false): Region {
    const size = count * this.valueStride;
    if (!Number.isSafeInteger(size)) {
      throw new MapError(this.spec.name, `maxEntries ${this.maxEntries} × value size ${this.valueStride}: too large`, Errno.E2BIG);
    }
    try {
      this.values = this.mem.alloc(size, {
        kind: 'map',
        name: `map ${this.spec.name} values`,
        readOnly,
        elemSize: this.valueStride,
        align: 16,
      });
    } catch (e) {
      this.mem.release(this.descriptor);
      throw new MapError(this.spec.name, `cannot store ${count} values of ${this.valueStride} bytes`, Errno.ENOMEM, { cause: e });
    }
    this.mem.view.setBigUint64(this.descriptor.offset + MAP_DESCRIPTOR.VALUES_ADDRESS, this.values.address, true);
    return this.values;
  }

  /**
   * Allocates the host-side key store of `count` keys (hash-like maps keep keys beside values).
   * @throws {@link MapError} when VM memory cannot hold it (the map's memory is released).
   */
  protected allocKeys(count: number): Region {
    try {
      return this.mem.alloc(count * this.spec.keySize, { kind: 'host', name: `map ${this.spec.name} keys`, readOnly: true });
    } catch (e) {
      // The base disposal: a subclass's override would release the key store we failed to make.
      MapBase.prototype.dispose.call(this);
      throw new MapError(this.spec.name, `cannot store ${count} keys of ${this.spec.keySize} bytes`, Errno.ENOMEM, { cause: e });
    }
  }

  // ---- per-type operations ---------------------------------------------------------------

  /**
   * Finds the value of the key at `kbuf[koff]`: its byte offset in VM memory, or -1.
   * `fromProgram` is true for program lookups (LRU maps mark the entry used; prog arrays refuse).
   */
  protected abstract find(kbuf: Uint8Array, koff: number, fromProgram: boolean): number;
  /** Stores key `kbuf[koff]` → value `vbuf[voff]`; returns 0 or a negative errno. */
  protected abstract store(kbuf: Uint8Array, koff: number, vbuf: Uint8Array, voff: number, flags: number, fromProgram: boolean): number;
  /** Removes the key; returns 0 or a negative errno (-ENOENT when absent). */
  protected abstract remove(kbuf: Uint8Array, koff: number, fromProgram: boolean): number;
  /** Copies of the keys present, in iteration order. */
  protected abstract keyList(): Uint8Array[];
  /** Removes every entry. */
  abstract clear(): void;
  /** Number of entries present. */
  abstract get count(): number;

  // ---- program side (helpers) --------------------------------------------------------------

  lookupAddress(keyOffset: number): bigint {
    const off = this.find(this.bytes, keyOffset, true);
    return off < 0 ? 0n : this.mem.base + BigInt(off);
  }

  /** Program-side lookup returning the value's byte offset in VM memory, or -1 (no BigInt). */
  lookupValueOffset(keyOffset: number): number {
    return this.find(this.bytes, keyOffset, true);
  }

  updateFrom(keyOffset: number, valueOffset: number, flags: number): number {
    if (this.spec.frozen) return -Errno.EPERM;
    return this.store(this.bytes, keyOffset, this.bytes, valueOffset, flags, true);
  }

  deleteFrom(keyOffset: number): number {
    if (this.spec.frozen) return -Errno.EPERM;
    return this.remove(this.bytes, keyOffset, true);
  }

  // ---- host side ---------------------------------------------------------------------------

  lookup(key: Uint8Array): Uint8Array | undefined {
    this.checkKey(key, 'lookup');
    const off = this.find(key, 0, false);
    return off < 0 ? undefined : this.bytes.slice(off, off + this.valueSize);
  }

  update(key: Uint8Array, value: Uint8Array, flags: number = 0): void {
    this.checkKey(key, 'update');
    if (value.length !== this.valueSize) {
      throw new MapError(this.spec.name, `update: value is ${value.length} bytes, expected ${this.valueSize}`, Errno.EINVAL);
    }
    if (this.spec.frozen) throw new MapError(this.spec.name, 'update: the map is frozen (read-only data)', Errno.EPERM);
    const r = this.store(key, 0, value, 0, flags, false);
    if (r < 0) throw MapError.fromErrno(this.spec.name, 'update', r);
  }

  delete(key: Uint8Array): boolean {
    this.checkKey(key, 'delete');
    if (this.spec.frozen) throw new MapError(this.spec.name, 'delete: the map is frozen (read-only data)', Errno.EPERM);
    const r = this.remove(key, 0, false);
    if (r === -Errno.ENOENT) return false;
    if (r < 0) throw MapError.fromErrno(this.spec.name, 'delete', r);
    return true;
  }

  *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    for (const key of this.keyList()) {
      const value = this.lookup(key);
      if (value) yield [key, value];
    }
  }

  /** Host lookup by numeric key (u32 little-endian), for array-like maps. */
  lookupIndex(index: number): Uint8Array | undefined {
    return this.lookup(this.indexKey(index));
  }

  /** Host update by numeric key (u32 little-endian), for array-like maps. */
  updateIndex(index: number, value: Uint8Array, flags = 0): void {
    this.update(this.indexKey(index), value, flags);
  }

  dispose(): void {
    if (this.values) this.mem.release(this.values);
    this.mem.release(this.descriptor);
    this.values = undefined;
  }

  /** @throws {@link MapError} when `key` is not {@link keySize} bytes. */
  protected checkKey(key: Uint8Array, op: string): void {
    if (!(key instanceof Uint8Array) || key.length !== this.keySize) {
      const got = key instanceof Uint8Array ? `${key.length} bytes` : typeof key;
      throw new MapError(this.spec.name, `${op}: key is ${got}, expected ${this.keySize} bytes`, Errno.EINVAL);
    }
  }

  private indexKey(index: number): Uint8Array {
    if (this.keySize !== 4) throw new MapError(this.spec.name, `index access needs a 4-byte key, this map's key is ${this.keySize} bytes`, Errno.EINVAL);
    if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
      throw new MapError(this.spec.name, `index ${index} is not a u32`, Errno.EINVAL);
    }
    const k = new Uint8Array(4);
    new DataView(k.buffer).setUint32(0, index, true);
    return k;
  }

  private writeDescriptor(): void {
    const v = this.mem.view;
    const d = this.descriptor.offset;
    v.setUint32(d + MAP_DESCRIPTOR.TYPE, LINUX_MAP_TYPE[this.spec.type] ?? 0, true);
    v.setUint32(d + MAP_DESCRIPTOR.KEY_SIZE, this.keySize, true);
    v.setUint32(d + MAP_DESCRIPTOR.VALUE_SIZE, this.valueSize, true);
    v.setUint32(d + MAP_DESCRIPTOR.MAX_ENTRIES, this.maxEntries, true);
    v.setUint32(d + MAP_DESCRIPTOR.ID, this.id, true);
    v.setUint32(d + MAP_DESCRIPTOR.FLAGS, this.spec.flags >>> 0, true);
    v.setUint32(d + MAP_DESCRIPTOR.VALUE_STRIDE, this.valueStride, true);
  }
}
