// Soundness of the scalar domain, differentially: for random abstract scalars and concrete
// values inside them, the exact result of every ALU operation (64- and 32-bit) lies inside the
// abstract result, every branch side that can happen keeps the values that take it, and a
// decided branch is decided for every value.
import { describe, expect, it } from 'vitest';
import { AluOp, JmpOp } from '../isa/opcodes.js';
import { branchOutcome, refineBranch } from './branch.js';
import { type Scalar, evalAlu, isConst, scalarAlu, scalarConst, scalarSRange, scalarURange, sync } from './scalar.js';
import { U64_MAX, tnumConst, tnumRange } from './tnum.js';

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry(12345);
const rbig = (): bigint => (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
const asS = (v: bigint): bigint => BigInt.asIntN(64, v);
const EDGES = [0n, 1n, 2n, 7n, 8n, 15n, 16n, 255n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 1n << 63n, (1n << 63n) - 1n, U64_MAX, U64_MAX - 1n];

function contains(s: Scalar, v: bigint): boolean {
  return v >= s.umin && v <= s.umax && asS(v) >= s.smin && asS(v) <= s.smax && (v & ~s.t.mask & U64_MAX) === s.t.value;
}

function randomValue(): bigint {
  switch (Math.floor(rand() * 4)) {
    case 0: return EDGES[Math.floor(rand() * EDGES.length)]!;
    case 1: return BigInt(Math.floor(rand() * 64));
    case 2: return BigInt.asUintN(64, BigInt(Math.floor(rand() * 512) - 256));
    default: return rbig();
  }
}

function randomScalar(): Scalar {
  const a = randomValue();
  const b = randomValue();
  switch (Math.floor(rand() * 5)) {
    case 0: return scalarConst(a);
    case 1: return scalarURange(a < b ? a : b, a < b ? b : a);
    case 2: { const x = asS(a); const y = asS(b); return scalarSRange(x < y ? x : y, x < y ? y : x); }
    case 3: return sync({ umin: 0n, umax: U64_MAX, smin: -(1n << 63n), smax: (1n << 63n) - 1n, t: { value: a & ~b & U64_MAX, mask: b } }) ?? scalarConst(a);
    default: return sync({ umin: a < b ? a : b, umax: a < b ? b : a, smin: -(1n << 63n), smax: (1n << 63n) - 1n, t: tnumRange(a & 0xffn, (a & 0xffn) | 0xf0n) }) ?? scalarConst(b);
  }
}

/** Values inside `s`: its bounds when they belong, and random members. */
function samples(s: Scalar, n = 6): bigint[] {
  const out: bigint[] = [];
  for (const v of [s.umin, s.umax, BigInt.asUintN(64, s.smin), BigInt.asUintN(64, s.smax), s.t.value, s.t.value | s.t.mask]) if (contains(s, v)) out.push(v);
  for (let i = 0; out.length < n && i < 200; i++) {
    const v = (rbig() & s.t.mask) | s.t.value;
    if (contains(s, v)) out.push(v);
  }
  return out;
}

const ALU: Array<[string, number, number]> = [
  ['add', AluOp.ADD, 0], ['sub', AluOp.SUB, 0], ['mul', AluOp.MUL, 0], ['div', AluOp.DIV, 0], ['sdiv', AluOp.DIV, 1],
  ['or', AluOp.OR, 0], ['and', AluOp.AND, 0], ['lsh', AluOp.LSH, 0], ['rsh', AluOp.RSH, 0], ['neg', AluOp.NEG, 0],
  ['mod', AluOp.MOD, 0], ['smod', AluOp.MOD, 1], ['xor', AluOp.XOR, 0], ['mov', AluOp.MOV, 0], ['movsx8', AluOp.MOV, 8],
  ['movsx16', AluOp.MOV, 16], ['movsx32', AluOp.MOV, 32], ['arsh', AluOp.ARSH, 0],
];

describe('scalar domain soundness', () => {
  for (const is64 of [true, false]) {
    it.each(ALU)(`${is64 ? 'alu64' : 'alu32'} %s contains every exact result`, (_name, op, off) => {
      if (!is64 && off === 32) return;
      for (let i = 0; i < 300; i++) {
        const a = randomScalar();
        const b = op === AluOp.LSH || op === AluOp.RSH || op === AluOp.ARSH ? (rand() < 0.7 ? scalarConst(BigInt(Math.floor(rand() * 70))) : randomScalar()) : randomScalar();
        const r = scalarAlu(op, a, b, is64, off);
        for (const x of samples(a)) {
          for (const y of samples(b, 3)) {
            const z = evalAlu(op, x, y, is64, off);
            if (!contains(r, z)) throw new Error(`op ${op} off ${off} ${is64 ? 64 : 32}: ${x} , ${y} = ${z} not in ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
          }
        }
      }
    });
  }

  it.each([16, 32, 64])('byte swaps of width %i contain every exact result', (w) => {
    for (let i = 0; i < 300; i++) {
      const a = randomScalar();
      for (const [is64, src] of [[false, 0], [false, 8], [true, 0]] as const) {
        const r = scalarAlu(AluOp.END, a, a, is64, 0, src, w);
        for (const x of samples(a)) expect(contains(r, evalAlu(AluOp.END, x, x, is64, 0, src, w))).toBe(true);
      }
    }
  });

  const JMP: Array<[string, number]> = [
    ['jeq', JmpOp.JEQ], ['jne', JmpOp.JNE], ['jgt', JmpOp.JGT], ['jge', JmpOp.JGE], ['jlt', JmpOp.JLT], ['jle', JmpOp.JLE],
    ['jsgt', JmpOp.JSGT], ['jsge', JmpOp.JSGE], ['jslt', JmpOp.JSLT], ['jsle', JmpOp.JSLE], ['jset', JmpOp.JSET],
  ];
  const holds = (op: number, x: bigint, y: bigint, is32: boolean): boolean => {
    const u = (v: bigint): bigint => (is32 ? v & 0xffffffffn : v);
    const s = (v: bigint): bigint => (is32 ? BigInt.asIntN(32, v) : asS(v));
    switch (op) {
      case JmpOp.JEQ: return u(x) === u(y);
      case JmpOp.JNE: return u(x) !== u(y);
      case JmpOp.JGT: return u(x) > u(y);
      case JmpOp.JGE: return u(x) >= u(y);
      case JmpOp.JLT: return u(x) < u(y);
      case JmpOp.JLE: return u(x) <= u(y);
      case JmpOp.JSGT: return s(x) > s(y);
      case JmpOp.JSGE: return s(x) >= s(y);
      case JmpOp.JSLT: return s(x) < s(y);
      case JmpOp.JSLE: return s(x) <= s(y);
      default: return (u(x) & u(y)) !== 0n;
    }
  };
  for (const is32 of [false, true]) {
    it.each(JMP)(`${is32 ? 'jmp32' : 'jmp'} %s: decisions hold and refinements keep every value`, (_name, op) => {
      for (let i = 0; i < 400; i++) {
        const a = randomScalar();
        const b = rand() < 0.5 ? scalarConst(randomValue()) : randomScalar();
        const outcome = branchOutcome(op, a, b, is32);
        const t = refineBranch(op, a, b, is32, true);
        const f = refineBranch(op, a, b, is32, false);
        for (const x of samples(a)) {
          for (const y of samples(b, 3)) {
            const c = holds(op, x, y, is32);
            if (outcome === 'taken') expect(c).toBe(true);
            if (outcome === 'not_taken') expect(c).toBe(false);
            const side = c ? t : f;
            if (!side || !contains(side[0], x) || !contains(side[1], y)) {
              throw new Error(`${_name}${is32 ? '32' : ''} ${c ? 'taken' : 'not taken'}: ${x}, ${y} lost (${side ? 'refined' : 'side dropped'})`);
            }
          }
        }
      }
    });
  }

  it('keeps constants exact and ranges tight', () => {
    expect(isConst(scalarAlu(AluOp.ADD, scalarConst(2n), scalarConst(3n), true, 0))).toBe(true);
    const r = scalarAlu(AluOp.AND, scalarURange(0n, U64_MAX), scalarConst(15n), true, 0);
    expect([r.umin, r.umax]).toEqual([0n, 15n]);
    const m = scalarAlu(AluOp.MOD, scalarURange(0n, U64_MAX), scalarConst(10n), true, 0);
    expect(m.umax).toBe(9n);
    expect(tnumConst(5n)).toEqual({ value: 5n, mask: 0n });
  });
});
