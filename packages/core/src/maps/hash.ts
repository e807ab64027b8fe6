/**
 * Hash maps (`BPF_MAP_TYPE_HASH`): keys of `keySize` bytes → values of `valueSize` bytes, at
 * most `maxEntries` of them. Every value slot is preallocated in VM memory at creation (as Linux
 * does by default), so a pointer a program got from lookup stays inside the map; keys are kept in
 * VM memory too, indexed by an allocation-free open-addressing table (`key-table.ts`).
 * A full map refuses new keys with -E2BIG; LRU eviction is `lru-hash.ts`'s business.
 */
import type { Region } from '../memory/vm-memory.js';
import type { Vm } from '../runtime/vm.js';
import { UpdateFlags } from './bpf-map.js';
import { Errno } from './errno.js';
import { KeyTable } from './key-table.js';
import { MapBase, MAX_KEY_SIZE, MAX_VALUE_SIZE } from './map-base.js';
import { MapError } from './map-error.js';
import type { MapSpec } from './map-spec.js';
import { SlotPool } from './slots.js';

/** The largest `maxEntries` of a preallocated map (a VM is a few tens of MiB). */
export const MAX_MAP_ENTRIES = 1 << 24;

/** A preallocated hash map. */
export class HashMap extends MapBase {
  /** Keys by slot, in VM memory (host iteration reads them back). */
  protected readonly keys: Region;
  /** Key bytes → slot. */
  protected readonly table: KeyTable;
  protected readonly slots: SlotPool;

  /**
   * @throws {@link MapError} for a bad blueprint or when VM memory cannot hold the map.
   */
  constructor(vm: Vm, spec: MapSpec, id: number) {
    HashMap.validateHash(spec);
    super(vm, spec, id);
    this.slots = new SlotPool(spec.maxEntries);
    this.allocValues(spec.maxEntries);
    this.keys = this.allocKeys(spec.maxEntries);
    this.table = new KeyTable(this.bytes, this.keys.offset, spec.keySize, spec.maxEntries);
  }

  /** Checks a hash-like blueprint (hash, percpu_hash, lru_hash). */
  protected static validateHash(spec: MapSpec): void {
    MapBase.validate(spec, 'keySize', { min: 1, max: MAX_KEY_SIZE, why: 'a key must fit on the 512-byte stack' });
    MapBase.validate(spec, 'valueSize', { min: 1, max: MAX_VALUE_SIZE, why: 'values are stored in VM memory' });
    MapBase.validate(spec, 'maxEntries', { min: 1, max: MAX_MAP_ENTRIES, why: 'every entry is preallocated' });
  }

  get count(): number {
    return this.table.size;
  }

  protected find(kbuf: Uint8Array, koff: number, fromProgram: boolean): number {
    const slot = this.table.find(kbuf, koff);
    if (slot < 0) return -1;
    if (fromProgram) this.touch(slot);
    return this.values!.offset + slot * this.valueStride;
  }

  protected store(kbuf: Uint8Array, koff: number, vbuf: Uint8Array, voff: number, flags: number): number {
    if (flags !== UpdateFlags.ANY && flags !== UpdateFlags.NOEXIST && flags !== UpdateFlags.EXIST) return -Errno.EINVAL;
    let slot = this.table.find(kbuf, koff);
    if (slot >= 0) {
      if (flags === UpdateFlags.NOEXIST) return -Errno.EEXIST;
      this.touch(slot);
    } else {
      if (flags === UpdateFlags.EXIST) return -Errno.ENOENT;
      slot = this.takeSlot();
      if (slot < 0) return -Errno.E2BIG;
      this.table.insert(kbuf, koff, slot);
      this.added(slot);
    }
    copyBytes(vbuf, voff, this.bytes, this.values!.offset + slot * this.valueStride, this.valueSize);
    return 0;
  }

  protected remove(kbuf: Uint8Array, koff: number): number {
    const slot = this.table.find(kbuf, koff);
    if (slot < 0) return -Errno.ENOENT;
    this.table.removeSlot(slot);
    this.removed(slot);
    this.slots.give(slot);
    return 0;
  }

  protected keyList(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const slot of this.slotOrder()) {
      const at = this.keys.offset + slot * this.keySize;
      out.push(this.bytes.slice(at, at + this.keySize));
    }
    return out;
  }

  clear(): void {
    this.table.clear();
    this.slots.reset();
  }

  override dispose(): void {
    this.mem.release(this.keys);
    super.dispose();
  }

  /** Slots in use, in host iteration order. */
  protected slotOrder(): Iterable<number> {
    return this.table.slots();
  }

  /** A free slot for a new key, or -1 when the map is full (LRU maps evict instead). */
  protected takeSlot(): number {
    return this.slots.take();
  }

  /** Marks an entry used (LRU maps move it to the recent end; plain hashes do nothing). */
  protected touch(_slot: number): void {}

  /** A key was just stored in `slot`. */
  protected added(_slot: number): void {}

  /** The key in `slot` was just removed. */
  protected removed(_slot: number): void {}
}

/**
 * Per-CPU hash (`BPF_MAP_TYPE_PERCPU_HASH`) on a VM with exactly one CPU: each key has one value
 * slot, so it behaves as a hash map and the host sees one value (not one per CPU).
 */
export class PercpuHashMap extends HashMap {}

/**
 * Copies `n` bytes (source and destination may be the same buffer and overlap): a plain loop for
 * small values, which beats creating a subarray.
 */
export function copyBytes(src: Uint8Array, from: number, dst: Uint8Array, to: number, n: number): void {
  if (n <= 32 && (src !== dst || to <= from || to >= from + n)) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
  } else if (src === dst) {
    dst.copyWithin(to, from, from + n);
  } else {
    dst.set(src.subarray(from, from + n), to);
  }
}
