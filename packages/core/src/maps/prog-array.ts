/**
 * Program arrays (`BPF_MAP_TYPE_PROG_ARRAY`), the table of tail-call targets. Index i holds the
 * id of a program registered in the same VM (`vm.registerProgram`), 0 when empty; the ids live in
 * a read-only region of VM memory. Programs only reach this map through `bpf_tail_call`
 * (`vm.tailCall`); they can neither look it up nor update it. The host fills it.
 */
import type { Vm } from '../runtime/vm.js';
import { UpdateFlags } from './bpf-map.js';
import { readIndex } from './array.js';
import { Errno } from './errno.js';
import { MAX_MAP_ENTRIES } from './hash.js';
import { MapBase } from './map-base.js';
import { MapError } from './map-error.js';
import type { MapSpec } from './map-spec.js';

/** A table of tail-call targets. */
export class ProgArrayMap extends MapBase {
  private used = 0;

  /** @throws {@link MapError} unless key and value are 4 bytes. */
  constructor(vm: Vm, spec: MapSpec, id: number) {
    MapBase.validate(spec, 'keySize', { min: 4, max: 4, why: "a program array's key is a u32 index" });
    MapBase.validate(spec, 'valueSize', { min: 4, max: 4, why: "a program array's value is a u32 program id" });
    MapBase.validate(spec, 'maxEntries', { min: 1, max: MAX_MAP_ENTRIES, why: 'every slot is preallocated' });
    super(vm, spec, id, 4);
    this.allocValues(spec.maxEntries, true);
  }

  get count(): number {
    return this.used;
  }

  /** The program id at `index`, 0 when the slot is empty or out of range. Used by tail calls. */
  programAt(index: number): number {
    if (!(index >= 0 && index < this.maxEntries)) return 0;
    return this.mem.view.getUint32(this.values!.offset + index * 4, true);
  }

  /**
   * Puts program `programId` (from `vm.registerProgram`) at `index`.
   * @throws {@link MapError} when the index is out of range or no such program is registered.
   */
  set(index: number, programId: number): void {
    const v = new Uint8Array(4);
    new DataView(v.buffer).setUint32(0, programId >>> 0, true);
    this.updateIndex(index, v);
  }

  protected find(kbuf: Uint8Array, koff: number, fromProgram: boolean): number {
    if (fromProgram) return -1;
    const i = readIndex(kbuf, koff);
    if (this.programAt(i) === 0) return -1;
    return this.values!.offset + i * 4;
  }

  protected store(kbuf: Uint8Array, koff: number, vbuf: Uint8Array, voff: number, flags: number, fromProgram: boolean): number {
    if (fromProgram || flags !== UpdateFlags.ANY) return -Errno.EINVAL;
    const i = readIndex(kbuf, koff);
    if (i >= this.maxEntries) return -Errno.E2BIG;
    const id = readIndex(vbuf, voff);
    if (id === 0 || !this.vm.program(id)) {
      throw new MapError(this.spec.name, `update: no program with id ${id} is registered in this VM`, Errno.EINVAL);
    }
    const at = this.values!.offset + i * 4;
    if (this.mem.view.getUint32(at, true) === 0) this.used++;
    this.mem.view.setUint32(at, id, true);
    return 0;
  }

  protected remove(kbuf: Uint8Array, koff: number, fromProgram: boolean): number {
    if (fromProgram) return -Errno.EINVAL;
    const i = readIndex(kbuf, koff);
    if (i >= this.maxEntries) return -Errno.E2BIG;
    const at = this.values!.offset + i * 4;
    if (this.mem.view.getUint32(at, true) === 0) return -Errno.ENOENT;
    this.mem.view.setUint32(at, 0, true);
    this.used--;
    return 0;
  }

  protected keyList(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.maxEntries; i++) {
      if (this.programAt(i) === 0) continue;
      const k = new Uint8Array(4);
      new DataView(k.buffer).setUint32(0, i, true);
      out.push(k);
    }
    return out;
  }

  clear(): void {
    const v = this.values!;
    this.bytes.fill(0, v.offset, v.offset + v.size);
    this.used = 0;
  }

  /** Empties every slot holding program `programId` (when that program is disposed). */
  forget(programId: number): void {
    for (let i = 0; i < this.maxEntries; i++) {
      if (this.programAt(i) === programId) {
        this.mem.view.setUint32(this.values!.offset + i * 4, 0, true);
        this.used--;
      }
    }
  }
}
