import { describe, expect, it } from 'vitest';
import { EbpfError } from '../errors.js';
import { Arena } from '../memory/arena.js';
import { Vm } from '../runtime/vm.js';
import type { BpfMap } from './bpf-map.js';
import { UpdateFlags } from './bpf-map.js';
import { Errno } from './errno.js';
import { MapBase, MAP_DESCRIPTOR } from './map-base.js';
import { MapError } from './map-error.js';
import type { MapSpec, MapType } from './map-spec.js';
import { LINUX_MAP_TYPE } from './map-spec.js';
import type { LruHashMap } from './lru-hash.js';

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const bytes = (...b: number[]) => Uint8Array.from(b);
/** An LPM key: prefix length then data bytes. */
const lpm = (plen: number, ...data: number[]) => Uint8Array.from([...u32(plen), ...data]);
const spec = (type: MapType, keySize: number, valueSize: number, maxEntries: number, extra: Partial<MapSpec> = {}): MapSpec => ({
  name: `m_${type}`,
  type,
  keySize,
  valueSize,
  maxEntries,
  flags: 0,
  ...extra,
});

/** One step of a map table: what to do and what must come out (an errno is negative). */
type Step =
  | readonly ['update', Uint8Array, Uint8Array, number, number]
  | readonly ['lookup', Uint8Array, Uint8Array | undefined]
  | readonly ['delete', Uint8Array, number]
  | readonly ['count', number];

/** Drives a map from the host API or from the program-side API (key/value in VM memory). */
interface Driver {
  update(m: BpfMap, k: Uint8Array, v: Uint8Array, flags: number): number;
  lookup(m: BpfMap, k: Uint8Array): Uint8Array | undefined;
  delete(m: BpfMap, k: Uint8Array): number;
}

const host: Driver = {
  update(m, k, v, flags) {
    try {
      m.update(k, v, flags);
      return 0;
    } catch (e) {
      if (e instanceof MapError) return -e.errno;
      throw e;
    }
  },
  lookup: (m, k) => m.lookup(k),
  delete(m, k) {
    try {
      return m.delete(k) ? 0 : -Errno.ENOENT;
    } catch (e) {
      if (e instanceof MapError) return -e.errno;
      throw e;
    }
  },
};

function programDriver(vm: Vm): Driver {
  const arena = new Arena(vm.mem, { name: 'test scratch', size: 4096 });
  const put = (b: Uint8Array) => arena.push(b);
  return {
    update(m, k, v, flags) {
      arena.reset();
      return m.updateFrom(put(k), put(v), flags);
    },
    lookup(m, k) {
      arena.reset();
      const at = m.lookupAddress(put(k));
      if (at === 0n) return undefined;
      expect(vm.mem.isValid(at, m.spec.valueSize, !m.spec.frozen)).toBe(true);
      return vm.mem.read(at, m.spec.valueSize);
    },
    delete(m, k) {
      arena.reset();
      return m.deleteFrom(put(k));
    },
  };
}

const { ANY, NOEXIST, EXIST } = UpdateFlags;
const A = bytes(1, 1, 1, 1, 1, 1, 1, 1);
const B = bytes(2, 2, 2, 2, 2, 2, 2, 2);
const C = bytes(3, 3, 3, 3, 3, 3, 3, 3);
const ZERO8 = new Uint8Array(8);

