/**
 * Key identity for the JS-side indexes of hash-like maps: key bytes → a Number (keys up to 6
 * bytes, exact) or a string (two bytes per UTF-16 unit). Keys of one map all have the same size,
 * so the two forms never mix inside one index. Values stay in VM memory; only identities live here.
 */

/** A key's identity in a JS `Map`. */
export type KeyId = number | string;

/** The identity of the `size` key bytes at `buf[off]`. Allocation-free for keys up to 6 bytes. */
export function keyId(buf: Uint8Array, off: number, size: number): KeyId {
  switch (size) {
    case 1:
      return buf[off]!;
    case 2:
      return buf[off]! | (buf[off + 1]! << 8);
    case 4:
      return (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24)) >>> 0;
    default:
      break;
  }
  if (size <= 6) {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + buf[off + i]!;
    return v;
  }
  let s = '';
  const end = off + size - 1;
  let i = off;
  for (; i < end; i += 2) s += String.fromCharCode(buf[i]! | (buf[i + 1]! << 8));
  if (i === end) s += String.fromCharCode(buf[i]!);
  return s;
}
