/**
 * A bump allocator over one region of VM memory, for buffers that live for one run or one event
 * (copied strings, packet buffers, event contexts): `alloc` is a pointer bump, `reset` frees all
 * at once. It never touches the VM's region list per allocation, so it is cheap per event.
 * Objects inside one arena share its region: oracle-mode bounds are per arena, not per object.
 */
import { VmError } from '../errors.js';
import type { Region, RegionKind, VmMemory } from './vm-memory.js';

/** Options for {@link Arena}. */
export interface ArenaOptions {
  /** Region kind shown in faults; default `scratch`. */
  readonly kind?: RegionKind;
  /** Region name shown in faults. */
  readonly name: string;
  /** Arena size in bytes. */
  readonly size: number;
  /** Programs may not write the arena's bytes. */
  readonly readOnly?: boolean;
}

/** A bump allocator inside one VM memory region. */
export class Arena {
  /** The region backing the arena. */
  readonly region: Region;
  private top = 0;

  /** @throws {@link VmError} (`VM_MEMORY`) when the VM has no room for the arena. */
  constructor(private readonly mem: VmMemory, options: ArenaOptions) {
    this.region = mem.alloc(options.size, {
      kind: options.kind ?? 'scratch',
      name: options.name,
      align: 16,
      readOnly: options.readOnly ?? false,
    });
  }

  /** Bytes handed out since the last reset. */
  get used(): number {
    return this.top;
  }

  /**
   * Reserves `size` zeroed bytes aligned to `align` (default 8); returns their byte offset in VM
   * memory (the address is `mem.base + offset`).
   * @throws {@link VmError} (`VM_MEMORY`) when the arena is exhausted.
   */
  alloc(size: number, align = 8): number {
    const start = Math.ceil(this.top / align) * align;
    if (!Number.isInteger(size) || size < 0 || start + size > this.region.size) {
      throw new VmError('VM_MEMORY', `${this.region.name}: cannot allocate ${size} bytes (${this.region.size - this.top} of ${this.region.size} left)`, -1);
    }
    const off = this.region.offset + start;
    this.mem.bytes.fill(0, off, off + size);
    this.top = start + size;
    return off;
  }

  /** Copies `data` into the arena; returns its byte offset in VM memory. */
  push(data: Uint8Array, align = 8): number {
    const off = this.alloc(data.length, align);
    this.mem.bytes.set(data, off);
    return off;
  }

  /** Frees everything allocated since the last reset. */
  reset(): void {
    this.top = 0;
  }

  /** Returns the arena's region to the VM. */
  dispose(): void {
    this.mem.release(this.region);
  }
}
