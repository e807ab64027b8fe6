/**
 * Maps: blueprints, the storage every map type implements in VM memory, and the map helpers
 * every subsystem can offer.
 * @packageDocumentation
 */
export * from './map-spec.js';
export * from './bpf-map.js';
export * from './create.js';
export * from './errno.js';
export * from './map-error.js';
export { MAP_DESCRIPTOR, MapBase, MAX_KEY_SIZE, MAX_VALUE_SIZE } from './map-base.js';
export { HashMap, PercpuHashMap, MAX_MAP_ENTRIES } from './hash.js';
export { LruHashMap } from './lru-hash.js';
export { ArrayMap, PercpuArrayMap } from './array.js';
export { LpmTrieMap, LPM_DATA_SIZE_MAX } from './lpm-trie.js';
export { ProgArrayMap } from './prog-array.js';
export { PerfEventArrayMap, BPF_F_CURRENT_CPU, DEFAULT_PERF_RING_SIZE } from './perf-event-array.js';
export { RingMapBase } from './ring-map.js';
export { RingBufMap } from './ringbuf.js';
export { RecordRing, RECORD_BUSY, RECORD_DISCARD, RECORD_HEADER } from './record-ring.js';
export * from './helpers.js';
