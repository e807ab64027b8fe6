/**
 * The argument block of a helper call. Every engine writes r1..r5 into one fixed 48-byte area of
 * VM memory before calling a helper (the interpreter from its registers, the wasm JIT with i64
 * stores, the native JIT with movs), so helpers read their arguments the same way everywhere and
 * no BigInt is made unless a helper asks for one.
 */

/** Byte size of the argument block: r0 (result) then r1..r5, 8 bytes each. */
export const HELPER_ARGS_SIZE = 48;

/** Reads helper arguments r1..r5 from the argument block. Created once per VM. */
export class HelperArgs {
  private readonly w: Uint32Array;
  private readonly sw: Int32Array;
  private readonly at: number;

  /** @param buffer VM memory buffer; @param offset byte offset of the block (8-aligned). */
  constructor(buffer: ArrayBuffer, offset: number) {
    this.w = new Uint32Array(buffer);
    this.sw = new Int32Array(buffer);
    this.at = offset >>> 2;
  }

  /** Byte offset of the block in VM memory. */
  get offset(): number {
    return this.at << 2;
  }

  /** Low 32 bits of r`i`, unsigned. */
  u32(i: number): number {
    return this.w[this.at + 2 * i]!;
  }

  /** Low 32 bits of r`i`, signed. */
  s32(i: number): number {
    return this.sw[this.at + 2 * i]!;
  }

  /** High 32 bits of r`i`, unsigned. */
  hi(i: number): number {
    return this.w[this.at + 2 * i + 1]!;
  }

  /** r`i` as an unsigned 64-bit BigInt. */
  u64(i: number): bigint {
    return (BigInt(this.hi(i)) << 32n) | BigInt(this.u32(i));
  }

  /** r`i` as a signed 64-bit BigInt. */
  s64(i: number): bigint {
    return BigInt.asIntN(64, this.u64(i));
  }

  /**
   * r`i` as a Number: exact for values below 2^53 (addresses, sizes, ids); larger values lose
   * low bits, so use {@link u64} for arbitrary integers.
   */
  num(i: number): number {
    return this.hi(i) * 4294967296 + this.u32(i);
  }

  /** Sets r`i` (used by engines; r0 is index 0). Numbers are taken as signed 64-bit integers. */
  set(i: number, v: number | bigint): void {
    const k = this.at + 2 * i;
    if (typeof v === 'number') {
      if (v >= 0 && v <= 0xffffffff && Number.isInteger(v)) {
        this.w[k] = v;
        this.w[k + 1] = 0;
        return;
      }
      v = BigInt(Math.trunc(v));
    }
    const u = BigInt.asUintN(64, v);
    this.w[k] = Number(u & 0xffffffffn);
    this.w[k + 1] = Number(u >> 32n);
  }
}
