/**
 * A stack of free value slots for preallocated maps (hash, LRU, LPM): slot numbers index the
 * map's values region. Allocation and release are O(1) and allocation-free.
 */

/** Free-slot stack over `0 .. capacity-1`; slot 0 is handed out first. */
export class SlotPool {
  private readonly free: Int32Array;
  private top = 0;

  constructor(readonly capacity: number) {
    this.free = new Int32Array(capacity);
    this.reset();
  }

  /** A free slot, or -1 when every slot is taken. */
  take(): number {
    return this.top > 0 ? this.free[--this.top]! : -1;
  }

  /** Returns `slot` to the pool. */
  give(slot: number): void {
    this.free[this.top++] = slot;
  }

  /** Slots in use. */
  get used(): number {
    return this.capacity - this.top;
  }

  /** Marks every slot free again. */
  reset(): void {
    for (let i = 0; i < this.capacity; i++) this.free[i] = this.capacity - 1 - i;
    this.top = this.capacity;
  }
}
