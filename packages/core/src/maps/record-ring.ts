/**
 * A single-producer ring of variable-size records in VM memory, shared by ring buffers and perf
 * event arrays. Each record is an 8-byte header (u32 length with Linux's BUSY bit 31 and DISCARD
 * bit 30, u32 reserved) and its data padded to 8 bytes. A record never wraps: when it does not fit
 * before the end, a discarded padding record fills the tail and the record starts at offset 0.
 * Producer and consumer positions are monotonic counters kept on the host side.
 */
import type { Region, VmMemory } from '../memory/vm-memory.js';

/** Header bit: reserved, not yet submitted or discarded (the consumer stops here). */
export const RECORD_BUSY = 0x80000000;
/** Header bit: discarded (the consumer skips it). */
export const RECORD_DISCARD = 0x40000000;
/** Bytes of a record header. */
export const RECORD_HEADER = 8;

/** A record ring inside one VM region. */
export class RecordRing {
  /** Data bytes of the ring (a power of two). */
  readonly size: number;
  private prod = 0;
  private cons = 0;
  private readonly reserved = new Set<number>();

  /** @param region a region of exactly `size` bytes (size a power of two, ≥ 16). */
  constructor(private readonly mem: VmMemory, readonly region: Region) {
    this.size = region.size;
  }

  /** Bytes between consumer and producer (records not yet consumed, including busy ones). */
  get pending(): number {
    return this.prod - this.cons;
  }

  /** Producer position (bytes ever produced). */
  get producerPosition(): number {
    return this.prod;
  }

  /** Consumer position (bytes ever consumed). */
  get consumerPosition(): number {
    return this.cons;
  }

  /**
   * Reserves a record of `len` data bytes, marked busy. Returns the VM byte offset of its data,
   * or -1 when the ring has no room.
   */
  reserve(len: number): number {
    const need = RECORD_HEADER + ((len + 7) & ~7);
    if (!(len >= 0) || need > this.size) return -1;
    const at = this.prod % this.size;
    const pad = at + need > this.size ? this.size - at : 0;
    if (this.prod - this.cons + pad + need > this.size) return -1;
    const view = this.mem.view;
    const base = this.region.offset;
    if (pad > 0) {
      view.setUint32(base + at, (pad - RECORD_HEADER) | RECORD_DISCARD, true);
      view.setUint32(base + at + 4, 0, true);
      this.prod += pad;
    }
    const hdr = base + (this.prod % this.size);
    view.setUint32(hdr, len | RECORD_BUSY, true);
    view.setUint32(hdr + 4, 0, true);
    this.prod += need;
    this.reserved.add(hdr + RECORD_HEADER);
    return hdr + RECORD_HEADER;
  }

  /**
   * Submits (or, with `discard`, drops) the reserved record whose data starts at VM offset
   * `dataOffset`. Returns false when no record is reserved there.
   */
  commit(dataOffset: number, discard: boolean): boolean {
    if (!this.reserved.delete(dataOffset)) return false;
    const hdr = dataOffset - RECORD_HEADER;
    const len = this.mem.view.getUint32(hdr, true) & ~(RECORD_BUSY | RECORD_DISCARD);
    this.mem.view.setUint32(hdr, discard ? len | RECORD_DISCARD : len, true);
    return true;
  }

  /** Writes a whole record at once (reserve + copy + submit); false when there is no room. */
  write(data: Uint8Array, offset: number, len: number): boolean {
    const at = this.reserve(len);
    if (at < 0) return false;
    this.mem.bytes.set(data.subarray(offset, offset + len), at);
    return this.commit(at, false);
  }

  /**
   * Hands every submitted record, oldest first, to `onRecord` (a copy), skipping discarded ones
   * and stopping at the first still-busy one. Returns the number of records handed out.
   */
  consume(onRecord: (data: Uint8Array) => void): number {
    const view = this.mem.view;
    const base = this.region.offset;
    let n = 0;
    while (this.cons < this.prod) {
      const hdr = base + (this.cons % this.size);
      const word = view.getUint32(hdr, true);
      if (word & RECORD_BUSY) break;
      const len = word & ~(RECORD_BUSY | RECORD_DISCARD);
      const data = hdr + RECORD_HEADER;
      this.cons += RECORD_HEADER + ((len + 7) & ~7);
      if (!(word & RECORD_DISCARD)) {
        n++;
        onRecord(this.mem.bytes.slice(data, data + len));
      }
    }
    return n;
  }

  /** Drops every submitted record (up to the first busy one). */
  drop(): void {
    this.consume(() => {});
  }

  /** Number of submitted records waiting to be consumed. */
  countReady(): number {
    const view = this.mem.view;
    const base = this.region.offset;
    let n = 0;
    for (let pos = this.cons; pos < this.prod; ) {
      const word = view.getUint32(base + (pos % this.size), true);
      if (word & RECORD_BUSY) break;
      if (!(word & RECORD_DISCARD)) n++;
      pos += RECORD_HEADER + (((word & ~(RECORD_BUSY | RECORD_DISCARD)) + 7) & ~7);
    }
    return n;
  }
}
