/**
 * Ring buffers (`BPF_MAP_TYPE_RINGBUF`): programs reserve a record in VM memory, write it in
 * place and submit or discard it (`bpf_ringbuf_reserve/submit/discard`), or copy one in with
 * `bpf_ringbuf_output`; the host consumes submitted records in order. `maxEntries` is the ring's
 * byte size: a power of two and a multiple of 4096, as in Linux. There are no keys: the host
 * lookup/update/delete calls fail with EOPNOTSUPP; use {@link RingBufMap.consume}.
 */
import type { Vm } from '../runtime/vm.js';
import { Errno } from './errno.js';
import { MapBase } from './map-base.js';
import { RingMapBase } from './ring-map.js';
import { MapError } from './map-error.js';
import type { MapSpec } from './map-spec.js';

/** Largest ring we accept (1 GiB; a VM is far smaller anyway). */
const MAX_RING = 1 << 30;

/** A ring buffer map. */
export class RingBufMap extends RingMapBase {
  /** Records a program could not reserve or output because the ring was full. */
  dropped = 0;

  /** @throws {@link MapError} unless `maxEntries` is a power of two ≥ 4096 and key/value sizes are 0. */
  constructor(vm: Vm, spec: MapSpec, id: number) {
    MapBase.validate(spec, 'keySize', { min: 0, max: 0, why: 'a ring buffer has no keys' });
    MapBase.validate(spec, 'valueSize', { min: 0, max: 0, why: 'a ring buffer has no values' });
    MapBase.validate(spec, 'maxEntries', { min: 4096, max: MAX_RING, why: "a ring buffer's size in bytes" });
    if ((spec.maxEntries & (spec.maxEntries - 1)) !== 0 || spec.maxEntries % 4096 !== 0) {
      throw new MapError(spec.name, `maxEntries ${spec.maxEntries}: a ring buffer's size must be a power of two and a multiple of 4096`, Errno.EINVAL);
    }
    super(vm, spec, id, spec.maxEntries, 'ring', false);
  }

  protected readonly noLookup = 'a ring buffer has no keys; consume its records instead';

  /**
   * Program side of `bpf_ringbuf_reserve`: VM offset of `size` writable bytes, or -1 when full
   * (counted in {@link dropped}).
   */
  reserve(size: number): number {
    const at = this.ring.reserve(size);
    if (at < 0) this.dropped++;
    return at;
  }

  /** Program side of `bpf_ringbuf_submit`/`discard`; false when `dataOffset` is not a reservation. */
  commit(dataOffset: number, discard: boolean): boolean {
    return this.ring.commit(dataOffset, discard);
  }

  /** Program side of `bpf_ringbuf_output`: copies `len` bytes at VM offset `offset`; false when full. */
  output(offset: number, len: number): boolean {
    const ok = this.ring.write(this.bytes, offset, len);
    if (!ok) this.dropped++;
    return ok;
  }
}
