/**
 * Map factory: MapSpec → BpfMap in a VM, through a registry naming each built-in type's class
 * (`type BuiltinMapType = keyof typeof MAP_TYPES`). Map-in-map types are not built yet: asking for
 * one is a clear MapError, not a silent substitute.
 */
import type { Vm } from '../runtime/vm.js';
import { ArrayMap, PercpuArrayMap } from './array.js';
import type { BpfMap } from './bpf-map.js';
import { Errno } from './errno.js';
import { HashMap, PercpuHashMap } from './hash.js';
import { LpmTrieMap } from './lpm-trie.js';
import { LruHashMap } from './lru-hash.js';
import { MapError } from './map-error.js';
import type { MapSpec, MapType } from './map-spec.js';
import { PerfEventArrayMap } from './perf-event-array.js';
import { ProgArrayMap } from './prog-array.js';
import { RingBufMap } from './ringbuf.js';

/** Options of {@link createMap}. */
export interface CreateMapOptions {
  /** Ring size of perf event arrays in bytes (power of two ≥ 4096). */
  readonly perfRingSize?: number;
}

type MapFactory = (vm: Vm, spec: MapSpec, id: number, options: CreateMapOptions) => BpfMap;

/** The built-in map types and their constructors. */
export const MAP_TYPES = {
  hash: (vm, spec, id) => new HashMap(vm, spec, id),
  array: (vm, spec, id) => new ArrayMap(vm, spec, id),
  lpm_trie: (vm, spec, id) => new LpmTrieMap(vm, spec, id),
  percpu_hash: (vm, spec, id) => new PercpuHashMap(vm, spec, id),
  percpu_array: (vm, spec, id) => new PercpuArrayMap(vm, spec, id),
  lru_hash: (vm, spec, id) => new LruHashMap(vm, spec, id),
  prog_array: (vm, spec, id) => new ProgArrayMap(vm, spec, id),
  perf_event_array: (vm, spec, id, o) => new PerfEventArrayMap(vm, spec, id, o.perfRingSize),
  ringbuf: (vm, spec, id) => new RingBufMap(vm, spec, id),
} satisfies Partial<Record<MapType, MapFactory>>;

/** A map type this package can create. */
export type BuiltinMapType = keyof typeof MAP_TYPES;

/** True when `type` names a map type {@link createMap} can create. */
export function isBuiltinMapType(type: string): type is BuiltinMapType {
  return Object.prototype.hasOwnProperty.call(MAP_TYPES, type);
}

/**
 * Creates the storage of `spec` inside `vm`. Prefer `vm.createMap(spec)`, which also registers
 * the map so helpers can find it by address.
 * @throws {@link MapError} (`MAP`) for an unsupported type, invalid sizes (naming the map and the
 * field) or when VM memory cannot hold the map.
 */
export function createMap(vm: Vm, spec: MapSpec, id: number, options: CreateMapOptions = {}): BpfMap {
  if (typeof spec !== 'object' || spec === null) throw new MapError('?', `blueprint is ${spec === null ? 'null' : typeof spec}, expected a MapSpec`, Errno.EINVAL);
  const name = typeof spec.name === 'string' && spec.name !== '' ? spec.name : `#${id}`;
  if (!isBuiltinMapType(spec.type)) {
    throw new MapError(name, `type '${String(spec.type)}' is not supported (supported: ${Object.keys(MAP_TYPES).join(', ')})`, Errno.EINVAL);
  }
  if (!Number.isInteger(spec.flags ?? 0)) throw new MapError(name, `flags ${String(spec.flags)}: must be an integer`, Errno.EINVAL);
  return MAP_TYPES[spec.type](vm, name === spec.name ? spec : { ...spec, name }, id, options);
}
