/**
 * Programs for fuzzing the checker, in assembler text: a prologue (r6 = ctx, r7 = a context
 * scalar), a few snippets that each test one rule near its edge — variable stack and map value
 * offsets, packet ranges, context fields, spills, helper memory, counted loops, subprograms,
 * ring buffer reservations, 32-bit and signed bounds — with parameters drawn around the limit so
 * about half are safe, then an exit. `mutate` perturbs one instruction of a program. Checking and
 * running them is `checker-round.ts`'s job.
 */
import { insn, type Insn } from '@ebpf/core';
import type { Prng } from './differential/prng.js';
import { FuzzHelper } from './checker-subsystem.js';

const SIZES = [['b', 1], ['h', 2], ['w', 4], ['dw', 8]] as const;

/** Builds one program's text; labels are numbered per program. */
class Text {
  readonly lines: string[] = [];
  readonly tail: string[] = [];
  private n = 0;
  constructor(readonly rng: Prng) {}
  label(): string {
    return `L${this.n++}`;
  }
  add(...l: string[]): void {
    this.lines.push(...l);
  }
}

type Snippet = (t: Text) => void;

/** A memory operand: `[%r2+5]`, `[%r10-8]`. */
function m(reg: string, off: number): string {
  return `[${reg}${off < 0 ? '' : '+'}${off}]`;
}

/** A boundary-biased value: `limit` plus a small delta. */
function near(rng: Prng, limit: number, spread = 8): number {
  return limit + rng.range(-spread, spread / 2);
}

function size(rng: Prng): readonly [string, number] {
  return rng.pick(SIZES);
}

/** A mask that bounds a scalar: low bits, sometimes a little too wide. */
function mask(rng: Prng): number {
  return rng.pick([1, 3, 7, 8, 15, 16, 24, 31, 32, 56, 63, 127, 255, 0x1f8]);
}

