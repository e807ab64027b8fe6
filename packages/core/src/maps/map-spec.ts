/**
 * MapSpec: the blueprint of a map (the seed's `struct bpf_table` is one), pure data.
 * Creating the storage in VM memory is {@link BpfMap}'s job, at load time.
 */

/** Map kinds. Names follow Linux's `BPF_MAP_TYPE_*` in lower case. */
export type MapType =
  | 'hash'
  | 'array'
  | 'lpm_trie'
  | 'percpu_hash'
  | 'percpu_array'
  | 'lru_hash'
  | 'prog_array'
  | 'perf_event_array'
  | 'ringbuf'
  | 'array_of_maps'
  | 'hash_of_maps';

/** Linux `BPF_MAP_TYPE_*` numbers of the map types we support. */
export const LINUX_MAP_TYPE: Readonly<Record<MapType, number>> = {
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  lru_hash: 9,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  ringbuf: 27,
};

/** The blueprint of one map. */
export interface MapSpec {
  /** Name (ELF symbol, or `table<N>` for seed images). */
  readonly name: string;
  readonly type: MapType;
  /** Key size in bytes (4 for arrays; 0 for ringbuf/perf arrays). */
  readonly keySize: number;
  /** Value size in bytes (the seed calls it elem_size). */
  readonly valueSize: number;
  /** Maximum number of entries (ringbuf: the ring's byte size). */
  readonly maxEntries: number;
  /** Linux map flags (BPF_F_*), 0 when none. */
  readonly flags: number;
  /** Seed `struct bpf_table.param1` (table dependent), when from a seed image. */
  readonly param1?: number;
  /** Initial contents for global-data maps (`.data`, `.rodata`, `.bss`): value of key 0. */
  readonly initialValue?: Uint8Array;
  /** True for `.rodata`: programs may not write it, the host may not update it after load. */
  readonly frozen?: boolean;
  /** Inner map blueprint for map-in-map types. */
  readonly innerMap?: MapSpec;
  /** Initial slots of `values` in BTF map definitions (prog_array: program names by index). */
  readonly initialSlots?: ReadonlyArray<readonly [index: number, ref: string]>;
}
