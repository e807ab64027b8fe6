/**
 * One fixed-size memory per VM, shared by every engine (interpreter, wasm JIT, native JIT).
 *
 * It is a `WebAssembly.Memory` whose initial and maximum size are equal, so it never grows and
 * its `ArrayBuffer` (and native address) stay put for the VM's life. Pointers handed to programs
 * are 64-bit addresses `base + offset`. `base` is fixed at creation: 0 by default, or the real
 * address of the buffer when a native engine needs it. Offsets below {@link GUARD_SIZE} are never
 * allocated, so NULL (0) and small integers are never valid pointers.
 * Allocation is first-fit over a sorted free list; freeing merges neighbours.
 */
import { VmError } from '../errors.js';

/** What a region holds; the interpreter's fault messages name it. */
export type RegionKind = 'stack' | 'context' | 'map' | 'packet' | 'rodata' | 'host' | 'scratch' | 'code';

/** A live allocation inside VM memory. */
export interface Region {
  /** Unique id within this VM. */
  readonly id: number;
  readonly kind: RegionKind;
  /** Human-readable name for errors ("map counts values", "ctx", "stack"). */
  readonly name: string;
  /** Byte offset of the region in the memory. */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
  /** Address programs see: `base + offset`. */
  readonly address: bigint;
  /** Programs may not write it (rodata, read-only contexts). */
  readonly readOnly: boolean;
  /**
   * When the region is an array of equal objects (map values, stack frames), their size: the
   * interpreter's oracle mode bounds an access to one object, not just to the region.
   */
  readonly elemSize?: number;
}

/** Options for {@link VmMemory.alloc}. */
export interface AllocOptions {
  readonly kind: RegionKind;
  readonly name: string;
  /** Alignment in bytes (power of two); default 8. */
  readonly align?: number;
  readonly readOnly?: boolean;
  readonly elemSize?: number;
}

/** Options for creating a {@link VmMemory}. */
export interface VmMemoryOptions {
  /** Size in bytes, rounded up to 64 KiB pages. Default 32 MiB. */
  readonly size?: number;
  /**
   * Computes the base address from the memory (a native engine passes the buffer's real
   * address). Default: base 0.
   */
  readonly base?: (memory: WebAssembly.Memory) => bigint;
}

/** Bytes at offset 0 that are never allocated (NULL and small integers are never pointers). */
export const GUARD_SIZE = 65536;
/** Default VM memory size. */
export const DEFAULT_VM_MEMORY = 32 * 1024 * 1024;
const PAGE = 65536;

/** The VM's one memory and its region allocator. */
export class VmMemory {
  /** The underlying wasm memory (imported by jit-wasm modules). */
  readonly memory: WebAssembly.Memory;
  /** All bytes (stable: the memory never grows). */
  readonly bytes: Uint8Array;
  /** A DataView over all bytes (little-endian accessors). */
  readonly view: DataView;
  /** Size in bytes. */
  readonly size: number;
  /** Address of offset 0. */
  readonly base: bigint;
  /** `base` as a Number (exact: bases are below 2^53). */
  readonly baseNumber: number;

  /**
   * Regions released so far. A bounds window an engine cached (a range known to lie inside one
   * live region) stays valid while this count is unchanged: allocating never moves a region.
   */
  releases = 0;

  private readonly live: Region[] = []; // sorted by offset
  private lastHit: Region | undefined; // regionAt's one-entry cache (helpers hit the stack most)
  private free: Array<{ offset: number; size: number }>;
  private nextId = 1;

  constructor(options: VmMemoryOptions = {}) {
    const pages = Math.max(2, Math.ceil((options.size ?? DEFAULT_VM_MEMORY) / PAGE));
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.size = pages * PAGE;
    this.bytes = new Uint8Array(this.memory.buffer);
    this.view = new DataView(this.memory.buffer);
    this.base = options.base ? options.base(this.memory) : 0n;
    this.baseNumber = Number(this.base);
    if (BigInt(this.baseNumber) !== this.base || this.baseNumber + this.size > Number.MAX_SAFE_INTEGER) {
      throw new VmError('VM_MEMORY', `VM memory base 0x${this.base.toString(16)} is not representable`, -1);
    }
    this.free = [{ offset: GUARD_SIZE, size: this.size - GUARD_SIZE }];
  }

  /**
   * Allocates a zeroed region.
   * @throws {@link VmError} (`VM_MEMORY`) when no free block is large enough.
   */
  alloc(size: number, options: AllocOptions): Region {
    if (!Number.isInteger(size) || size < 0) throw new VmError('VM_MEMORY', `bad allocation size ${size} for ${options.name}`, -1);
    const align = options.align ?? 8;
    const want = Math.max(size, 1);
    for (let i = 0; i < this.free.length; i++) {
      const blk = this.free[i]!;
      const start = Math.ceil(blk.offset / align) * align;
      const pad = start - blk.offset;
      if (pad + want > blk.size) continue;
      // Split the free block into [pad][region][rest].
      const rest = blk.size - pad - want;
      const replacement: Array<{ offset: number; size: number }> = [];
      if (pad > 0) replacement.push({ offset: blk.offset, size: pad });
      if (rest > 0) replacement.push({ offset: start + want, size: rest });
      this.free.splice(i, 1, ...replacement);
      this.bytes.fill(0, start, start + want);
      const region: Region = Object.freeze({
        id: this.nextId++,
        kind: options.kind,
        name: options.name,
        offset: start,
        size,
        address: this.base + BigInt(start),
        readOnly: options.readOnly ?? false,
        ...(options.elemSize !== undefined ? { elemSize: options.elemSize } : {}),
      });
      this.insertLive(region, want);
      return region;
    }
    throw new VmError('VM_MEMORY', `out of VM memory: cannot allocate ${size} bytes for ${options.name} (VM memory is ${this.size} bytes; raise it with the memory size option)`, -1);
  }

