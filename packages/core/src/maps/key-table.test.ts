import { describe, expect, it } from 'vitest';
import { hashKey, KeyTable } from './key-table.js';
import { seededU32 } from '../testing/seeded-random.js';

/** A seeded stream of integers in [0, n). */
function rng(seed: number): (n: number) => number {
  const next = seededU32(seed);
  return (n) => next() % n;
}

describe('KeyTable', () => {
  // Differential against a JS Map over random insert/remove/find sequences; small key spaces
  // force long probe runs, collisions and wrap-around, which is where backward shift can break.
  it.each([
    [1, 4, 16, 64],
    [2, 4, 64, 300],
    [3, 3, 8, 40],
    [4, 9, 32, 100],
    [5, 16, 128, 500],
  ])('seed %i: %i-byte keys, %i slots, key space %i — agrees with a Map', (seed, keySize, capacity, space) => {
    const next = rng(seed);
    const bytes = new Uint8Array(capacity * keySize + 64);
    const keysOffset = 32;
    const table = new KeyTable(bytes, keysOffset, keySize, capacity);
    const model = new Map<number, number>(); // key number → slot
    const free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    const key = (k: number) => {
      const b = new Uint8Array(keySize);
      for (let i = 0; i < keySize; i++) b[i] = (k >>> (8 * (i % 4))) & 0xff;
      b[keySize - 1] ^= k % 3; // different keys share most bytes
      return b;
    };
    for (let step = 0; step < 4000; step++) {
      const k = next(space);
      const kb = key(k);
      const found = table.find(kb, 0);
      expect(found, `step ${step}: find ${k}`).toBe(model.get(k) ?? -1);
      if (found < 0 && free.length > 0 && next(3) !== 0) {
        const slot = free.pop()!;
        table.insert(kb, 0, slot);
        model.set(k, slot);
        expect(bytes.subarray(keysOffset + slot * keySize, keysOffset + (slot + 1) * keySize)).toEqual(kb);
      } else if (found >= 0 && next(2) === 0) {
        table.removeSlot(found);
        model.delete(k);
        free.push(found);
      }
      expect(table.size).toBe(model.size);
    }
    expect([...table.slots()].sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
    table.clear();
    expect(table.size).toBe(0);
    expect([...table.slots()]).toEqual([]);
  });

  it('hashes every byte of the key', () => {
    const a = new Uint8Array(24);
    const seen = new Set([hashKey(a, 0, 24)]);
    for (let i = 0; i < 24; i++) {
      const b = a.slice();
      b[i] = 1;
      seen.add(hashKey(b, 0, 24));
    }
    expect(seen.size).toBe(25);
  });
});
