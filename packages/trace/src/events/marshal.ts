/**
 * Marshalling a probe's JS arguments into 64-bit register slots (the interfaces' rules):
 * integers and bigints as two's complement, booleans 0/1, null/undefined 0, strings, Buffers and
 * typed arrays copied into VM memory (slot = pointer), objects laid out as the declared C struct
 * (a HostRef passes its own address, no copy). Never a handle into the JS heap. Copies go to a
 * per-event arena reset on every event; when it is full the pointer is 0 and the event counts it.
 */
import { EbpfError, type Arena, type Vm } from '@ebpf/core';
import { writeSlot } from '../ctypes.js';
import { parseCType, readInt, type CType } from '../ctypes.js';
import { HostRef, scalarOf, utf8, writeField, type StructLayout, type StructRegistry } from '../host-structs.js';

/** How an argument is marshalled. */
export type ArgMode = 'int' | 'struct' | 'string' | 'ptr' | 'auto';

/** A declared probe argument. */
export interface ProbeArg {
  /** Argument name. */
  readonly name: string;
  /** Declared C type; `auto` arguments (dynamic probes without declarations) use `u64`. */
  readonly type: CType;
  /** How it is marshalled. */
  readonly mode: ArgMode;
  /** The pointee layout of a `struct X *` argument. */
  readonly layout?: StructLayout;
}

/** Declaration of an argument: a name and a C type (`int`, `struct sk_buff *`, `char *`), or `auto`. */
export interface ArgDeclInput {
  /** Argument name (field sources use it). */
  readonly name: string;
  /** C type, or `auto` (by the value's JS type). */
  readonly type: string;
}

/**
 * Resolves argument declarations.
 * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for unknown types or structs.
 */
export function resolveArgs(decls: readonly ArgDeclInput[], structs: StructRegistry): ProbeArg[] {
  return decls.map((d) => {
    if (d.type === 'auto') return { name: d.name, type: parseCType('u64'), mode: 'auto' as const };
    const type = parseCType(d.type);
    if (type.kind === 'chars') throw new EbpfError('USAGE', `argument ${d.name}: an argument cannot be an array; use 'char *'`);
    if (type.kind === 'int') return { name: d.name, type, mode: 'int' as const };
    if (type.string) return { name: d.name, type, mode: 'string' as const };
    if (type.struct) {
      const layout = structs.get(type.struct);
      if (!layout) throw new EbpfError('USAGE', `argument ${d.name}: struct ${type.struct} has no known layout (define it with defineStruct)`);
      return { name: d.name, type, mode: 'struct' as const, layout };
    }
    return { name: d.name, type, mode: 'ptr' as const };
  });
}

/** Thrown internally when the arena cannot hold a copy. */
const FULL = Symbol('arena full');

/** Turns JS arguments into slots; one per event (owns nothing but a reference to the arena). */
export class Marshaller {
  /** Arguments whose copy did not fit in the arena (passed as 0). */
  overflows = 0;

  private readonly baseHi: number = 0;
  private readonly baseLo: number = 0;
  private resetPending = true;

  constructor(private readonly vm: Vm, private readonly args: readonly ProbeArg[], private readonly arena: Arena, private readonly structs: StructRegistry) {
    const b = vm.mem.baseNumber;
    this.baseHi = Math.floor(b / 4294967296);
    this.baseLo = b - this.baseHi * 4294967296;
  }

