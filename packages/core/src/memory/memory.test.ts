import { describe, expect, it } from 'vitest';
import { VmError } from '../errors.js';
import { Arena } from './arena.js';
import { GUARD_SIZE, VmMemory } from './vm-memory.js';

describe('VmMemory', () => {
  it('allocates zeroed, aligned regions above the guard and merges freed neighbours', () => {
    const mem = new VmMemory({ size: 1 << 20 });
    const start = mem.usage();
    const a = mem.alloc(100, { kind: 'map', name: 'a', align: 64 });
    const b = mem.alloc(10, { kind: 'host', name: 'b' });
    expect(a.offset % 64).toBe(0);
    expect(a.offset).toBeGreaterThanOrEqual(GUARD_SIZE);
    expect(mem.regionAt(a.offset + 99)).toBe(a);
    expect(mem.regionAt(a.offset + 100)).not.toBe(a);
    mem.bytes.fill(7, b.offset, b.offset + 10);
    mem.release(b);
    mem.release(a);
    expect(mem.usage()).toEqual(start);
    expect(mem.regionAt(a.offset)).toBeUndefined(); // the lookup cache forgets released regions
    const c = mem.alloc(10, { kind: 'host', name: 'c' });
    expect([...mem.bytes.subarray(c.offset, c.offset + 10)]).toEqual(new Array(10).fill(0));
  });

  it.each([
    ['inside one region', 0, 16, false, true],
    ['straddling its end', 8, 16, false, false],
    ['writing read-only', 0, 4, true, false],
    ['negative offset', -1, 1, false, false],
    ['NaN', Number.NaN, 1, false, false],
  ])('isValidOffset: %s', (_n, delta, size, write, ok) => {
    const mem = new VmMemory({ size: 1 << 20 });
    const r = mem.alloc(16, { kind: 'rodata', name: 'ro', readOnly: true });
    const off = Number.isNaN(delta) ? delta : delta < 0 ? delta : r.offset + delta;
    expect(mem.isValidOffset(off, size, write)).toBe(ok);
  });

  it('out of memory names the allocation', () => {
    const mem = new VmMemory({ size: 1 << 20 });
    expect(() => mem.alloc(2 << 20, { kind: 'map', name: 'map big values' })).toThrow(/out of VM memory: cannot allocate 2097152 bytes for map big values/);
  });
});

describe('Arena', () => {
  it('bumps, aligns, zeroes, resets, and refuses to overflow', () => {
    const mem = new VmMemory({ size: 1 << 20 });
    const arena = new Arena(mem, { name: 'event buffers', size: 64 });
    const a = arena.push(Uint8Array.of(1, 2, 3));
    const b = arena.alloc(8);
    expect(b - a).toBe(8);
    expect(mem.read(mem.addressOf(a), 3)).toEqual(Uint8Array.of(1, 2, 3));
    expect(arena.used).toBe(16);
    expect(() => arena.alloc(49)).toThrow(/event buffers: cannot allocate 49 bytes \(48 of 64 left\)/);
    expect(() => arena.alloc(49)).toThrow(VmError);
    arena.reset();
    mem.bytes[a] = 9;
    expect(arena.alloc(4)).toBe(a);
    expect(mem.bytes[a]).toBe(0);
    arena.dispose();
    expect(mem.regionAt(a)).toBeUndefined();
  });
});
