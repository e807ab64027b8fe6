/**
 * LRU hash maps (`BPF_MAP_TYPE_LRU_HASH`): a hash map that never refuses a new key: when full it
 * evicts the least recently used entry. "Used" means created, updated or looked up by a program
 * (host lookups do not count, as in Linux). Unlike Linux's per-CPU approximate lists, the order
 * here is exact (a doubly linked list over slots, in typed arrays), which makes eviction
 * deterministic and testable. Host iteration goes from least to most recently used.
 */
import type { Vm } from '../runtime/vm.js';
import { HashMap } from './hash.js';
import type { MapSpec } from './map-spec.js';

const NONE = -1;

/** A hash map with least-recently-used eviction. */
export class LruHashMap extends HashMap {
  /** Number of entries evicted so far. */
  evictions = 0;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = NONE; // least recently used
  private tail = NONE; // most recently used

  /** @throws {@link MapError} for a bad blueprint or when VM memory cannot hold the map. */
  constructor(vm: Vm, spec: MapSpec, id: number) {
    super(vm, spec, id);
    this.prev = new Int32Array(spec.maxEntries);
    this.next = new Int32Array(spec.maxEntries);
  }

  override clear(): void {
    super.clear();
    this.head = this.tail = NONE;
  }

  protected override takeSlot(): number {
    const slot = this.slots.take();
    if (slot >= 0 || this.head === NONE) return slot;
    const victim = this.head;
    this.table.removeSlot(victim);
    this.unlink(victim);
    this.evictions++;
    return victim;
  }

  protected override touch(slot: number): void {
    if (slot === this.tail) return;
    this.unlink(slot);
    this.append(slot);
  }

  protected override added(slot: number): void {
    this.append(slot);
  }

  protected override removed(slot: number): void {
    this.unlink(slot);
  }

  protected override *slotOrder(): IterableIterator<number> {
    for (let s = this.head; s !== NONE; s = this.next[s]!) yield s;
  }

  private append(slot: number): void {
    this.prev[slot] = this.tail;
    this.next[slot] = NONE;
    if (this.tail !== NONE) this.next[this.tail] = slot;
    else this.head = slot;
    this.tail = slot;
  }

  private unlink(slot: number): void {
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p !== NONE) this.next[p] = n;
    else this.head = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tail = p;
  }
}