const tables: ReadonlyArray<{ name: string; spec: MapSpec; steps: readonly Step[] }> = [
  {
    name: 'hash: insert, flags, full, delete, reuse',
    spec: spec('hash', 4, 8, 2),
    steps: [
      ['lookup', u32(1), undefined],
      ['update', u32(1), A, EXIST, -Errno.ENOENT],
      ['update', u32(1), A, NOEXIST, 0],
      ['update', u32(1), B, NOEXIST, -Errno.EEXIST],
      ['lookup', u32(1), A],
      ['update', u32(1), B, EXIST, 0],
      ['lookup', u32(1), B],
      ['update', u32(2), C, ANY, 0],
      ['count', 2],
      ['update', u32(3), C, ANY, -Errno.E2BIG],
      ['update', u32(2), A, ANY, 0],
      ['update', u32(3), C, 7, -Errno.EINVAL],
      ['delete', u32(1), 0],
      ['delete', u32(1), -Errno.ENOENT],
      ['lookup', u32(1), undefined],
      ['update', u32(3), C, ANY, 0],
      ['lookup', u32(3), C],
      ['lookup', u32(2), A],
      ['count', 2],
    ],
  },
  {
    name: 'hash with a 13-byte key (string identities)',
    spec: spec('hash', 13, 3, 4),
    steps: [
      ['update', bytes(...new Array(13).fill(7)), bytes(1, 2, 3), ANY, 0],
      ['update', bytes(...new Array(12).fill(7), 8), bytes(4, 5, 6), ANY, 0],
      ['lookup', bytes(...new Array(13).fill(7)), bytes(1, 2, 3)],
      ['lookup', bytes(...new Array(12).fill(7), 8), bytes(4, 5, 6)],
      ['lookup', bytes(8, ...new Array(12).fill(7)), undefined],
      ['count', 2],
    ],
  },
  {
    name: 'array: every index exists, out of range, no delete',
    spec: spec('array', 4, 8, 3),
    steps: [
      ['lookup', u32(0), ZERO8],
      ['lookup', u32(2), ZERO8],
      ['lookup', u32(3), undefined],
      ['update', u32(1), A, ANY, 0],
      ['lookup', u32(1), A],
      ['update', u32(1), B, EXIST, 0],
      ['lookup', u32(1), B],
      ['update', u32(1), C, NOEXIST, -Errno.EEXIST],
      ['update', u32(3), C, ANY, -Errno.E2BIG],
      ['delete', u32(1), -Errno.EINVAL],
      ['lookup', u32(1), B],
      ['count', 3],
    ],
  },
  {
    name: 'percpu_array (one CPU) behaves as an array',
    spec: spec('percpu_array', 4, 4, 2),
    steps: [
      ['lookup', u32(1), bytes(0, 0, 0, 0)],
      ['update', u32(1), bytes(9, 0, 0, 0), ANY, 0],
      ['lookup', u32(1), bytes(9, 0, 0, 0)],
      ['lookup', u32(2), undefined],
    ],
  },
  {
    name: 'percpu_hash (one CPU) behaves as a hash',
    spec: spec('percpu_hash', 2, 4, 1),
    steps: [
      ['update', bytes(1, 2), bytes(9, 9, 9, 9), ANY, 0],
      ['lookup', bytes(1, 2), bytes(9, 9, 9, 9)],
      ['update', bytes(2, 1), bytes(9, 9, 9, 9), ANY, -Errno.E2BIG],
      ['delete', bytes(1, 2), 0],
      ['count', 0],
    ],
  },
  {
    name: 'lpm_trie: longest prefix wins, limited by the key prefix length',
    spec: spec('lpm_trie', 8, 1, 8),
    steps: [
      ['update', lpm(8, 10, 0, 0, 0), bytes(8), ANY, 0],
      ['update', lpm(16, 10, 1, 0, 0), bytes(16), ANY, 0],
      ['update', lpm(24, 10, 1, 2, 0), bytes(24), ANY, 0],
      ['update', lpm(0, 0, 0, 0, 0), bytes(0), ANY, 0],
      ['lookup', lpm(32, 10, 1, 2, 3), bytes(24)],
      ['lookup', lpm(32, 10, 1, 3, 3), bytes(16)],
      ['lookup', lpm(32, 10, 2, 2, 3), bytes(8)],
      ['lookup', lpm(32, 11, 1, 2, 3), bytes(0)],
      ['lookup', lpm(20, 10, 1, 2, 3), bytes(16)],
      ['lookup', lpm(7, 10, 1, 2, 3), bytes(0)],
      // bits past the prefix do not matter when storing
      ['update', lpm(16, 10, 1, 99, 99), bytes(17), EXIST, 0],
      ['lookup', lpm(32, 10, 1, 3, 3), bytes(17)],
      ['update', lpm(16, 10, 1, 0, 0), bytes(16), NOEXIST, -Errno.EEXIST],
      ['update', lpm(12, 10, 16, 0, 0), bytes(12), EXIST, -Errno.ENOENT],
      ['update', lpm(33, 10, 1, 2, 3), bytes(1), ANY, -Errno.EINVAL],
      ['delete', lpm(24, 10, 1, 2, 255), 0],
      ['lookup', lpm(32, 10, 1, 2, 3), bytes(17)],
      ['delete', lpm(24, 10, 1, 2, 0), -Errno.ENOENT],
      ['delete', lpm(0, 0, 0, 0, 0), 0],
      ['lookup', lpm(32, 11, 1, 2, 3), undefined],
      ['count', 2],
    ],
  },
  {
    name: 'lpm_trie: partial-byte prefixes and a full trie',
    spec: spec('lpm_trie', 5, 1, 2),
    steps: [
      ['update', lpm(3, 0b101_00000), bytes(3), ANY, 0],
      ['update', lpm(5, 0b101_11_000), bytes(5), ANY, 0],
      ['lookup', lpm(8, 0b101_11_111), bytes(5)],
      ['lookup', lpm(8, 0b101_10_111), bytes(3)],
      ['lookup', lpm(8, 0b100_11_111), undefined],
      ['update', lpm(1, 0), bytes(1), ANY, -Errno.ENOSPC],
    ],
  },
];

