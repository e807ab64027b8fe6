/**
 * The measurement behind the interpreter's register representation: the xorshift compute loop
 * in two minimal switch interpreters that differ only in how they hold 64-bit registers —
 * a BigInt64Array, or pairs of 32-bit halves in an Int32Array (what @ebpf/interp uses).
 * Run with `pnpm bench --registers`.
 */
import { measure } from './measure.js';

// [op, dst, src, imm, off]: lddw r0; mov r1, 1000; loop { x ^= x<<13; x ^= x>>7; x ^= x<<17 }; exit
const PROG: ReadonlyArray<readonly [number, number, number, number, number]> = [
  [0x18, 0, 0, 0x89abcdef | 0, 0], [0, 0, 0, 0x01234567, 0], [0xb7, 1, 0, 1000, 0],
  [0xbf, 2, 0, 0, 0], [0x67, 2, 0, 13, 0], [0xaf, 0, 2, 0, 0],
  [0xbf, 2, 0, 0, 0], [0x77, 2, 0, 7, 0], [0xaf, 0, 2, 0, 0],
  [0xbf, 2, 0, 0, 0], [0x67, 2, 0, 17, 0], [0xaf, 0, 2, 0, 0],
  [0x17, 1, 0, 1, 0], [0x55, 1, 0, 0, -11], [0x95, 0, 0, 0, 0],
];
const OP = Uint8Array.from(PROG, (p) => p[0]);
const D = Uint8Array.from(PROG, (p) => p[1]);
const S = Uint8Array.from(PROG, (p) => p[2]);
const IMM = Int32Array.from(PROG, (p) => p[3]);
const OFF = Int16Array.from(PROG, (p) => p[4]);
/** Instructions one run executes: 3 + 11 per iteration. */
const STEPS = 3 + 11 * 1000;

function runBigInt(): bigint {
  const R = new BigInt64Array(11);
  let pc = 0;
  for (;;) {
    switch (OP[pc]) {
      case 0x18: R[D[pc]!] = BigInt.asIntN(64, (BigInt(IMM[pc + 1]!) << 32n) | BigInt(IMM[pc]! >>> 0)); pc += 2; continue;
      case 0xb7: R[D[pc]!] = BigInt(IMM[pc]!); pc++; continue;
      case 0xbf: R[D[pc]!] = R[S[pc]!]!; pc++; continue;
      case 0x67: R[D[pc]!] = R[D[pc]!]! << BigInt(IMM[pc]! & 63); pc++; continue;
      case 0x77: R[D[pc]!] = BigInt.asUintN(64, R[D[pc]!]!) >> BigInt(IMM[pc]! & 63); pc++; continue;
      case 0xaf: R[D[pc]!] = R[D[pc]!]! ^ R[S[pc]!]!; pc++; continue;
      case 0x17: R[D[pc]!] = R[D[pc]!]! - BigInt(IMM[pc]!); pc++; continue;
      case 0x55: if (R[D[pc]!] !== BigInt(IMM[pc]!)) pc += 1 + OFF[pc]!; else pc++; continue;
      default: return BigInt.asUintN(64, R[0]!);
    }
  }
}

function runHalves(): bigint {
  const R = new Int32Array(22);
  let pc = 0, x = 0, y = 0, n = 0, k = 0, a = 0;
  for (;;) {
    switch (OP[pc]) {
      case 0x18: x = D[pc]! << 1; R[x] = IMM[pc]!; R[x + 1] = IMM[pc + 1]!; pc += 2; continue;
      case 0xb7: x = D[pc]! << 1; k = IMM[pc]!; R[x] = k; R[x + 1] = k >> 31; pc++; continue;
      case 0xbf: x = D[pc]! << 1; y = S[pc]! << 1; R[x] = R[y]!; R[x + 1] = R[y + 1]!; pc++; continue;
      case 0x67: x = D[pc]! << 1; n = IMM[pc]! & 63;
        if (n < 32) { R[x + 1] = (R[x + 1]! << n) | (R[x]! >>> (32 - n)); R[x] = R[x]! << n; } else { R[x + 1] = R[x]! << (n - 32); R[x] = 0; }
        pc++; continue;
      case 0x77: x = D[pc]! << 1; n = IMM[pc]! & 63;
        if (n < 32) { R[x] = (R[x]! >>> n) | (R[x + 1]! << (32 - n)); R[x + 1] = R[x + 1]! >>> n; } else { R[x] = R[x + 1]! >>> (n - 32); R[x + 1] = 0; }
        pc++; continue;
      case 0xaf: x = D[pc]! << 1; y = S[pc]! << 1; R[x] = R[x]! ^ R[y]!; R[x + 1] = R[x + 1]! ^ R[y + 1]!; pc++; continue;
      case 0x17: x = D[pc]! << 1; k = IMM[pc]!; a = (R[x]! >>> 0) - (k >>> 0);
        R[x + 1] = (R[x + 1]! - (k >> 31) - (a < 0 ? 1 : 0)) | 0; R[x] = a | 0; pc++; continue;
      case 0x55: x = D[pc]! << 1; k = IMM[pc]!; if (R[x] !== k || R[x + 1] !== k >> 31) pc += 1 + OFF[pc]!; else pc++; continue;
      default: return (BigInt(R[1]! >>> 0) << 32n) | BigInt(R[0]! >>> 0);
    }
  }
}

/** ns per executed instruction of each representation (and r0, which must agree). */
export function compareRegisterRepresentations(timeMs = 500): Array<{ representation: string; nsPerInsn: number; r0: string }> {
  return [
    ['BigInt64Array registers', runBigInt],
    ['Int32Array halves (lo, hi)', runHalves],
  ].map(([name, f]) => {
    const fn = f as () => bigint;
    const r0 = fn();
    const m = measure(fn, { timeMs });
    return { representation: name as string, nsPerInsn: m.nsPerRun / STEPS, r0: '0x' + r0.toString(16) };
  });
}