const snippets: Snippet[] = [
  // Variable-offset stack access.
  (t) => {
    const r = t.rng;
    const [sfx, n] = size(r);
    const init = r.pick([16, 32, 64, 128]);
    for (let o = -init; o < 0; o += 8) t.add(`stdw ${m('%r10', o)}, ${r.range(0, 9)}`);
    t.add('mov %r2, %r7', `and %r2, ${mask(r) & ~(n - 1) || n}`, 'mov %r3, %r10', 'add %r3, %r2');
    const off = -near(r, init, 16) & ~(n - 1);
    t.add(r.chance(0.5) ? `ldx${sfx} %r4, ${m('%r3', off)}` : `st${sfx} ${m('%r3', off)}, 7`);
  },
  // Map value lookup, NULL check (usually), variable index.
  (t) => {
    const r = t.rng;
    const skip = t.label();
    const [sfx, n] = size(r);
    t.add(`stw [%r10-4], ${r.range(0, 5)}`, 'mov %r2, %r10', 'add %r2, -4', 'lddw %r1, map_idx(0)', 'call 1');
    if (r.chance(0.9)) t.add(`jeq %r0, 0, ${skip}`);
    t.add('mov %r2, %r7');
    if (r.chance(0.5)) t.add(`and %r2, ${mask(r)}`);
    else t.add(`jgt %r2, ${near(r, 24 - n, 4)}, ${skip}`);
    t.add('add %r0, %r2', `ldx${sfx} %r4, ${m('%r0', r.chance(0.8) ? 0 : r.range(-2, 4))}`);
    if (r.chance(0.5)) t.add(`st${sfx} [%r0+0], 1`);
    t.add(`${skip}:`);
  },
  // Packet range proven by a data_end comparison.
  (t) => {
    const r = t.rng;
    const skip = t.label();
    const [sfx, n] = size(r);
    const proven = r.range(0, 20);
    t.add('ldxdw %r2, [%r6+32]', 'ldxdw %r3, [%r6+40]', 'mov %r4, %r2', `add %r4, ${proven}`);
    t.add(r.pick([`jgt %r4, %r3, ${skip}`, `jge %r4, %r3, ${skip}`, `jlt %r3, %r4, ${skip}`]));
    if (r.chance(0.3)) {
      t.add('ldxb %r5, [%r2+0]', `and %r5, ${r.pick([3, 7, 15])}`, 'add %r2, %r5', 'mov %r4, %r2', `add %r4, ${n}`, `jgt %r4, %r3, ${skip}`);
      t.add(`ldx${sfx} %r5, [%r2+0]`);
    } else {
      t.add(`ldx${sfx} %r5, ${m('%r2', near(r, proven - n, 4))}`);
    }
    t.add(`${skip}:`);
  },
  // Context fields.
  (t) => {
    const r = t.rng;
    const [sfx, n] = size(r);
    const off = r.range(0, 64 - n) & ~(n - 1);
    if (r.chance(0.5)) t.add(`ldx${sfx} %r4, ${m('%r6', off)}`);
    else t.add(`st${sfx} ${m('%r6', off)}, ${r.range(0, 9)}`);
  },
  // Spill and fill of pointers and bounded scalars.
  (t) => {
    const r = t.rng;
    const slot = -8 * r.range(1, 8);
    const what = r.pick(['%r6', '%r10', '%r7']);
    t.add(`stxdw ${m('%r10', slot)}, ${what}`);
    if (r.chance(0.3)) t.add(`st${r.pick(['b', 'w'])} ${m('%r10', slot)}, 0`);
    t.add(`ldxdw %r5, ${m('%r10', slot)}`);
    if (what === '%r6') t.add(`ldxdw %r4, ${m('%r5', r.pick([0, 8, 48, 56, 60]))}`);
    else if (what === '%r10') t.add(`stdw ${m('%r5', -8 * r.range(1, 66))}, 1`);
    else t.add('mov %r4, %r5');
  },
  // Helper reading or filling memory with a bounded size.
  (t) => {
    const r = t.rng;
    const buf = r.pick([8, 16, 32]);
    const fill = r.chance(0.5);
    if (!fill) for (let o = -buf; o < 0; o += 8) t.add(`stdw ${m('%r10', o)}, 1`);
    t.add('mov %r1, %r10', `add %r1, -${buf}`);
    if (r.chance(0.5)) t.add(`mov %r2, ${near(r, buf, 4) || 1}`);
    else t.add('mov %r2, %r7', `and %r2, ${r.pick([7, 15, 31])}`, `add %r2, ${r.range(0, 2)}`);
    t.add(`call ${fill ? FuzzHelper.FILL_MEM : FuzzHelper.READ_MEM}`);
    if (fill) t.add(`ldxdw %r4, [%r10-${buf}]`);
  },
  // Counted loop writing the stack by its counter.
  (t) => {
    const r = t.rng;
    const loop = t.label();
    const count = near(r, 64, 8);
    t.add(`mov %r9, ${count}`, `${loop}:`, 'mov %r2, %r9', 'lsh %r2, 3', 'mov %r3, %r10', 'sub %r3, %r2', 'stdw [%r3+0], 1', 'sub %r9, 1', `jne %r9, 0, ${loop}`);
  },
  // Loop bounded by a context value.
  (t) => {
    const r = t.rng;
    const loop = t.label();
    const done = t.label();
    t.add('mov %r9, %r7', `and %r9, ${r.pick([7, 15, 31])}`, `${loop}:`, `jeq %r9, 0, ${done}`, 'sub %r9, 1', r.chance(0.9) ? `ja ${loop}` : `ja ${done}`, `${done}:`);
  },
  // bpf-to-bpf call writing into the caller's stack.
  (t) => {
    const r = t.rng;
    const fn = t.label();
    const off = -8 * r.range(1, 4);
    t.add('mov %r1, %r10', `add %r1, ${off}`, `call local ${fn}`);
    t.add(`ldxdw %r4, ${m('%r10', off + r.pick([0, 0, 8, -8]))}`);
    const inner = r.pick([`stdw ${m('%r1', r.pick([0, 0, 8, -8]))}, 3`, 'stdw [%r10-8], 3', 'mov %r0, %r1']);
    t.tail.push(`${fn}:`, inner, 'mov %r0, 0', 'exit');
  },
  // Ring buffer reservation.
  (t) => {
    const r = t.rng;
    const skip = t.label();
    const sz = r.pick([8, 16, 24]);
    t.add('lddw %r1, map_idx(2)', `mov %r2, ${sz}`, 'mov %r3, 0', 'call 131', `jeq %r0, 0, ${skip}`);
    t.add(`stdw ${m('%r0', near(r, sz - 8, 8) & ~7)}, 1`, 'mov %r1, %r0', 'mov %r2, 0');
    t.add(r.chance(0.9) ? `call ${r.pick([132, 133])}` : 'mov %r1, 0');
    t.add(`${skip}:`);
  },
  // 32-bit and signed bounds feeding a stack index.
  (t) => {
    const r = t.rng;
    const skip = t.label();
    for (let o = -64; o < 0; o += 8) t.add(`stdw ${m('%r10', o)}, 2`);
    t.add('mov %r2, %r7');
    switch (r.below(4)) {
      case 0: t.add('mov32 %r2, %r2', `rsh %r2, ${r.range(26, 30)}`); break;
      case 1: t.add(`jsgt %r2, ${near(r, 56, 8)}, ${skip}`, `jslt %r2, 0, ${skip}`); break;
      case 2: t.add(`jgt32 %r2, ${near(r, 56, 8)}, ${skip}`, 'mov32 %r2, %r2'); break;
      default: t.add(`mod %r2, ${near(r, 64, 8)}`); break;
    }
    t.add('and %r2, -8', 'mov %r3, %r10', 'add %r3, %r2', 'ldxdw %r4, [%r3-64]', `${skip}:`);
  },
  // Atomic on the stack or a map value.
  (t) => {
    const r = t.rng;
    const op = r.pick(['lock add', 'lock fetch add', 'lock xchg', 'lock or32', 'lock cmpxchg']);
    if (r.chance(0.8)) t.add('stdw [%r10-16], 0');
    t.add('mov %r2, 1', 'mov %r0, 0', `${op} [%r10-16], %r2`);
  },
  // A stack slot that differs between two joining paths and is used after the join: pruning
  // must not treat it as dead (stack liveness).
  (t) => {
    const r = t.rng;
    const other = t.label();
    const join = t.label();
    const slot = -8 * r.range(1, 4);
    const bad = r.pick([8, 16, 24, 32, 40, 520]);
    t.add('stdw [%r10-8], 0', 'stdw [%r10-16], 0', 'stdw [%r10-24], 0', 'stdw [%r10-32], 0');
    t.add(`stdw ${m('%r10', slot)}, 8`, `jgt %r7, ${r.range(0, 9)}, ${other}`, `stdw ${m('%r10', slot)}, 16`, `ja ${join}`);
    t.add(`${other}:`, r.chance(0.5) ? `stdw ${m('%r10', slot)}, ${bad}` : 'mov %r2, 0', `${join}:`, `ldxdw %r2, ${m('%r10', slot)}`);
    switch (r.below(3)) {
      case 0: t.add('mov %r3, %r10', 'sub %r3, %r2', 'ldxdw %r4, [%r3+0]'); break;
      case 1: t.add('mov %r1, %r10', 'add %r1, -32', `call ${FuzzHelper.READ_MEM}`); break;
      default: t.add('mov %r3, %r10', 'sub %r3, %r2', 'stb [%r3+0], 1'); break;
    }
  },
  // Branches that diverge and join (pruning).
  (t) => {
    const r = t.rng;
    const a = t.label();
    t.add(`jgt %r7, ${r.range(0, 9)}, ${a}`, 'mov %r8, 1', `${a}:`, 'mov %r8, 2');
  },
];

