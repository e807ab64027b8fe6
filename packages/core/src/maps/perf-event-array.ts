/**
 * Perf event arrays (`BPF_MAP_TYPE_PERF_EVENT_ARRAY`): `bpf_perf_event_output` copies a sample
 * into the ring of a CPU's event; the host reads samples in order. The VM has exactly one CPU, so
 * there is one ring (index 0, or `BPF_F_CURRENT_CPU`); other indices have no event open (-ENOENT).
 * `maxEntries` 0 means "one per possible CPU" (libbpf's convention) and becomes 1. The ring size is
 * the VM's `perfRingSize` (default 64 KiB); samples that do not fit are counted in `lost`.
 */
import type { Vm } from '../runtime/vm.js';
import { Errno } from './errno.js';
import { MAX_MAP_ENTRIES } from './hash.js';
import { MapBase } from './map-base.js';
import { RingMapBase } from './ring-map.js';
import { MapError } from './map-error.js';
import type { MapSpec } from './map-spec.js';

/** `BPF_F_CURRENT_CPU`: the index meaning "this CPU's event". */
export const BPF_F_CURRENT_CPU = 0xffffffff;
/** Default ring size of a perf event array, in bytes. */
export const DEFAULT_PERF_RING_SIZE = 64 * 1024;

/** A perf event array with one CPU. */
export class PerfEventArrayMap extends RingMapBase {
  /** Samples dropped because the ring was full. */
  lost = 0;

  /** @throws {@link MapError} for a bad blueprint or when VM memory cannot hold the ring. */
  constructor(vm: Vm, spec: MapSpec, id: number, ringSize = DEFAULT_PERF_RING_SIZE) {
    const fixed = { ...spec, maxEntries: spec.maxEntries || 1, keySize: spec.keySize || 4, valueSize: spec.valueSize || 4 };
    MapBase.validate(fixed, 'keySize', { min: 4, max: 4, why: "a perf event array's key is a u32 CPU index" });
    MapBase.validate(fixed, 'valueSize', { min: 4, max: 4, why: "a perf event array's value is a u32 event" });
    MapBase.validate(fixed, 'maxEntries', { min: 1, max: MAX_MAP_ENTRIES, why: 'one slot per CPU' });
    if (!(ringSize >= 4096) || (ringSize & (ringSize - 1)) !== 0) {
      throw new MapError(spec.name, `perf ring size ${ringSize}: must be a power of two ≥ 4096`, Errno.EINVAL);
    }
    super(vm, fixed, id, ringSize, 'perf ring', true);
  }

  protected readonly noLookup = 'a perf event array holds no values; consume its samples instead';

  /**
   * Program side of `bpf_perf_event_output`: copies `len` bytes at VM offset `offset` to the ring
   * chosen by `index`. Returns 0 or a negative errno.
   */
  output(index: number, offset: number, len: number): number {
    if (index !== BPF_F_CURRENT_CPU && index !== 0) return index < this.maxEntries ? -Errno.ENOENT : -Errno.E2BIG;
    if (!this.ring.write(this.bytes, offset, len)) {
      this.lost++;
      return -Errno.ENOSPC;
    }
    return 0;
  }
}
