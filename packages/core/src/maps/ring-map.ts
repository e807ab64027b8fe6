/**
 * The shared shape of keyless stream maps (ring buffers and perf event arrays): one record ring
 * in VM memory that programs write and the host consumes in order. Key/value calls have no
 * meaning here and fail with EOPNOTSUPP; subclasses add their program-side operations.
 */
import type { Vm } from '../runtime/vm.js';
import { Errno } from './errno.js';
import { MapBase } from './map-base.js';
import { MapError } from './map-error.js';
import type { MapSpec } from './map-spec.js';
import { RecordRing } from './record-ring.js';

/** A map whose storage is one {@link RecordRing}. */
export abstract class RingMapBase extends MapBase {
  /** The ring (exposed for engines and tests). */
  readonly ring: RecordRing;

  /**
   * Allocates a ring of `ringSize` bytes named `what` ("ring", "perf ring").
   * @throws {@link MapError} when VM memory cannot hold it.
   */
  protected constructor(vm: Vm, spec: MapSpec, id: number, ringSize: number, what: string, readOnly: boolean) {
    super(vm, spec, id, 0);
    let region;
    try {
      region = this.mem.alloc(ringSize, { kind: 'map', name: `map ${spec.name} ${what}`, align: 16, readOnly });
    } catch (e) {
      super.dispose();
      throw new MapError(spec.name, `cannot allocate a ${what} of ${ringSize} bytes`, Errno.ENOMEM, { cause: e });
    }
    this.values = region;
    this.ring = new RecordRing(this.mem, region);
  }

  /** Records waiting for the host. */
  get count(): number {
    return this.ring.countReady();
  }

  /** Hands every record to `onRecord`, oldest first; returns how many. */
  consume(onRecord: (data: Uint8Array) => void): number {
    return this.ring.consume(onRecord);
  }

  /** Every record, oldest first (consumed). */
  drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.ring.consume((r) => out.push(r));
    return out;
  }

  /** Drops every record. */
  clear(): void {
    this.ring.drop();
  }

  /** Why a host lookup makes no sense for this map (the {@link lookup} error text). */
  protected abstract readonly noLookup: string;

  protected find(): number {
    return -1;
  }

  protected store(): number {
    return -Errno.EOPNOTSUPP;
  }

  protected remove(): number {
    return -Errno.EOPNOTSUPP;
  }

  protected keyList(): Uint8Array[] {
    return [];
  }

  /** @throws {@link MapError}: records are read with {@link consume}, not looked up. */
  override lookup(): Uint8Array | undefined {
    throw new MapError(this.spec.name, `lookup: ${this.noLookup}`, Errno.EOPNOTSUPP);
  }
}
