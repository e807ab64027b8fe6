/**
 * Array maps (`BPF_MAP_TYPE_ARRAY`): `maxEntries` values indexed by a u32 key, all present from
 * creation and zeroed. Global data (`.data`, `.rodata`, `.bss`) are one-entry arrays whose value 0
 * starts as the blueprint's `initialValue`; a `frozen` array (`.rodata`) lives in a read-only
 * region and refuses updates from programs and the host. Entries cannot be deleted (-EINVAL).
 */
import type { Vm } from '../runtime/vm.js';
import { UpdateFlags } from './bpf-map.js';
import { Errno } from './errno.js';
import { copyBytes, MAX_MAP_ENTRIES } from './hash.js';
import { MapBase, MAX_VALUE_SIZE } from './map-base.js';
import { MapError } from './map-error.js';
import type { MapSpec } from './map-spec.js';

/** Reads the u32 little-endian index at `buf[off]`. */
export function readIndex(buf: Uint8Array, off: number): number {
  return (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24)) >>> 0;
}

/** An array map. */
export class ArrayMap extends MapBase {
  /**
   * @throws {@link MapError} for a bad blueprint (the key must be 4 bytes) or when VM memory cannot
   * hold the values.
   */
  constructor(vm: Vm, spec: MapSpec, id: number) {
    MapBase.validate(spec, 'keySize', { min: 4, max: 4, why: "an array map's key is a u32 index" });
    MapBase.validate(spec, 'valueSize', { min: 1, max: MAX_VALUE_SIZE, why: 'values are stored in VM memory' });
    MapBase.validate(spec, 'maxEntries', { min: 1, max: MAX_MAP_ENTRIES, why: 'every entry is preallocated' });
    if (spec.initialValue && spec.initialValue.length > spec.valueSize) {
      throw new MapError(spec.name, `initialValue is ${spec.initialValue.length} bytes, larger than valueSize ${spec.valueSize}`, Errno.EINVAL);
    }
    super(vm, spec, id);
    const values = this.allocValues(spec.maxEntries, spec.frozen === true);
    if (spec.initialValue) this.bytes.set(spec.initialValue, values.offset);
  }

  get count(): number {
    return this.maxEntries;
  }

  /**
   * Address of byte `offset` of value 0: what an `lddw` map-value pseudo load (global data)
   * resolves to. Undefined when `offset` is outside the value.
   */
  directValueAddress(offset: number): bigint | undefined {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.valueSize) return undefined;
    return this.values!.address + BigInt(offset);
  }

  protected find(kbuf: Uint8Array, koff: number): number {
    const i = readIndex(kbuf, koff);
    return i < this.maxEntries ? this.values!.offset + i * this.valueStride : -1;
  }

  protected store(kbuf: Uint8Array, koff: number, vbuf: Uint8Array, voff: number, flags: number): number {
    if (flags !== UpdateFlags.ANY && flags !== UpdateFlags.NOEXIST && flags !== UpdateFlags.EXIST) return -Errno.EINVAL;
    const i = readIndex(kbuf, koff);
    if (i >= this.maxEntries) return -Errno.E2BIG;
    if (flags === UpdateFlags.NOEXIST) return -Errno.EEXIST; // every element of an array exists
    copyBytes(vbuf, voff, this.bytes, this.values!.offset + i * this.valueStride, this.valueSize);
    return 0;
  }

  protected remove(): number {
    return -Errno.EINVAL;
  }

  protected keyList(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.maxEntries; i++) {
      const k = new Uint8Array(4);
      new DataView(k.buffer).setUint32(0, i, true);
      out.push(k);
    }
    return out;
  }

  /**
   * Zeroes every value.
   * @throws {@link MapError} when the map is frozen.
   */
  clear(): void {
    if (this.spec.frozen) throw new MapError(this.spec.name, 'clear: the map is frozen (read-only data)', Errno.EPERM);
    const v = this.values!;
    this.bytes.fill(0, v.offset, v.offset + v.size);
  }
}

/**
 * Per-CPU array (`BPF_MAP_TYPE_PERCPU_ARRAY`) on a VM with exactly one CPU: one value per index,
 * so it behaves as an array map and the host sees one value (not one per CPU).
 */
export class PercpuArrayMap extends ArrayMap {}