describe.each([
  ['host', (_vm: Vm) => host],
  ['program', programDriver],
] as const)('map operation tables (%s side)', (_side, makeDriver) => {
  it.each(tables)('$name', ({ spec: s, steps }) => {
    const vm = new Vm({ size: 1 << 20 });
    const drive = makeDriver(vm);
    const map = vm.createMap(s);
    steps.forEach((step, i) => {
      const where = `step ${i}: ${step[0]}`;
      switch (step[0]) {
        case 'update':
          expect(drive.update(map, step[1], step[2], step[3]), where).toBe(step[4]);
          break;
        case 'lookup':
          expect(drive.lookup(map, step[1]), where).toEqual(step[2]);
          break;
        case 'delete':
          expect(drive.delete(map, step[1]), where).toBe(step[2]);
          break;
        case 'count':
          expect(map.count, where).toBe(step[1]);
          break;
      }
    });
  });
});

describe('lru_hash', () => {
  it('evicts the least recently used entry when full; program lookups count as use, host lookups do not', () => {
    const vm = new Vm({ size: 1 << 20 });
    const drive = programDriver(vm);
    const map = vm.createMap(spec('lru_hash', 4, 4, 3)) as LruHashMap;
    for (const k of [1, 2, 3]) expect(drive.update(map, u32(k), u32(k * 10), ANY)).toBe(0);
    expect(drive.lookup(map, u32(1))).toEqual(u32(10)); // 1 is now the most recent: order 2, 3, 1
    expect(map.lookup(u32(2))).toEqual(u32(20)); // host lookup: order unchanged
    expect(drive.update(map, u32(4), u32(40), ANY)).toBe(0); // evicts 2
    expect(map.lookup(u32(2))).toBeUndefined();
    expect(drive.update(map, u32(3), u32(33), EXIST)).toBe(0); // order 1, 4, 3
    map.update(u32(5), u32(50)); // evicts 1
    expect([...map.entries()].map(([k, v]) => [k[0], v[0]])).toEqual([
      [4, 40],
      [3, 33],
      [5, 50],
    ]);
    expect(map.evictions).toBe(2);
    expect(map.count).toBe(3);
  });
});

describe('host-side access', () => {
  it('iterates, clears and reports counts while values stay in VM memory', () => {
    const vm = new Vm({ size: 1 << 20 });
    const map = vm.createMap(spec('hash', 4, 4, 8));
    for (let i = 0; i < 5; i++) map.update(u32(i), u32(i * i));
    expect(new Map([...map.entries()].map(([k, v]) => [k[0], v[0]]))).toEqual(new Map([0, 1, 2, 3, 4].map((i) => [i, i * i])));
    // The value the host sees is the bytes a program's pointer reaches.
    const at = map.lookupAddress(new Arena(vm.mem, { name: 'k', size: 16 }).push(u32(3)));
    expect(vm.mem.read(at, 4)).toEqual(u32(9));
    expect(map.values?.kind).toBe('map');
    expect(vm.mem.regionOf(at)).toBe(map.values);
    map.clear();
    expect(map.count).toBe(0);
    expect([...map.entries()]).toEqual([]);
    map.update(u32(7), u32(1));
    expect(map.count).toBe(1);
  });

  it('array clear zeroes values; array lookupIndex/updateIndex', () => {
    const vm = new Vm({ size: 1 << 20 });
    const map = vm.createMap(spec('array', 4, 4, 4)) as MapBase;
    map.updateIndex(2, u32(5));
    expect(map.lookupIndex(2)).toEqual(u32(5));
    map.clear();
    expect(map.lookupIndex(2)).toEqual(u32(0));
    expect([...map.entries()]).toHaveLength(4);
  });

  it.each([
    ['short key', (m: BpfMap) => m.update(bytes(1), u32(1)), /map m_hash: update: key is 1 bytes, expected 4 bytes/],
    ['long value', (m: BpfMap) => m.update(u32(1), bytes(1, 2, 3, 4, 5)), /map m_hash: update: value is 5 bytes, expected 4/],
    ['full map', (m: BpfMap) => [1, 2, 3].forEach((k) => m.update(u32(k), u32(k))), /map m_hash: update: E2BIG/],
    ['bad flags', (m: BpfMap) => m.update(u32(1), u32(1), 9), /map m_hash: update: EINVAL/],
    ['NOEXIST on existing', (m: BpfMap) => [0, 0].forEach(() => m.update(u32(1), u32(1), NOEXIST)), /EEXIST/],
  ])('host errors name the map and the problem: %s', (_n, op, message) => {
    const vm = new Vm({ size: 1 << 20 });
    const map = vm.createMap(spec('hash', 4, 4, 2));
    expect(() => op(map)).toThrow(message);
    try {
      op(map);
    } catch (e) {
      expect(EbpfError.is(e) && e.code).toBe('MAP');
    }
  });

  it('global data: initial value, frozen .rodata refuses every write', () => {
    const vm = new Vm({ size: 1 << 20 });
    const ro = vm.createMap(spec('array', 4, 6, 1, { name: '.rodata', initialValue: bytes(104, 105), frozen: true }));
    expect(ro.lookup(u32(0))).toEqual(bytes(104, 105, 0, 0, 0, 0));
    expect(() => ro.update(u32(0), new Uint8Array(6))).toThrow(/map .rodata: update: the map is frozen/);
    expect(() => ro.clear()).toThrow(/frozen/);
    expect(ro.updateFrom(ro.values!.offset, ro.values!.offset, 0)).toBe(-Errno.EPERM);
    expect(ro.values!.readOnly).toBe(true);
    expect(ro.directValueAddress!(1)).toBe(ro.values!.address + 1n);
    expect(ro.directValueAddress!(6)).toBeUndefined();
  });
});