  /** Returns a region's bytes to the free list. Freeing twice is a no-op. */
  release(region: Region): void {
    const idx = this.live.indexOf(region);
    if (idx < 0) return;
    this.live.splice(idx, 1);
    this.releases++;
    if (this.lastHit === region) this.lastHit = undefined;
    const blk = { offset: region.offset, size: Math.max(region.size, 1) };
    // Insert sorted and merge with neighbours.
    let i = 0;
    while (i < this.free.length && this.free[i]!.offset < blk.offset) i++;
    this.free.splice(i, 0, blk);
    if (i + 1 < this.free.length && blk.offset + blk.size === this.free[i + 1]!.offset) {
      blk.size += this.free[i + 1]!.size;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1]!.offset + this.free[i - 1]!.size === blk.offset) {
      this.free[i - 1]!.size += blk.size;
      this.free.splice(i, 1);
    }
  }

  /** The live region containing byte `offset`, if any (last hit first, then binary search). */
  regionAt(offset: number): Region | undefined {
    const last = this.lastHit;
    if (last !== undefined && offset >= last.offset && offset < last.offset + last.size) return last;
    const live = this.live;
    let lo = 0;
    let hi = live.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = live[mid]!;
      if (offset < r.offset) hi = mid - 1;
      else if (offset >= r.offset + r.size) lo = mid + 1;
      else return (this.lastHit = r);
    }
    return undefined;
  }

  /** The live region containing `address`, if any. */
  regionOf(address: bigint): Region | undefined {
    const off = this.offsetOf(address);
    return off < 0 ? undefined : this.regionAt(off);
  }

  /** All live regions, sorted by offset. */
  regions(): readonly Region[] {
    return this.live;
  }

  /** Offset of `address` in the memory, or -1 when it is outside the memory. */
  offsetOf(address: bigint | number): number {
    const off = typeof address === 'bigint' ? Number(address - this.base) : address - this.baseNumber;
    return off >= 0 && off < this.size ? off : -1;
  }

  /** Address of byte `offset`. */
  addressOf(offset: number): bigint {
    return this.base + BigInt(offset);
  }

  /**
   * True when `[address, address+size)` lies inside one live region (and, if `write`, a
   * writable one). Helpers use it before touching memory a program gave them.
   */
  isValid(address: bigint, size: number, write = false): boolean {
    const off = this.offsetOf(address);
    if (off < 0 || size < 0) return false;
    const r = this.regionAt(off);
    return r !== undefined && off + size <= r.offset + r.size && !(write && r.readOnly);
  }

  /**
   * Offset form of {@link isValid} for hot paths (helpers get addresses as Numbers): true when
   * `[offset, offset+size)` lies inside one live region (and, if `write`, a writable one).
   */
  isValidOffset(offset: number, size: number, write = false): boolean {
    if (!(offset >= 0) || !(size >= 0)) return false;
    const r = this.regionAt(offset);
    return r !== undefined && offset + size <= r.offset + r.size && !(write && r.readOnly);
  }

  /**
   * A copy of `size` bytes at `address` (host access; not limited to one region).
   * @throws {@link VmError} (`VM_FAULT`) when the range leaves the memory.
   */
  read(address: bigint | number, size: number): Uint8Array {
    const off = this.rangeOffset(address, size, 'read');
    return this.bytes.slice(off, off + size);
  }

  /**
   * Copies `data` to `address` (host access; not limited to one region).
   * @throws {@link VmError} (`VM_FAULT`) when the range leaves the memory.
   */
  write(address: bigint | number, data: Uint8Array): void {
    const off = this.rangeOffset(address, data.length, 'write');
    this.bytes.set(data, off);
  }

  /** Bytes allocated (regions, rounded to at least 1 byte each) and bytes still free. */
  usage(): { readonly used: number; readonly free: number; readonly largestFree: number; readonly regions: number } {
    let free = 0;
    let largestFree = 0;
    for (const b of this.free) {
      free += b.size;
      if (b.size > largestFree) largestFree = b.size;
    }
    return { used: this.size - GUARD_SIZE - free, free, largestFree, regions: this.live.length };
  }

  private rangeOffset(address: bigint | number, size: number, what: string): number {
    const off = this.offsetOf(address);
    if (off < 0 || !Number.isInteger(size) || size < 0 || off + size > this.size) {
      throw new VmError('VM_FAULT', `host ${what} of ${size} bytes at 0x${address.toString(16)} is outside VM memory`, -1);
    }
    return off;
  }

  private insertLive(region: Region, _span: number): void {
    let i = this.live.length;
    while (i > 0 && this.live[i - 1]!.offset > region.offset) i--;
    this.live.splice(i, 0, region);
  }
}
