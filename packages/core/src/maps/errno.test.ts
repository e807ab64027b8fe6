import { describe, expect, it } from 'vitest';
import { Errno, errnoText } from './errno.js';
import { keyId } from './key-id.js';

describe('errno', () => {
  it.each([
    [-22, 'EINVAL (invalid argument)'],
    [2, 'ENOENT (no such entry)'],
    [-7, 'E2BIG (map is full or index out of range)'],
    [-99, 'errno 99'],
  ])('errnoText(%i)', (code, text) => expect(errnoText(code)).toBe(text));

  it('matches the Linux numbers programs compare against', () => {
    expect(Errno).toMatchObject({ ENOENT: 2, E2BIG: 7, EEXIST: 17, EINVAL: 22, ENOSPC: 28 });
  });
});

describe('keyId', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 33])('distinguishes keys of %i bytes that differ in any byte', (size) => {
    const base = new Uint8Array(size + 2).fill(0xa5);
    const seen = new Set([keyId(base, 1, size)]);
    for (let i = 1; i <= size; i++) {
      const other = base.slice();
      other[i] = 0x5a;
      seen.add(keyId(other, 1, size));
    }
    expect(seen.size).toBe(size + 1);
  });

  it('reads only the key bytes at the offset', () => {
    expect(keyId(bytes(9, 1, 2, 3, 4, 9), 1, 4)).toBe(0x04030201);
    expect(keyId(bytes(9, 1, 2, 3, 4, 5, 6, 9), 1, 6)).toBe(0x060504030201);
    expect(keyId(bytes(1, 2, 3, 4, 5, 6, 7), 0, 7)).toBe(keyId(bytes(0, 1, 2, 3, 4, 5, 6, 7), 1, 7));
  });
});