describe('blueprint validation names the map and the field', () => {
  it.each([
    [spec('hash', 0, 4, 1), /map m_hash: keySize 0: must be 1\.\.512/],
    [spec('hash', 4, 0, 1), /map m_hash: valueSize 0: must be/],
    [spec('hash', 4, 4, 0), /map m_hash: maxEntries 0: must be/],
    [spec('array', 8, 4, 1), /map m_array: keySize 8: must be 4 \(an array map's key is a u32 index\)/],
    [spec('lpm_trie', 4, 4, 1), /map m_lpm_trie: keySize 4: must be 5\.\.260/],
    [spec('prog_array', 4, 8, 1), /map m_prog_array: valueSize 8: must be 4/],
    [spec('ringbuf', 0, 0, 5000), /map m_ringbuf: maxEntries 5000: a ring buffer's size must be a power of two/],
    [spec('ringbuf', 4, 0, 4096), /map m_ringbuf: keySize 4: must be 0/],
    [spec('array_of_maps', 4, 4, 1), /map m_array_of_maps: type 'array_of_maps' is not supported/],
    [{ ...spec('hash', 4, 4, 1), type: 'nope' as MapType }, /type 'nope' is not supported \(supported: hash, array/],
    [spec('array', 4, 2, 1, { initialValue: bytes(1, 2, 3) }), /initialValue is 3 bytes, larger than valueSize 2/],
    [spec('hash', 4, 4, 1.5), /maxEntries 1.5/],
  ])('%#: %s', (s, message) => {
    const vm = new Vm({ size: 1 << 20 });
    expect(() => vm.createMap(s)).toThrow(message);
    expect(vm.maps()).toHaveLength(0);
  });

  it('out of VM memory is a clear error naming the map, and the VM stays usable', () => {
    const vm = new Vm({ size: 1 << 20 });
    const before = vm.mem.usage().free;
    expect(() => vm.createMap(spec('hash', 4, 1024, 4096, { name: 'big' }))).toThrow(/map big: cannot store 4096 values of 1024 bytes/);
    expect(vm.mem.usage().free).toBe(before);
    expect(vm.createMap(spec('hash', 4, 4, 4)).count).toBe(0);
  });
});

describe('descriptor', () => {
  it('describes the map for engines that inline lookups', () => {
    const vm = new Vm({ size: 1 << 20 });
    vm.createMap(spec('hash', 4, 4, 1));
    const map = vm.createMap(spec('array', 4, 12, 5)) as MapBase;
    const d = vm.mem.offsetOf(map.address);
    const v = vm.mem.view;
    expect(v.getUint32(d + MAP_DESCRIPTOR.TYPE, true)).toBe(LINUX_MAP_TYPE.array);
    expect(v.getUint32(d + MAP_DESCRIPTOR.KEY_SIZE, true)).toBe(4);
    expect(v.getUint32(d + MAP_DESCRIPTOR.VALUE_SIZE, true)).toBe(12);
    expect(v.getUint32(d + MAP_DESCRIPTOR.MAX_ENTRIES, true)).toBe(5);
    expect(v.getUint32(d + MAP_DESCRIPTOR.ID, true)).toBe(1);
    expect(v.getUint32(d + MAP_DESCRIPTOR.VALUE_STRIDE, true)).toBe(16);
    expect(v.getBigUint64(d + MAP_DESCRIPTOR.VALUES_ADDRESS, true)).toBe(map.values!.address);
    expect(vm.mapAt(map.address)).toBe(map);
    expect(vm.mem.isValid(map.address, 64, true)).toBe(false); // read-only to programs
    vm.destroyMap(map);
    expect(vm.mapAt(map.address)).toBeUndefined();
    expect(vm.maps().map((m) => m.id)).toEqual([0]);
    expect(vm.createMap(spec('array', 4, 4, 1)).id).toBe(2);
  });
});
