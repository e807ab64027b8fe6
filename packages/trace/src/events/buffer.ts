/**
 * The trace buffer: a bounded ring of recorded entries. When full, the oldest entry is dropped
 * and counted (never unbounded memory). Reading is either a snapshot (the `trace` file) or
 * consuming (`trace_pipe`, see `pipe.ts`), which can wait for new entries. Formatting lines is
 * `pipe.ts`'s job.
 */
import type { FieldValue } from './fields.js';

/** What an entry records. */
export type EntryKind = 'event' | 'print' | 'stack' | 'warning';

/** One recorded entry. */
export interface TraceEntry {
  /** Monotonic sequence number (counts dropped entries too); set by {@link TraceBuffer.push}. */
  seq: number;
  /** Nanoseconds since the time origin. */
  readonly ts: number;
  readonly pid: number;
  /** CPU-like slot (the thread; 0 on the main thread). */
  readonly cpu: number;
  /** Task name (comm). */
  readonly comm: string;
  readonly kind: EntryKind;
  /** The event's short name (`netif_receive_skb`), or the program for lines printed outside events. */
  readonly event: string;
  /** Event entries: the field values (common fields first). */
  readonly values?: readonly FieldValue[];
  /** Print/stack/warning entries: the text; event entries: undefined (formatted on read). */
  readonly message?: string;
  /** Event entries: turns the values into the message (the event's print format). */
  readonly render?: (values: readonly FieldValue[]) => string;
}

/** Default capacity of a trace buffer, in entries. */
export const DEFAULT_BUFFER_ENTRIES = 16384;

/** A bounded ring of trace entries. */
export class TraceBuffer {
  /** Entries dropped because the buffer was full (oldest first). */
  dropped = 0;
  private readonly ring: Array<TraceEntry | undefined>;
  private head = 0; // index of the oldest entry
  private size = 0;
  private seq = 0;
  private waiters: Array<() => void> = [];

  /** @param capacity maximum entries kept (at least 1). */
  constructor(readonly capacity = DEFAULT_BUFFER_ENTRIES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`trace buffer capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<TraceEntry | undefined>(capacity);
  }

  /** Entries held now. */
  get length(): number {
    return this.size;
  }

  /** Entries pushed so far (dropped or not). */
  get pushed(): number {
    return this.seq;
  }

  /** Appends an entry (giving it the next sequence number), dropping the oldest when full, and wakes waiting readers. */
  push(e: TraceEntry): void {
    e.seq = this.seq++;
    const cap = this.capacity;
    if (this.size === cap) {
      this.ring[this.head] = e;
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.dropped++;
    } else {
      let i = this.head + this.size;
      if (i >= cap) i -= cap;
      this.ring[i] = e;
      this.size++;
    }
    if (this.waiters.length > 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }

  /** Removes and returns the oldest entry (consuming read), if any. */
  shift(): TraceEntry | undefined {
    if (this.size === 0) return undefined;
    const e = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.size--;
    return e;
  }

  /** A snapshot of the entries, oldest first (not consumed). */
  entries(): TraceEntry[] {
    const out: TraceEntry[] = [];
    for (let k = 0; k < this.size; k++) out.push(this.ring[(this.head + k) % this.capacity]!);
    return out;
  }

  /** Drops every entry (the dropped count is kept). */
  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  /** Resolves when an entry is pushed, or at once if one is waiting; rejects when `signal` aborts. */
  waitForData(signal?: AbortSignal): Promise<void> {
    if (this.size > 0) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
  }
}
