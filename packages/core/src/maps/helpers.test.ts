import { describe, expect, it } from 'vitest';
import { VmError } from '../errors.js';
import { Arena } from '../memory/arena.js';
import { Vm } from '../runtime/vm.js';
import type { HelperDef, HelperEnv } from '../subsystem/subsystem.js';
import { Errno } from './errno.js';
import {
  MAP_HELPERS,
  mapDeleteElemHelper,
  mapLookupElemHelper,
  mapUpdateElemHelper,
  perfEventOutputHelper,
  ringbufDiscardHelper,
  ringbufOutputHelper,
  ringbufQueryHelper,
  ringbufReserveHelper,
  ringbufSubmitHelper,
  tailCallHelper,
} from './helpers.js';
import type { MapSpec, MapType } from './map-spec.js';
import type { PerfEventArrayMap } from './perf-event-array.js';
import { BPF_F_CURRENT_CPU } from './perf-event-array.js';
import type { ProgArrayMap } from './prog-array.js';
import type { RingBufMap } from './ringbuf.js';

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const spec = (type: MapType, keySize: number, valueSize: number, maxEntries: number): MapSpec => ({ name: type, type, keySize, valueSize, maxEntries, flags: 0 });

/** A VM, a scratch arena standing in for the program's stack, and a helper caller. */
function setup(base?: bigint) {
  const vm = new Vm({ size: 1 << 20, ...(base !== undefined ? { base: () => base } : {}) });
  const arena = new Arena(vm.mem, { name: 'stack stand-in', size: 8192 });
  const env: HelperEnv = { vm, maps: [], program: 'test' };
  const addr = (data: Uint8Array) => vm.mem.base + BigInt(arena.push(data));
  const call = (h: HelperDef, ...regs: Array<bigint | number>): bigint => {
    regs.forEach((r, i) => vm.args.set(i + 1, r));
    for (let i = regs.length + 1; i <= 5; i++) vm.args.set(i, 0);
    return BigInt.asUintN(64, BigInt(h.impl(vm.args, env)));
  };
  return { vm, arena, addr, call };
}
const neg = (errno: number) => BigInt.asUintN(64, BigInt(-errno));

