/**
 * The one interface every map type implements: storage in VM memory, host-side access.
 *
 * Values live in VM memory (preallocated at creation, as Linux does), so a pointer returned by
 * `lookup` from a program is a plain address that every engine can dereference. Each map also
 * owns a small descriptor region: its address is the "map pointer" that `lddw` pseudo map loads
 * put in a register and that helpers receive in r1.
 */
import type { Region } from '../memory/vm-memory.js';
import type { MapSpec } from './map-spec.js';

/** Flags of update (Linux `BPF_ANY`, `BPF_NOEXIST`, `BPF_EXIST`). */
export const UpdateFlags = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;

/** A map living in one VM. */
export interface BpfMap {
  readonly spec: MapSpec;
  /** Index of the map in its VM (stable for the VM's life). */
  readonly id: number;
  /** Address of the map's descriptor: the value a map pointer holds. */
  readonly address: bigint;
  /** The region holding the values (for bounds checks and oracle mode). */
  readonly values: Region | undefined;

  /**
   * Program-side lookup: key bytes at VM offset `keyOffset` → VM address of the value, or 0n.
   * Hot path (called by helpers): no allocation for array maps.
   */
  lookupAddress(keyOffset: number): bigint;
  /**
   * Program-side lookup without BigInt: the value's byte offset in VM memory, or -1. Same
   * semantics as {@link lookupAddress} (LRU maps mark the entry used). Optional for other
   * implementations; every built-in map has it.
   */
  lookupValueOffset?(keyOffset: number): number;
  /**
   * Array maps (global data): address of byte `offset` of value 0, what an `lddw` map-value
   * pseudo load resolves to; undefined when `offset` is outside the value. Other types lack it.
   */
  directValueAddress?(offset: number): bigint | undefined;
  /** Program-side update from VM memory; returns 0 or a negative errno (as Linux helpers). */
  updateFrom(keyOffset: number, valueOffset: number, flags: number): number;
  /** Program-side delete; returns 0 or a negative errno. */
  deleteFrom(keyOffset: number): number;

  /** Host-side lookup: a copy of the value, or undefined. */
  lookup(key: Uint8Array): Uint8Array | undefined;
  /**
   * Host-side update.
   * @throws {@link EbpfError} (`MAP`) when the map is full, frozen or the sizes are wrong.
   */
  update(key: Uint8Array, value: Uint8Array, flags?: number): void;
  /** Host-side delete; false when the key was not present. */
  delete(key: Uint8Array): boolean;
  /** Host-side iteration over [key, value] copies. */
  entries(): IterableIterator<[Uint8Array, Uint8Array]>;
  /** Removes every entry (array maps: zeroes every value). */
  clear(): void;
  /** Number of entries present. */
  readonly count: number;
  /** Returns the map's VM memory. */
  dispose(): void;
}