  /**
   * Writes the arguments straight into 64-bit context slots (`u32` over VM memory; slot `i` at
   * byte `ctxOff + offsets[i]`): the hot path of events with programs attached. Addresses are
   * written as two halves, so no heap number or BigInt is made.
   */
  toContext(values: ArrayLike<unknown>, u32: Uint32Array, ctxOff: number, offsets: readonly number[]): void {
    const n = this.args.length;
    this.resetPending = true;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const idx = (ctxOff + offsets[i]!) >> 2;
      if (typeof v === 'number' && v >= 0 && v <= 0xffffffff && v === (v >>> 0)) {
        u32[idx] = v;
        u32[idx + 1] = 0;
      } else if (v instanceof HostRef) {
        const lo = this.baseLo + v.offset;
        u32[idx] = lo >>> 0;
        u32[idx + 1] = this.baseHi + (lo >= 4294967296 ? 1 : 0);
      } else this.slowSlot(i, v, u32, idx);
    }
  }

  /** Every other kind of value: scalars by the general rule, copies into the arena. */
  private slowSlot(i: number, v: unknown, u32: Uint32Array, idx: number): void {
    const a = this.args[i]!;
    if (a.mode === 'int' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v == null) {
      writeSlot(u32, idx, scalarOf(v));
      return;
    }
    if (this.resetPending) {
      this.arena.reset();
      this.resetPending = false;
    }
    let off = 0;
    try {
      off = this.copy(a, v, 0);
    } catch (e) {
      if (e !== FULL) throw e;
      this.overflows++;
    }
    if (off <= 0) {
      u32[idx] = 0;
      u32[idx + 1] = 0;
      return;
    }
    const lo = this.baseLo + off;
    u32[idx] = lo >>> 0;
    u32[idx + 1] = this.baseHi + (lo >= 4294967296 ? 1 : 0);
  }

  /** Fills `slots[i]` from `values[i]` for every declared argument (events without programs). */
  marshal(values: ArrayLike<unknown>, slots: Array<number | bigint>): void {
    const args = this.args;
    let reset = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const v = values[i];
      if (v instanceof HostRef) {
        slots[i] = v.address;
        continue;
      }
      if (a.mode === 'int' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v == null) {
        slots[i] = scalarOf(v);
        continue;
      }
      if (!reset) {
        this.arena.reset();
        reset = true;
      }
      try {
        const off = this.copy(a, v, 0);
        slots[i] = off > 0 ? this.vm.mem.baseNumber + off : 0;
      } catch (e) {
        if (e !== FULL) throw e;
        this.overflows++;
        slots[i] = 0;
      }
    }
  }

  /** Reads the slots back from the context (after {@link toContext}), for fetching fields. */
  fromContext(view: DataView, ctxOff: number, offsets: readonly number[], slots: Array<number | bigint>): void {
    for (let i = 0; i < this.args.length; i++) slots[i] = readInt(view, ctxOff + offsets[i]!, 8, false);
  }

  /** Copies a non-scalar value into the arena; returns its VM offset (or 0 for NULL). */
  private copy(a: ProbeArg, v: unknown, depth: number): number {
    if (typeof v === 'string') return this.push(stringBytes(v));
    if (ArrayBuffer.isView(v)) return this.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), false);
    if (v instanceof ArrayBuffer) return this.push(new Uint8Array(v), false);
    if (a.mode === 'struct' && typeof v === 'object' && a.layout) return this.layout(a.layout, v as Record<string, unknown>, depth);
    return 0; // an object without a declared struct: NULL
  }

  private push(bytes: Uint8Array, nul = true): number {
    const size = bytes.length + (nul ? 1 : 0);
    if (this.arena.used + size + 8 > this.arena.region.size) throw FULL;
    const off = this.arena.alloc(size);
    this.vm.mem.bytes.set(bytes, off);
    return off;
  }

  /** Lays out a plain object as `layout`; nested struct pointers to plain objects are laid out too. */
  private layout(layout: StructLayout, obj: Record<string, unknown>, depth: number): number {
    if (this.arena.used + layout.size + 8 > this.arena.region.size) throw FULL;
    const off = this.arena.alloc(layout.size);
    for (const f of layout.fields) {
      const v = obj[f.name];
      if (v === undefined) continue;
      const at = off + f.offset;
      if (f.type.kind === 'ptr' && v !== null && !(v instanceof HostRef) && (typeof v === 'string' || typeof v === 'object')) {
        const base = this.vm.mem.baseNumber;
        const inner = f.type.struct ? this.structs.get(f.type.struct) : undefined;
        let ptr = 0;
        if (typeof v === 'string' || ArrayBuffer.isView(v)) ptr = base + this.copy({ name: f.name, type: f.type, mode: 'string' }, v, depth + 1);
        else if (inner && depth < 8) ptr = base + this.layout(inner, v as Record<string, unknown>, depth + 1);
        writeField(this.vm, at, f.type, ptr);
        continue;
      }
      writeField(this.vm, at, f.type, v);
    }
    return off;
  }
}

/** UTF-8 bytes of a host string (for copies into VM memory). */
function stringBytes(s: string): Uint8Array {
  return utf8(s);
}
