/**
 * The key index of hash maps: an open-addressing table (linear probing, backward-shift deletion,
 * no tombstones) from key bytes to value slot. Keys live in VM memory (the map's keys region);
 * the table holds slot numbers and each slot's hash, in typed arrays — a lookup hashes the key
 * where it lies and compares bytes, allocating nothing. Slot allocation is the map's business.
 */

const EMPTY = -1;

/** Hash of `size` bytes at `buf[off]` (FNV-1a with a final avalanche; u32 keys: one multiply). */
export function hashKey(buf: Uint8Array, off: number, size: number): number {
  let h: number;
  if (size === 4) {
    h = Math.imul(buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24), 0x9e3779b1);
  } else {
    h = 0x811c9dc5;
    for (let i = 0; i < size; i++) h = Math.imul(h ^ buf[off + i]!, 16777619);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Key bytes → slot, for at most `capacity` keys stored at `keysOffset + slot * keySize`. */
export class KeyTable {
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly slotHash: Uint32Array;
  private count = 0;

  /**
   * @param bytes all VM bytes; @param keysOffset where slot 0's key lives; @param keySize bytes
   * per key; @param capacity most keys (the map's maxEntries).
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly keysOffset: number,
    private readonly keySize: number,
    capacity: number,
  ) {
    let size = 8;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.slotHash = new Uint32Array(capacity);
  }

  /** Keys present. */
  get size(): number {
    return this.count;
  }

  /** The slot of the key at `buf[off]`, or -1. */
  find(buf: Uint8Array, off: number): number {
    const h = hashKey(buf, off, this.keySize);
    const t = this.table;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const s = t[i]!;
      if (s === EMPTY) return -1;
      if (this.slotHash[s] === h && this.equals(buf, off, s)) return s;
    }
  }

  /** Adds the key at `buf[off]` (not present) in `slot`: copies it to the slot's key bytes. */
  insert(buf: Uint8Array, off: number, slot: number): void {
    const h = hashKey(buf, off, this.keySize);
    const ks = this.keySize;
    const dst = this.keysOffset + slot * ks;
    for (let i = 0; i < ks; i++) this.bytes[dst + i] = buf[off + i]!;
    this.slotHash[slot] = h;
    const t = this.table;
    let i = h & this.mask;
    while (t[i] !== EMPTY) i = (i + 1) & this.mask;
    t[i] = slot;
    this.count++;
  }

  /** Removes the key stored in `slot`. */
  removeSlot(slot: number): void {
    const t = this.table;
    const mask = this.mask;
    let i = this.slotHash[slot]! & mask;
    while (t[i] !== slot) {
      if (t[i] === EMPTY) return;
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole.
    t[i] = EMPTY;
    for (let j = (i + 1) & mask; t[j] !== EMPTY; j = (j + 1) & mask) {
      const s = t[j]!;
      const home = this.slotHash[s]! & mask;
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!stays) {
        t[i] = s;
        t[j] = EMPTY;
        i = j;
      }
    }
    this.count--;
  }

  /** Every slot in use (table order). */
  *slots(): IterableIterator<number> {
    const t = this.table;
    for (let i = 0; i < t.length; i++) if (t[i] !== EMPTY) yield t[i]!;
  }

  /** Forgets every key. */
  clear(): void {
    this.table.fill(EMPTY);
    this.count = 0;
  }

  private equals(buf: Uint8Array, off: number, slot: number): boolean {
    const ks = this.keySize;
    const b = this.bytes;
    const at = this.keysOffset + slot * ks;
    for (let i = 0; i < ks; i++) if (b[at + i] !== buf[off + i]) return false;
    return true;
  }
}
