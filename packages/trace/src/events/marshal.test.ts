/**
 * The two marshalling paths agree: `toContext` (unrolled for the first arguments, the hot path
 * of events with programs) writes the same 64-bit slots `marshal` computes, for one to six
 * arguments of every kind, at base 0 and at a high base.
 */
import { describe, expect, it } from 'vitest';
import { Arena, Vm } from '@ebpf/core';
import { readInt } from '../ctypes.js';
import { HostSlab, SK_BUFF, StructRegistry } from '../host-structs.js';
import { Marshaller, resolveArgs } from './marshal.js';

const TYPES = ['struct sk_buff *', 'void *', 'int', 'char *', 'u64', 'long'];

describe.each([0, 0x7f12_3456_0000])('Marshaller.toContext agrees with marshal (base 0x%s)', (base) => {
  const values = (slab: HostSlab): unknown[][] => [
    [slab.alloc(), 0x4242, -5, 'eth5', 2n ** 63n + 7n, -1n],
    [0xffffffff, 2 ** 32, true, null, undefined, 3.5],
    [slab.alloc(), slab.alloc(), 0, new Uint8Array([1, 2, 3]), 2 ** 53 - 1, -(2 ** 40)],
  ];

  it.each([1, 2, 3, 4, 5, 6])('with %i arguments', (n) => {
    const vm = new Vm({ size: 1 << 20, ...(base ? { base: () => BigInt(base) } : {}) });
    const structs = new StructRegistry();
    const slab = new HostSlab(vm, SK_BUFF, 8);
    const args = resolveArgs(TYPES.slice(0, n).map((type, i) => ({ name: `a${i}`, type })), structs);
    const offsets = [112, 104, 96, 88, 72, 64];
    const ctx = vm.mem.alloc(256, { kind: 'context', name: 'ctx' });
    const u32 = new Uint32Array(vm.mem.memory.buffer);
    for (const row of values(slab)) {
      const arenaA = new Arena(vm.mem, { name: 'a', size: 4096, readOnly: true, kind: 'host' });
      const arenaB = new Arena(vm.mem, { name: 'b', size: 4096, readOnly: true, kind: 'host' });
      const slots = new Array<number | bigint>(n).fill(0);
      new Marshaller(vm, args, arenaA, structs).marshal(row, slots);
      new Marshaller(vm, args, arenaB, structs).toContext(row, u32, ctx.offset, offsets);
      const got = offsets.slice(0, n).map((o) => BigInt(readInt(vm.mem.view, ctx.offset + o, 8, false)));
      // Copies land in different arenas: compare them by their offset within the arena.
      const rel = (v: bigint, arena: Arena) => {
        const off = Number(v) - vm.mem.baseNumber;
        return off >= arena.region.offset && off < arena.region.offset + arena.region.size ? `copy+${off - arena.region.offset}` : v;
      };
      // marshal keeps a fractional Number as is (fields cast it later); the context slot holds it truncated.
      const want = slots.map((v) => rel(BigInt.asUintN(64, typeof v === 'number' ? BigInt(Math.trunc(v)) : v), arenaA));
      expect(got.map((v) => rel(v, arenaB))).toEqual(want);
      arenaA.dispose();
      arenaB.dispose();
    }
  });
});
