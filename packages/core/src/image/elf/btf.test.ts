import { describe, expect, it } from 'vitest';
import { Btf, BtfKind } from './btf.js';
import { ElfError } from './elf-error.js';

/** A .BTF section from raw type words and a string table. */
function btf(types: number[][], strings: string[] = []): Uint8Array {
  const words = types.flat();
  const str = new TextEncoder().encode(['', ...strings].join('\0') + '\0');
  const out = new Uint8Array(24 + words.length * 4 + str.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0xeb9f, true);
  v.setUint8(2, 1);
  v.setUint32(4, 24, true);
  v.setUint32(8, 0, true);
  v.setUint32(12, words.length * 4, true);
  v.setUint32(16, words.length * 4, true);
  v.setUint32(20, str.length, true);
  words.forEach((w, i) => v.setUint32(24 + i * 4, w >>> 0, true));
  out.set(str, 24 + words.length * 4);
  return out;
}
const info = (kind: number, vlen = 0) => (kind << 24) | vlen;

describe('Btf', () => {
  // strings: 1 "int", 5 "s", 7 "a", 9 "b"
  const names = ['int', 's', 'a', 'b'];
  const bytes = btf([
    [1, info(BtfKind.INT), 4, 0x01000020],                  // [1] int (signed, 32 bits)
    [0, info(BtfKind.ARRAY), 0, 1, 1, 10],                  // [2] int[10]
    [5, info(BtfKind.STRUCT, 2), 48, 7, 1, 0, 9, 2, 64],    // [3] struct s { int a; int b[10] @ 8 }
    [0, info(BtfKind.CONST), 3],                            // [4] const struct s
    [0, info(BtfKind.PTR), 4],                              // [5] const struct s *
  ], names);

  it('reads sizes through arrays, qualifiers and pointers', () => {
    const b = Btf.parse(bytes);
    expect(b.sizeOf(1)).toBe(4);
    expect(b.sizeOf(2)).toBe(40);
    expect(b.sizeOf(4)).toBe(48);
    expect(b.sizeOf(5)).toBe(8);
    expect(b.type(3).members.map((m) => [m.name, m.offset])).toEqual([['a', 0], ['b', 64]]);
    expect(b.describe(5)).toBe('const struct s *');
    expect(b.type(1).int).toEqual({ signed: true, bits: 32, bitOffset: 0 });
  });

  it('refuses a typedef cycle instead of hanging', () => {
    const cyc = Btf.parse(btf([[0, info(BtfKind.TYPEDEF), 2], [0, info(BtfKind.TYPEDEF), 1]]));
    expect(() => cyc.sizeOf(1)).toThrow(ElfError);
    expect(() => cyc.sizeOf(1)).toThrow(/too long \(a cycle\?\)/);
  });

  it.each([
    ['unknown kind', btf([[0, info(31), 0]]), /type \[1\] info: unknown kind 31/],
    ['truncated member list', btf([[0, info(BtfKind.STRUCT, 5), 8]]), /type \[1\] member 0 \w+: truncated/],
    ['name past the string table', btf([[999, info(BtfKind.INT), 4, 32]]), /type \[1\] name_off: string offset 999/],
    ['dangling array element type', btf([[0, info(BtfKind.ARRAY), 0, 9, 9, 1]]), /type \[1\] array type: refers to type id 9/],
  ])('%s', (_n, data, err) => {
    expect(() => Btf.parse(data)).toThrow(err);
  });
});