describe('map helpers', () => {
  it('have the Linux ids, names and prototypes subsystems rely on', () => {
    expect(MAP_HELPERS.map((h) => [h.id, h.name])).toEqual([
      [1, 'bpf_map_lookup_elem'],
      [2, 'bpf_map_update_elem'],
      [3, 'bpf_map_delete_elem'],
      [12, 'bpf_tail_call'],
      [25, 'bpf_perf_event_output'],
      [130, 'bpf_ringbuf_output'],
      [131, 'bpf_ringbuf_reserve'],
      [132, 'bpf_ringbuf_submit'],
      [133, 'bpf_ringbuf_discard'],
      [134, 'bpf_ringbuf_query'],
    ]);
    expect(mapLookupElemHelper.proto).toEqual({ ret: 'map_value_or_null', args: ['map_ptr', 'map_key'] });
    expect(perfEventOutputHelper.proto.gplOnly).toBe(true);
  });

  // A nonzero base checks that helpers return addresses, not offsets.
  it.each([[undefined], [0x7f00_0000_0000n]])('lookup/update/delete through VM memory (base %s)', (base) => {
    const { vm, addr, call } = setup(base);
    const map = vm.createMap(spec('hash', 4, 8, 2));
    const key = addr(u32(7));
    expect(call(mapLookupElemHelper, map.address, key)).toBe(0n);
    expect(call(mapUpdateElemHelper, map.address, key, addr(new Uint8Array(8).fill(5)), 0)).toBe(0n);
    const p = call(mapLookupElemHelper, map.address, key);
    expect(p).not.toBe(0n);
    expect(vm.mem.regionOf(p)).toBe(map.values);
    expect(vm.mem.read(p, 8)).toEqual(new Uint8Array(8).fill(5));
    expect(call(mapUpdateElemHelper, map.address, key, addr(new Uint8Array(8)), 1)).toBe(neg(Errno.EEXIST));
    expect(call(mapUpdateElemHelper, map.address, key, addr(new Uint8Array(8)), 1n << 32n)).toBe(neg(Errno.EINVAL));
    expect(call(mapDeleteElemHelper, map.address, key)).toBe(0n);
    expect(call(mapDeleteElemHelper, map.address, key)).toBe(neg(Errno.ENOENT));
  });

  it.each([
    ['r1 not a map', (c: Ctx) => c.call(mapLookupElemHelper, 0x1234, c.addr(u32(0))), /bpf_map_lookup_elem: r1 0x1234 is not a map pointer/],
    ['key outside memory', (c: Ctx) => c.call(mapLookupElemHelper, c.map.address, 0xffff_ffff_0000n), /bpf_map_lookup_elem: r2 0xffffffff0000: key of 4 bytes is not inside VM memory/],
    ['NULL key', (c: Ctx) => c.call(mapUpdateElemHelper, c.map.address, 0, 0, 0), /r2 0x0: key of 4 bytes/],
    ['value straddles a region end', (c: Ctx) => c.call(mapUpdateElemHelper, c.map.address, c.addr(u32(1)), c.vm.stackTop - 4n, 0), /r3 0x[0-9a-f]+: value of 8 bytes/],
    ['wrong map type', (c: Ctx) => c.call(ringbufReserveHelper, c.map.address, 8, 0), /bpf_ringbuf_reserve: r1 is map hash of type hash, expected ringbuf/],
  ])('bad pointers end the run with a clear HELPER error: %s', (_n, op, message) => {
    const c = setup();
    const ctx: Ctx = { ...c, map: c.vm.createMap(spec('hash', 4, 8, 2)) };
    expect(() => op(ctx)).toThrow(message);
    expect(() => op(ctx)).toThrow(VmError);
  });

  it('ring buffer: reserve, write in place, submit/discard, output, query, host consume', () => {
    const { vm, addr, call } = setup();
    const rb = vm.createMap(spec('ringbuf', 0, 0, 4096)) as RingBufMap;
    const p1 = call(ringbufReserveHelper, rb.address, 5, 0);
    const p2 = call(ringbufReserveHelper, rb.address, 3, 0);
    expect(p1).not.toBe(0n);
    vm.mem.write(p1, Uint8Array.of(1, 2, 3, 4, 5));
    vm.mem.write(p2, Uint8Array.of(9, 9, 9));
    expect(call(ringbufSubmitHelper, p2, 0)).toBe(0n);
    expect(rb.drain()).toEqual([]); // p1 still busy: the consumer waits for it
    expect(call(ringbufQueryHelper, rb.address, 0)).toBe(32n);
    expect(call(ringbufDiscardHelper, p1, 0)).toBe(0n);
    expect(rb.drain()).toEqual([Uint8Array.of(9, 9, 9)]);
    expect(call(ringbufOutputHelper, rb.address, addr(Uint8Array.of(7, 7)), 2, 0)).toBe(0n);
    expect(call(ringbufOutputHelper, rb.address, addr(Uint8Array.of(7, 7)), 2, 4)).toBe(neg(Errno.EINVAL));
    expect(call(ringbufQueryHelper, rb.address, 1)).toBe(4096n);
    expect(rb.count).toBe(1);
    expect(rb.drain()).toEqual([Uint8Array.of(7, 7)]);
    expect(call(ringbufReserveHelper, rb.address, 8, 1)).toBe(0n); // flags must be 0
    expect(call(ringbufReserveHelper, rb.address, 5000, 0)).toBe(0n); // larger than the ring
    expect(() => call(ringbufSubmitHelper, p1, 0)).toThrow(/bpf_ringbuf_submit: r1 0x[0-9a-f]+ is not a pending ring buffer reservation/);
  });

  it('ring buffer: wraps with padding, refuses when full, keeps order', () => {
    const { vm, arena, addr, call } = setup();
    const rb = vm.createMap(spec('ringbuf', 0, 0, 4096)) as RingBufMap;
    const rec = (n: number) => (arena.reset(), addr(new Uint8Array(1000).fill(n)));
    const seen: number[] = [];
    let next = 0;
    for (let round = 0; round < 5; round++) {
      while (call(ringbufOutputHelper, rb.address, rec(next & 0xff), 1000, 0) === 0n) next++;
      expect(rb.dropped).toBe(round + 1);
      rb.consume((r) => {
        expect(r.length).toBe(1000);
        expect(r.every((b) => b === r[0])).toBe(true);
        seen.push(r[0]!);
      });
      expect(rb.ring.pending).toBe(0);
    }
    expect(seen).toEqual(Array.from({ length: next }, (_, i) => i & 0xff));
    expect(next).toBeGreaterThan(10); // it wrapped more than once
  });

  it('perf event output: one CPU, current-CPU index, lost samples', () => {
    const { vm, addr, call } = setup();
    const pe = vm.createMap({ ...spec('perf_event_array', 4, 4, 0) }) as PerfEventArrayMap;
    expect(pe.spec.maxEntries).toBe(1);
    const ctx = addr(new Uint8Array(8));
    const data = addr(Uint8Array.of(1, 2, 3));
    expect(call(perfEventOutputHelper, ctx, pe.address, BPF_F_CURRENT_CPU, data, 3)).toBe(0n);
    expect(call(perfEventOutputHelper, ctx, pe.address, 0, data, 2)).toBe(0n);
    expect(call(perfEventOutputHelper, ctx, pe.address, 1, data, 2)).toBe(neg(Errno.E2BIG));
    expect(call(perfEventOutputHelper, ctx, pe.address, 1n << 32n | 0xffffffffn, data, 2)).toBe(neg(Errno.EOPNOTSUPP));
    expect(pe.drain()).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2)]);
    const small = new Vm({ size: 1 << 20, perfRingSize: 4096 });
    const sp = small.createMap(spec('perf_event_array', 4, 4, 1)) as PerfEventArrayMap;
    const sArena = new Arena(small.mem, { name: 's', size: 4096 });
    let ok = 0;
    while (sp.output(BPF_F_CURRENT_CPU, sArena.region.offset, 1000) === 0) ok++;
    expect(ok).toBe(4);
    expect(sp.lost).toBe(1);
  });

  it('tail call through the helper path: misses return the errno, a hit fails loudly', () => {
    const { vm, addr, call } = setup();
    const pa = vm.createMap(spec('prog_array', 4, 4, 4)) as ProgArrayMap;
    const ctx = addr(new Uint8Array(8));
    expect(call(tailCallHelper, ctx, pa.address, 1)).toBe(neg(Errno.ENOENT));
    expect(call(tailCallHelper, ctx, pa.address, 9)).toBe(neg(Errno.E2BIG));
    const id = vm.registerProgram({ name: 'target', run: () => 42n });
    pa.set(1, id);
    expect(() => call(tailCallHelper, ctx, pa.address, 1)).toThrow(/this engine does not implement tail calls/);
  });
});

interface Ctx extends ReturnType<typeof setup> {
  map: ReturnType<Vm['createMap']>;
}
