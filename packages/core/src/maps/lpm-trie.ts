/**
 * Longest-prefix-match maps (`BPF_MAP_TYPE_LPM_TRIE`, the seed's BPF_TABLE_LPM). A key is Linux's
 * `struct bpf_lpm_trie_key`: a u32 prefix length (host byte order, little-endian here) followed
 * by `keySize - 4` data bytes compared most significant bit first (network order, as IP
 * addresses are). Lookup returns the value of the stored prefix that matches the most leading
 * bits of the key, considering only stored prefixes no longer than the key's own prefix length.
 *
 * Storage: one JS index per prefix length (masked data → slot), probed from the longest length
 * present down to the shortest, so a lookup costs at most one probe per distinct length in use.
 * A full map refuses new prefixes with -ENOSPC, as Linux does.
 */
import type { Region } from '../memory/vm-memory.js';
import type { Vm } from '../runtime/vm.js';
import { UpdateFlags } from './bpf-map.js';
import { Errno } from './errno.js';
import { copyBytes, MAX_MAP_ENTRIES } from './hash.js';
import { keyId, type KeyId } from './key-id.js';
import { MapBase, MAX_VALUE_SIZE } from './map-base.js';
import { MapError } from './map-error.js';
import type { MapSpec } from './map-spec.js';
import { SlotPool } from './slots.js';
import { readIndex } from './array.js';

/** Most data bytes of an LPM key (Linux `LPM_DATA_SIZE_MAX`). */
export const LPM_DATA_SIZE_MAX = 256;

/** A longest-prefix-match trie. */
export class LpmTrieMap extends MapBase {
  /** Data bytes per key (`keySize - 4`). */
  readonly dataSize: number;
  /** Longest prefix in bits. */
  readonly maxPrefixLen: number;
  private readonly levels = new Map<number, Map<KeyId, number>>();
  /** Prefix lengths in use, longest first. */
  private lengths: number[] = [];
  private readonly keys: Region;
  private readonly slots: SlotPool;
  private readonly masked: Uint8Array;
  private stored = 0;

  /** @throws {@link MapError} for a bad blueprint or when VM memory cannot hold the map. */
  constructor(vm: Vm, spec: MapSpec, id: number) {
    MapBase.validate(spec, 'keySize', { min: 5, max: 4 + LPM_DATA_SIZE_MAX, why: 'an LPM key is a u32 prefix length followed by 1..256 data bytes' });
    MapBase.validate(spec, 'valueSize', { min: 1, max: MAX_VALUE_SIZE, why: 'values are stored in VM memory' });
    MapBase.validate(spec, 'maxEntries', { min: 1, max: MAX_MAP_ENTRIES, why: 'every entry is preallocated' });
    super(vm, spec, id);
    this.dataSize = spec.keySize - 4;
    this.maxPrefixLen = this.dataSize * 8;
    this.masked = new Uint8Array(this.dataSize);
    this.slots = new SlotPool(spec.maxEntries);
    this.allocValues(spec.maxEntries);
    this.keys = this.allocKeys(spec.maxEntries);
  }

  get count(): number {
    return this.stored;
  }

  protected find(kbuf: Uint8Array, koff: number): number {
    const plen = readIndex(kbuf, koff);
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!;
      if (len > plen) continue;
      const slot = this.levels.get(len)!.get(this.maskedId(kbuf, koff + 4, len));
      if (slot !== undefined) return this.values!.offset + slot * this.valueStride;
    }
    return -1;
  }

  protected store(kbuf: Uint8Array, koff: number, vbuf: Uint8Array, voff: number, flags: number): number {
    if (flags !== UpdateFlags.ANY && flags !== UpdateFlags.NOEXIST && flags !== UpdateFlags.EXIST) return -Errno.EINVAL;
    const plen = readIndex(kbuf, koff);
    if (plen > this.maxPrefixLen) return -Errno.EINVAL;
    const id = this.maskedId(kbuf, koff + 4, plen);
    let level = this.levels.get(plen);
    let slot = level?.get(id);
    if (slot !== undefined) {
      if (flags === UpdateFlags.NOEXIST) return -Errno.EEXIST;
    } else {
      if (flags === UpdateFlags.EXIST) return -Errno.ENOENT;
      slot = this.slots.take();
      if (slot < 0) return -Errno.ENOSPC;
      if (!level) {
        level = new Map();
        this.levels.set(plen, level);
        this.lengths = [...this.levels.keys()].sort((a, b) => b - a);
      }
      level.set(id, slot);
      this.stored++;
    }
    copyBytes(kbuf, koff, this.bytes, this.keys.offset + slot * this.keySize, this.keySize);
    copyBytes(vbuf, voff, this.bytes, this.values!.offset + slot * this.valueStride, this.valueSize);
    return 0;
  }

  protected remove(kbuf: Uint8Array, koff: number): number {
    const plen = readIndex(kbuf, koff);
    if (plen > this.maxPrefixLen) return -Errno.EINVAL;
    const level = this.levels.get(plen);
    const id = this.maskedId(kbuf, koff + 4, plen);
    const slot = level?.get(id);
    if (level === undefined || slot === undefined) return -Errno.ENOENT;
    level.delete(id);
    this.slots.give(slot);
    this.stored--;
    if (level.size === 0) {
      this.levels.delete(plen);
      this.lengths = this.lengths.filter((l) => l !== plen);
    }
    return 0;
  }

  protected keyList(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const len of this.lengths) {
      for (const slot of this.levels.get(len)!.values()) {
        const at = this.keys.offset + slot * this.keySize;
        out.push(this.bytes.slice(at, at + this.keySize));
      }
    }
    return out;
  }

  clear(): void {
    this.levels.clear();
    this.lengths = [];
    this.slots.reset();
    this.stored = 0;
  }

  override dispose(): void {
    this.mem.release(this.keys);
    super.dispose();
  }

  /** Identity of the first `bits` bits of the data at `buf[off]` (the rest ignored). */
  private maskedId(buf: Uint8Array, off: number, bits: number): KeyId {
    const whole = bits >>> 3;
    const rest = bits & 7;
    const m = this.masked;
    for (let i = 0; i < whole; i++) m[i] = buf[off + i]!;
    let n = whole;
    if (rest) m[n++] = buf[off + whole]! & (0xff << (8 - rest)) & 0xff;
    return keyId(m, 0, n);
  }
}
