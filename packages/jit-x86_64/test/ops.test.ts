/**
 * Every instruction form over every register combination, native against the interpreter:
 * registers start from edge and random values, one instruction runs, and every register is
 * dumped to the stack; r0, the stack and a scratch buffer must match byte for byte. Runs on a
 * VM whose base is the buffer's real address and on one with base 0 (r12-translated accesses).
 */
import { AluOp, AtomicOp, insn, JmpOp, type Insn } from '@ebpf/core';
import { describe, expect, it } from 'vitest';
import { nativeUnavailable } from '../src/native/memory.js';
import { Differ, dumpRegs, randomValues, Rng, setRegs } from './support.js';

const ALU64 = 0x07;
const ALU32 = 0x04;
const DSTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const SRCS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Immediates for shifts (counts around 32 and 64) and for everything else. */
const SHIFT_IMMS = [0, 1, 7, 31, 32, 33, 63, 64, -1];
const IMMS = [0, 1, -1, 0x7fffffff, -0x80000000, 0x1234, -0x1234, 0x80];
const JMP_IMMS = [0, -1, 7, 0x7fffffff, -0x80000000];

interface AluForm {
  readonly name: string;
  readonly op: number;
  readonly off?: number;
}
const ALU_FORMS: readonly AluForm[] = [
  { name: 'add', op: AluOp.ADD }, { name: 'sub', op: AluOp.SUB }, { name: 'mul', op: AluOp.MUL },
  { name: 'div', op: AluOp.DIV }, { name: 'sdiv', op: AluOp.DIV, off: 1 },
  { name: 'mod', op: AluOp.MOD }, { name: 'smod', op: AluOp.MOD, off: 1 },
  { name: 'or', op: AluOp.OR }, { name: 'and', op: AluOp.AND }, { name: 'xor', op: AluOp.XOR },
  { name: 'lsh', op: AluOp.LSH }, { name: 'rsh', op: AluOp.RSH }, { name: 'arsh', op: AluOp.ARSH },
  { name: 'mov', op: AluOp.MOV },
];
const JMP_OPS = [JmpOp.JEQ, JmpOp.JNE, JmpOp.JGT, JmpOp.JGE, JmpOp.JLT, JmpOp.JLE, JmpOp.JSGT, JmpOp.JSGE, JmpOp.JSLT, JmpOp.JSLE, JmpOp.JSET];

// Register-only forms run on one VM (its base does not matter to them); memory forms run on a
// VM based at the native address and on one based at 0.
const modes = [
  { name: 'VM base = native address', nativeBase: true },
  { name: 'VM base 0 (translated)', nativeBase: false },
];

/** Runs `body` after random register values (and `pre`), then dumps every register. */
function sameFor(d: Differ, rng: Rng): (label: string, body: Insn[], pre?: Insn[]) => void {
  return (label, body, pre = []) => {
    const prog = [...setRegs(randomValues(rng)), ...pre, ...body, ...dumpRegs()];
    const { interp, native } = d.run(prog);
    if (interp.result !== native.result || interp.stack !== native.stack || interp.scratch !== native.scratch) {
      expect({ label, ...native }).toEqual({ label, ...interp });
    }
  };
}

describe.skipIf(nativeUnavailable() !== undefined)('native vs interpreter, register forms', () => {
  const d = new Differ(true);
  const rng = new Rng(0x9e3779b97f4a7c15n);
  const same = sameFor(d, rng);

  it('ALU register forms, every dst x src, 32 and 64 bits', () => {
    for (const f of ALU_FORMS) {
      for (const cls of [ALU64, ALU32]) {
        for (const dst of DSTS) {
          for (const src of SRCS) {
            same(`${f.name}${cls === ALU32 ? 32 : ''} r${dst}, r${src}`, [insn({ code: cls | f.op | 0x08, dst, src, off: f.off ?? 0 })]);
          }
        }
      }
    }
  });

  it('ALU immediate forms, every dst, edge immediates', () => {
    for (const f of [...ALU_FORMS, { name: 'neg', op: AluOp.NEG }]) {
      for (const cls of [ALU64, ALU32]) {
        for (const dst of DSTS) {
          const shift = f.op === AluOp.LSH || f.op === AluOp.RSH || f.op === AluOp.ARSH;
          for (const imm of shift ? SHIFT_IMMS : IMMS) {
            same(`${f.name}${cls === ALU32 ? 32 : ''} r${dst}, ${imm}`, [insn({ code: cls | f.op, dst, imm, off: f.off ?? 0 })]);
          }
        }
      }
    }
  });

  it('division and modulo by 0 and -1, INT_MIN dividends', () => {
    const specials = [0n, -1n, 1n, 0x80000000n, -0x80000000n, 0x8000000000000000n, 0xffffffffn, 0x7fffffffffffffffn];
    for (const f of ALU_FORMS.filter((x) => x.op === AluOp.DIV || x.op === AluOp.MOD)) {
      for (const cls of [ALU64, ALU32]) {
        for (const a of specials) {
          for (const b of specials) {
            for (const [dst, src] of [[0, 3], [3, 0], [1, 2], [4, 4], [9, 0]] as const) {
              const vals = randomValues(rng);
              vals[dst] = a;
              if (src !== dst) vals[src] = b;
              const prog = [...setRegs(vals), insn({ code: cls | f.op | 0x08, dst, src, off: f.off ?? 0 }), ...dumpRegs()];
              const { interp, native } = d.run(prog);
              expect({ f: f.name, cls, a, b, dst, src, ...native }).toEqual({ f: f.name, cls, a, b, dst, src, ...interp });
            }
          }
        }
      }
    }
  });

  it('sign-extending moves, byte swaps and conversions', () => {
    for (const dst of DSTS) {
      for (const src of SRCS) {
        for (const bits of [8, 16, 32]) same(`movsx${bits}64 r${dst}, r${src}`, [insn({ code: ALU64 | AluOp.MOV | 0x08, dst, src, off: bits })]);
        for (const bits of [8, 16]) same(`movsx${bits}32 r${dst}, r${src}`, [insn({ code: ALU32 | AluOp.MOV | 0x08, dst, src, off: bits })]);
      }
      for (const bits of [16, 32, 64]) {
        same(`le${bits} r${dst}`, [insn({ code: ALU32 | AluOp.END, dst, imm: bits })]);
        same(`be${bits} r${dst}`, [insn({ code: ALU32 | AluOp.END | 0x08, dst, imm: bits })]);
        same(`bswap${bits} r${dst}`, [insn({ code: ALU64 | AluOp.END, dst, imm: bits })]);
      }
    }
  });

  it('conditional jumps, every dst x src and edge immediates, 32 and 64 bits', () => {
    for (const op of JMP_OPS) {
      for (const cls of [0x05, 0x06]) {
        const marker = insn({ code: ALU64 | AluOp.MOV, dst: 6, imm: 0x1111 });
        for (const dst of DSTS) {
          for (const src of SRCS) same(`jmp 0x${op.toString(16)} r${dst}, r${src}`, [insn({ code: cls | op | 0x08, dst, src, off: 1 }), marker]);
          for (const imm of JMP_IMMS) same(`jmp 0x${op.toString(16)} r${dst}, ${imm}`, [insn({ code: cls | op, dst, imm, off: 1 }), marker]);
          // equal operands: the boundary of every comparison
          for (const v of [0n, -1n, 0x80000000n, 0x8000000000000000n]) {
            const vals = randomValues(rng);
            vals[dst] = v;
            const imm = Number(BigInt.asIntN(32, v));
            const prog = [...setRegs(vals), insn({ code: cls | op, dst, imm, off: 1 }), marker, ...dumpRegs()];
            const { interp, native } = d.run(prog);
            expect(native).toEqual(interp);
          }
        }
      }
    }
  });

});

