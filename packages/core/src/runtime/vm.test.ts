import { describe, expect, it } from 'vitest';
import { Errno } from '../maps/errno.js';
import type { MapSpec } from '../maps/map-spec.js';
import type { ProgArrayMap } from '../maps/prog-array.js';
import { GUARD_SIZE } from '../memory/vm-memory.js';
import { MAX_TAIL_CALLS, Vm } from './vm.js';

const progArray: MapSpec = { name: 'jmp', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 8, flags: 0 };
const neg = (errno: number) => BigInt.asUintN(64, BigInt(-errno));

describe('Vm memory layout', () => {
  it('has a stack of 8 frames ending at stackTop, an argument block, and nothing below the guard', () => {
    const vm = new Vm({ size: 1 << 20 });
    expect(vm.stack.size).toBe(8 * 512);
    expect(vm.stackTop).toBe(vm.stack.address + 4096n);
    expect(vm.stack.elemSize).toBe(512);
    expect(vm.argsRegion.size).toBe(48);
    for (const r of vm.mem.regions()) expect(r.offset).toBeGreaterThanOrEqual(GUARD_SIZE);
    expect(vm.mem.isValid(0n, 1)).toBe(false);
  });

  it('honours a base address: pointers are base + offset', () => {
    const vm = new Vm({ size: 1 << 20, base: () => 0x1000_0000n });
    expect(vm.stack.address).toBe(0x1000_0000n + BigInt(vm.stack.offset));
    expect(vm.mem.offsetOf(vm.stackTop - 1n)).toBe(vm.stackTopOffset - 1);
  });

  it('host read/write are bounded by the memory', () => {
    const vm = new Vm({ size: 1 << 20 });
    vm.mem.write(vm.stackTop - 4n, Uint8Array.of(1, 2, 3, 4));
    expect(vm.mem.read(vm.stackTop - 4n, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(() => vm.mem.read(BigInt(vm.mem.size) - 2n, 4)).toThrow(/host read of 4 bytes at 0x[0-9a-f]+ is outside VM memory/);
    expect(() => vm.mem.write(-1, Uint8Array.of(1))).toThrow(/outside VM memory/);
  });
});

describe('tail calls', () => {
  it('run the slot’s program with r1, return its r0, and miss with Linux errnos', () => {
    const vm = new Vm({ size: 1 << 20 });
    const pa = vm.createMap(progArray) as ProgArrayMap;
    const seen: Array<bigint | number> = [];
    const id = vm.registerProgram({ name: 'two', run: (r1) => (seen.push(r1), 2n) });
    pa.set(3, id);
    expect(vm.tailCall(pa.address, 3, 0x5000)).toEqual({ taken: true, r0: 2n });
    expect(seen).toEqual([0x5000]);
    expect(vm.tailCall(pa.address, 2, 0)).toEqual({ taken: false, r0: neg(Errno.ENOENT) });
    expect(vm.tailCall(pa.address, 8, 0)).toEqual({ taken: false, r0: neg(Errno.E2BIG) });
    expect(vm.tailCall(pa.address, -1n, 0)).toEqual({ taken: false, r0: neg(Errno.E2BIG) });
    expect(vm.tailCall(0x999, 0, 0)).toEqual({ taken: false, r0: neg(Errno.EINVAL) });
    expect(vm.tailCallDepth).toBe(0);
  });

  it(`stop after ${MAX_TAIL_CALLS} in one chain, as Linux does`, () => {
    const vm = new Vm({ size: 1 << 20 });
    const pa = vm.createMap(progArray) as ProgArrayMap;
    let runs = 0;
    // A program that tail-calls itself, returning the miss errno when the chain is cut.
    const self = {
      name: 'self',
      run(): bigint {
        runs++;
        const r = vm.tailCall(pa.address, 0, 0);
        return r.taken ? r.r0 : 1000n + BigInt(vm.tailCallDepth);
      },
    };
    pa.set(0, vm.registerProgram(self));
    expect(self.run()).toBe(1000n + BigInt(MAX_TAIL_CALLS));
    expect(runs).toBe(MAX_TAIL_CALLS + 1);
    expect(vm.tailCallDepth).toBe(0);
  });

  it('a failing target fails the whole run and leaves the VM usable', () => {
    const vm = new Vm({ size: 1 << 20 });
    const pa = vm.createMap(progArray) as ProgArrayMap;
    pa.set(0, vm.registerProgram({ name: 'boom', run: () => { throw new Error('kaput'); } }));
    expect(() => vm.tailCall(pa.address, 0, 0)).toThrow(/tail call to boom failed: kaput/);
    expect(vm.tailCallDepth).toBe(0);
  });

  it('prog_array slots hold registered ids only; unregistering empties them', () => {
    const vm = new Vm({ size: 1 << 20 });
    const pa = vm.createMap(progArray) as ProgArrayMap;
    expect(() => pa.set(0, 77)).toThrow(/map jmp: update: no program with id 77 is registered/);
    expect(() => pa.set(8, 1)).toThrow(/map jmp: update: E2BIG/);
    const id = vm.registerProgram({ name: 'p', run: () => 0n });
    pa.set(0, id);
    pa.set(5, id);
    expect(pa.count).toBe(2);
    expect([...pa.entries()].map(([k, v]) => [k[0], v[0]])).toEqual([[0, id], [5, id]]);
    // programs can neither look up nor update a prog array
    expect(pa.lookupValueOffset(vm.stack.offset)).toBe(-1);
    expect(pa.updateFrom(vm.stack.offset, vm.stack.offset, 0)).toBe(-Errno.EINVAL);
    vm.unregisterProgram(id);
    expect(pa.count).toBe(0);
    expect(vm.resolveTailCall(pa.address, 0)).toBeUndefined();
  });
});
