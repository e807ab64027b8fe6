/**
 * Bounds checks for the interpreter's memory accesses. The run loop keeps a "window" (a byte
 * range of VM memory known to be accessible) and only calls {@link MemoryGuard.resolve} when an
 * access falls outside it; resolve finds the region holding the access, or throws a VmError that
 * names the instruction, the address and why it is refused. In oracle mode the window is one
 * object (a stack frame, one map value, the context, one packet), so an access that strays from
 * one object into its neighbour faults even though both are valid VM memory.
 */
import type { Region, Vm } from '@ebpf/core';
import { VmError } from '@ebpf/core/errors';

/** Region kinds a program may never touch (engine scratch space, code). */
const HIDDEN_KINDS: ReadonlySet<string> = new Set(['scratch', 'code']);

/** Resolves accesses to windows of accessible memory; one per compiled program. */
export class MemoryGuard {
  /** Start offset of the window found by the last {@link resolve}. */
  lo = 0;
  /** End offset (exclusive) of the window found by the last {@link resolve}. */
  hi = 0;
  /** The region of the last resolved window (for tests and messages). */
  region: Region | undefined;

  /**
   * @param vm the VM whose memory is checked.
   * @param oracle bound each access to one object of a region (its `elemSize`), not the region.
   * @param describe formats the instruction at a slot for error messages.
   */
  constructor(
    private readonly vm: Vm,
    readonly oracle: boolean,
    private readonly describe: (pc: number) => string,
  ) {}

  /**
   * Finds the window that holds `[a, a + size)` (`a` is a memory offset, possibly negative or
   * beyond the memory when the program computed a wild pointer) and stores it in
   * {@link lo}/{@link hi}.
   * @throws `VmError` (`VM_FAULT`) when the access is not inside one accessible region
   * (one object in oracle mode) or writes a read-only region.
   */
  resolve(a: number, size: number, write: boolean, pc: number): void {
    const mem = this.vm.mem;
    const what = (): string => `${write ? 'write' : 'read'} of ${size} byte${size === 1 ? '' : 's'} at ${this.addr(a)}`;
    if (!(a >= 0 && a < mem.size)) throw this.fault(pc, `${what()}: outside VM memory`);
    const r = mem.regionAt(a);
    if (r === undefined) throw this.fault(pc, `${what()}: ${this.nearest(a)}`);
    if (HIDDEN_KINDS.has(r.kind)) throw this.fault(pc, `${what()}: ${label(r)} is not accessible to programs`);
    if (write && r.readOnly) throw this.fault(pc, `${what()}: ${label(r)} is read-only`);
    const end = r.offset + r.size;
    if (a + size > end) throw this.fault(pc, `${what()}: crosses the end of ${label(r)} (offset ${a - r.offset} of ${r.size} bytes)`);
    let lo = r.offset;
    let hi = end;
    if (this.oracle && r.elemSize !== undefined && r.elemSize > 0) {
      const el = r.elemSize;
      const idx = Math.floor((a - r.offset) / el);
      lo = r.offset + idx * el;
      hi = Math.min(lo + el, end);
      if (a + size > hi) {
        throw this.fault(pc, `${what()}: crosses from object ${idx} into object ${idx + 1} of ${label(r)} (objects of ${el} bytes; oracle mode bounds an access to one object)`);
      }
    }
    this.lo = lo;
    this.hi = hi;
    this.region = r;
  }

  /** A VmError for the instruction at `pc`. */
  fault(pc: number, message: string): VmError {
    return new VmError('VM_FAULT', `${this.describe(pc)}: ${message}`, pc);
  }

  /** Describes where a stray offset lies: just past or before a region, or nowhere near one. */
  private nearest(a: number): string {
    const live = this.vm.mem.regions();
    let below: Region | undefined;
    let above: Region | undefined;
    for (const r of live) {
      if (r.offset + r.size <= a) below = r;
      else if (r.offset > a) { above = r; break; }
    }
    if (below && a - (below.offset + below.size) < 4096 && !HIDDEN_KINDS.has(below.kind)) {
      return `${a - (below.offset + below.size)} bytes past the end of ${label(below)} (${below.size} bytes)`;
    }
    if (above && above.offset - a <= 4096 && !HIDDEN_KINDS.has(above.kind)) {
      return `${above.offset - a} bytes before the start of ${label(above)}`;
    }
    return 'not inside any allocated region';
  }

  private addr(a: number): string {
    const v = BigInt.asUintN(64, this.vm.mem.base + BigInt(Math.trunc(a)));
    return '0x' + v.toString(16);
  }
}

function label(r: Region): string {
  return `${r.kind} region '${r.name}'`;
}