describe.skipIf(nativeUnavailable() !== undefined).each(modes)('native vs interpreter, memory forms, $name', ({ nativeBase }) => {
  const d = new Differ(nativeBase);
  const rng = new Rng(nativeBase ? 0x5151n : 0x1234567n);
  const same = sameFor(d, rng);

  /** `lddw base, scratch+256` (unless the base is r10). */
  const pointTo = (base: number): Insn[] => (base === 10 ? [] : setRegs([]).concat(insn({ code: 0x18, dst: base, imm64: d.at(256), imm: Number(BigInt.asIntN(32, d.at(256))) })));
  const offsetsFor = (base: number, size: number): number[] => (base === 10 ? [-512, -256, -96 - size] : [-256, -8, 0, 3, 255 - size]);

  it('loads (zero- and sign-extending), stores and immediate stores, every base and register', () => {
    for (const size of [0x00, 0x08, 0x10, 0x18]) {
      const bytes = size === 0x18 ? 8 : size === 0x00 ? 4 : size === 0x08 ? 2 : 1;
      for (const base of SRCS) {
        for (const off of offsetsFor(base, bytes)) {
          for (const r of DSTS) {
            same(`ldx${bytes} r${r}, [r${base}${off}]`, [insn({ code: 0x61 | size, dst: r, src: base, off })], pointTo(base));
            if (bytes < 8) same(`ldxs${bytes} r${r}, [r${base}${off}]`, [insn({ code: 0x81 | size, dst: r, src: base, off })], pointTo(base));
            same(`stx${bytes} [r${base}${off}], r${r}`, [insn({ code: 0x63 | size, dst: base, src: r, off })], pointTo(base));
          }
          for (const imm of [-1, 0x12345678, 0x80, -0x80000000]) {
            same(`st${bytes} [r${base}${off}], ${imm}`, [insn({ code: 0x62 | size, dst: base, imm, off })], pointTo(base));
          }
        }
      }
    }
  });

  it('atomics (add/or/and/xor, fetch variants, xchg, cmpxchg), every base and source', () => {
    const ops = [
      AtomicOp.ADD, AtomicOp.OR, AtomicOp.AND, AtomicOp.XOR,
      AtomicOp.ADD | AtomicOp.FETCH, AtomicOp.OR | AtomicOp.FETCH, AtomicOp.AND | AtomicOp.FETCH, AtomicOp.XOR | AtomicOp.FETCH,
      AtomicOp.XCHG, AtomicOp.CMPXCHG,
    ];
    for (const op of ops) {
      for (const size of [0x00, 0x18]) {
        for (const base of SRCS) {
          const off = base === 10 ? -128 : 8;
          for (const src of DSTS) {
            same(`atomic 0x${op.toString(16)}/${size} [r${base}${off}], r${src}`, [insn({ code: 0xc3 | size, dst: base, src, off, imm: op })], pointTo(base));
          }
        }
        // cmpxchg taking the "equal" branch: r0 = the value in memory
        const setR0 = [insn({ code: 0x79, dst: 0, src: 1, off: 8 }), insn({ code: 0x18, dst: 1, imm64: d.at(0), imm: Number(BigInt.asIntN(32, d.at(0))) })];
        for (const src of [2, 3, 4, 5, 0]) {
          same(`cmpxchg equal r${src}`, [insn({ code: 0x18, dst: 1, imm64: d.at(0), imm: Number(BigInt.asIntN(32, d.at(0))) }), ...setR0, insn({ code: 0xc3 | size, dst: 1, src, off: 8, imm: AtomicOp.CMPXCHG })]);
        }
      }
    }
  });
});