/** Options of {@link generateCheckerProgram}. */
export interface CheckerGenOptions {
  /** Snippets per program (default 1..3). */
  readonly snippets?: number;
}

/** Generates one program's assembler text. */
export function generateCheckerProgram(rng: Prng, options: CheckerGenOptions = {}): string {
  const t = new Text(rng);
  t.add('mov %r6, %r1', 'ldxdw %r7, [%r6+0]', 'mov %r8, 0');
  const n = options.snippets ?? rng.range(1, 3);
  for (let i = 0; i < n; i++) rng.pick(snippets)(t);
  t.add('mov %r0, 0', 'exit', ...t.tail);
  return t.lines.join('\n');
}

/** A copy of `insns` with one field of one random instruction changed. */
export function mutate(rng: Prng, insns: readonly Insn[]): Insn[] {
  const out = insns.slice();
  const i = rng.below(out.length);
  const x = out[i]!;
  if (x.code === 0x18) return out;
  switch (rng.below(6)) {
    case 0: out[i] = insn({ ...x, off: (x.off + rng.range(-9, 9)) << 16 >> 16 }); break;
    case 1: out[i] = insn({ ...x, imm: (x.imm + rng.range(-9, 9)) | 0 }); break;
    case 2: out[i] = insn({ ...x, dst: rng.below(11) }); break;
    case 3: out[i] = insn({ ...x, src: rng.below(11) }); break;
    case 4: out[i] = insn({ ...x, code: (x.code & ~0x18) | rng.pick([0x00, 0x08, 0x10, 0x18]) }); break;
    default: out[i] = insn({ ...x, imm: rng.s32() }); break;
  }
  return out;
}
