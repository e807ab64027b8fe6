/**
 * Random programs for differential testing, built to pass the checker most of the time: every
 * register is initialized up front (and r1..r5 again after each call), the context pointer stays
 * in r6, memory is touched only at constant, aligned offsets inside the initialized stack area
 * or the context, jumps go forward, and loops are counted down in r9 (optional). Every ALU,
 * load/store, atomic, jump and call form appears. Running and comparing is `harness.ts`'s job.
 */
import { insn, type Insn, type ProgramSpec } from '@ebpf/core';
import type { Prng } from './prng.js';
import { DIFF_CTX_SIZE, DIFF_MAPS, DIFF_VALUE_SIZE, DiffHelper } from './subsystem.js';

/** Options of {@link generateProgram}. */
export interface GenerateOptions {
  /** Statements in the main function (default 10..40). */
  readonly statements?: number;
  /** Allow counted loops (back edges); default true. */
  readonly loops?: boolean;
  /** Allow bpf-to-bpf calls; default true. */
  readonly localCalls?: boolean;
}

/** A statement: a few instructions, maybe one jump (to a later statement) or local call. */
interface Stmt {
  readonly insns: Insn[];
  /** Index in `insns` of a jump and the statement it goes to (in the same function). */
  jump?: { at: number; to: number };
  /** Index in `insns` of a local call and the function it calls. */
  call?: { at: number; func: number };
}

const ALU_OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0] as const;
const JMP_OPS = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0] as const;
const SIZES = [
  { code: 0x00, bytes: 4 },
  { code: 0x08, bytes: 2 },
  { code: 0x10, bytes: 1 },
  { code: 0x18, bytes: 8 },
] as const;
const ATOMIC_OPS = [0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1] as const;

/** Bytes of stack the main function initializes (fp-64..fp). */
const MAIN_STACK = 64;
/** Bytes of stack a subprogram initializes. */
const SUB_STACK = 32;

/** Generates one program from `rng`. */
export function generateProgram(rng: Prng, name: string, options: GenerateOptions = {}): ProgramSpec {
  const loops = options.loops ?? true;
  const subCount = (options.localCalls ?? true) ? rng.below(3) : 0;
  const funcs: Stmt[][] = [];
  funcs.push(genFunction(rng, true, options.statements ?? rng.range(10, 40), 1, subCount, loops));
  for (let f = 1; f <= subCount; f++) funcs.push(genFunction(rng, false, rng.range(3, 12), f + 1, subCount, loops));
  return { name, dialect: 'rfc', insns: layout(pruneUnreachable(funcs)), maps: DIFF_MAPS, license: 'GPL' };
}

/** True when control can fall out of the statement's end into the next one. */
function fallsThrough(st: Stmt): boolean {
  const last = st.insns[st.insns.length - 1]!;
  if (last.code === 0x95) return false; // exit
  if (st.jump && st.jump.at === st.insns.length - 1 && last.code === 0x05) return false; // ja
  return true;
}

/**
 * Drops statements no path reaches and functions no reachable call names (the checker refuses
 * unreachable instructions), renumbering jump targets and callees.
 */
function pruneUnreachable(funcs: Stmt[][]): Stmt[][] {
  const liveFunc = new Set<number>([0]);
  const liveStmts: Set<number>[] = funcs.map(() => new Set<number>());
  const work: number[] = [0];
  while (work.length > 0) {
    const f = work.pop()!;
    const body = funcs[f]!;
    const seen = liveStmts[f]!;
    const todo = [0];
    while (todo.length > 0) {
      const i = todo.pop()!;
      if (seen.has(i) || i >= body.length) continue;
      seen.add(i);
      const st = body[i]!;
      if (st.jump) todo.push(st.jump.to);
      if (st.call && !liveFunc.has(st.call.func)) {
        liveFunc.add(st.call.func);
        work.push(st.call.func);
      }
      if (fallsThrough(st)) todo.push(i + 1);
    }
  }
  const funcIndex = new Map<number, number>();
  [...liveFunc].sort((a, b) => a - b).forEach((f, k) => funcIndex.set(f, k));
  const out: Stmt[][] = [];
  funcs.forEach((body, f) => {
    if (!liveFunc.has(f)) return;
    const keep = liveStmts[f]!;
    const index = new Map<number, number>();
    let k = 0;
    body.forEach((_, i) => {
      if (keep.has(i)) index.set(i, k++);
    });
    out.push(
      body
        .filter((_, i) => keep.has(i))
        .map((st) => ({
          insns: st.insns,
          ...(st.jump ? { jump: { at: st.jump.at, to: index.get(st.jump.to)! } } : {}),
          ...(st.call ? { call: { at: st.call.at, func: funcIndex.get(st.call.func)! } } : {}),
        })),
    );
  });
  return out;
}

/** Lays the functions out one after another and resolves jumps and calls to slot offsets. */
function layout(funcs: Stmt[][]): Insn[] {
  // Slot of each statement, per function.
  const starts: number[][] = [];
  const funcStart: number[] = [];
  let slot = 0;
  for (const f of funcs) {
    funcStart.push(slot);
    const s: number[] = [];
    for (const st of f) {
      s.push(slot);
      for (const i of st.insns) slot += i.code === 0x18 ? 2 : 1;
    }
    starts.push(s);
  }
  const out: Insn[] = [];
  funcs.forEach((f, fi) => {
    f.forEach((st, si) => {
      let pc = starts[fi]![si]!;
      st.insns.forEach((i, k) => {
        let fixed = i;
        if (st.jump && st.jump.at === k) {
          fixed = insn({ ...i, off: starts[fi]![st.jump.to]! - (pc + 1) });
        } else if (st.call && st.call.at === k) {
          fixed = insn({ ...i, imm: funcStart[st.call.func]! - (pc + 1) });
        }
        out.push(fixed);
        pc += i.code === 0x18 ? 2 : 1;
      });
    });
  });
  return out;
}

/**
 * One function: a prologue that initializes its stack area and registers, random statements,
 * a register fold into r0, and exit. `self` is its index; it may call functions after it.
 */
function genFunction(rng: Prng, isMain: boolean, count: number, self: number, subCount: number, loops: boolean): Stmt[] {
  const stackBytes = isMain ? MAIN_STACK : SUB_STACK;
  // Scalar registers random statements may write: r9 is the loop counter, r6 the context (main).
  const scalars = isMain ? [0, 1, 2, 3, 4, 5, 7, 8] : [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const g = new FuncGen(rng, isMain, stackBytes, scalars);
  const body: Stmt[] = [];

  const prologue: Insn[] = [];
  if (isMain) prologue.push(insn({ code: 0xbf, dst: 6, src: 1 })); // mov r6, r1
  for (let off = 8; off <= stackBytes; off += 8) {
    if (rng.chance(0.5)) prologue.push(insn({ code: 0x7a, dst: 10, off: -off, imm: rng.s32() })); // stdw
    else prologue.push(g.lddw(0), insn({ code: 0x7b, dst: 10, src: 0, off: -off })); // stxdw
  }
  const init = isMain ? [0, 1, 2, 3, 4, 5, 7, 8, 9] : [0, 6, 7, 8, 9];
  for (const r of init) prologue.push(rng.chance(0.3) ? g.lddw(r) : insn({ code: 0xb7, dst: r, imm: rng.s32() }));
  body.push({ insns: prologue });

  let inLoop = 0; // statements left in the current loop body
  let loopStart = -1;
  for (let i = 0; i < count; i++) {
    const at = body.length;
    if (inLoop > 0) {
      // Loop bodies: straight-line statements only, so the counter in r9 bounds the loop.
      body.push({ insns: g.straight() });
      if (--inLoop === 0) {
        body.push({ insns: [insn({ code: 0x17, dst: 9, imm: 1 }), insn({ code: 0x65, dst: 9, imm: 0 })], jump: { at: 1, to: loopStart } }); // sub r9, 1; jsgt r9, 0, start
      }
      continue;
    }
    const pick = rng.below(100);
    if (loops && pick < 6) {
      body.push({ insns: [insn({ code: 0xb7, dst: 9, imm: rng.range(1, 12) })] }); // mov r9, K
      loopStart = at + 1;
      inLoop = rng.range(1, 4);
    } else if (pick < 26) {
      // Forward conditional jump: target chosen after all statements exist.
      body.push({ insns: [g.condJump()], jump: { at: 0, to: -1 } });
    } else if (pick < 30) {
      body.push({ insns: [insn({ code: 0x05 })], jump: { at: 0, to: -1 } }); // ja
    } else if (pick < 36) {
      body.push({ insns: g.helperCall() });
    } else if (pick < 38) {
      body.push({ insns: g.mapUpdate() });
    } else if (pick < 41) {
      body.push({ insns: g.mapLookup() });
    } else if (pick < 46 && self <= subCount) {
      const callee = rng.range(self, subCount);
      const insns = [insn({ code: 0x85, src: 1 }), ...g.reinitArgs()];
      body.push({ insns, call: { at: 0, func: callee } });
    } else if (pick < 48) {
      body.push({ insns: [insn({ code: 0xb7, dst: 0, imm: rng.s32() }), insn({ code: 0x95 })] }); // early exit
    } else {
      body.push({ insns: g.straight() });
    }
  }
  if (inLoop > 0) body.push({ insns: [insn({ code: 0x17, dst: 9, imm: 1 }), insn({ code: 0x65, dst: 9, imm: 0 })], jump: { at: 1, to: loopStart } });

  // Epilogue: fold every register into r0 so register differences show in the result.
  const fold: Insn[] = [];
  for (const r of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    if (isMain && r === 6) continue; // a pointer: folding it would need pointer arithmetic
    fold.push(insn({ code: rng.pick([0x0f, 0xaf, 0x1f]), dst: 0, src: r })); // add/xor/sub r0, r
  }
  const exitAt = body.length;
  body.push({ insns: [...fold, insn({ code: 0x95 })] });

  // Forward targets: any later statement up to the epilogue, never into a loop body from outside.
  const inLoopBody = new Set<number>();
  body.forEach((st, i) => {
    if (st.jump && st.jump.to >= 0 && st.jump.to <= i) for (let k = st.jump.to; k <= i; k++) inLoopBody.add(k);
  });
  body.forEach((st, i) => {
    if (st.jump && st.jump.to === -1) {
      const options: number[] = [];
      for (let t = i + 1; t <= exitAt; t++) if (!inLoopBody.has(t) || inLoopBody.has(i)) options.push(t);
      st.jump.to = rng.pick(options);
    }
  });
  return body;
}

/** Instruction choices for one function. */
class FuncGen {
  constructor(
    private readonly rng: Prng,
    private readonly isMain: boolean,
    private readonly stackBytes: number,
    private readonly scalars: readonly number[],
  ) {}

  /** `lddw dst, random`. */
  lddw(dst: number): Insn {
    return insn({ code: 0x18, dst, imm64: this.rng.u64() });
  }

  private dst(): number {
    return this.rng.pick(this.scalars);
  }

  /** Any initialized register as a source (r9, r10 included; r6 too in subprograms). */
  private srcReg(): number {
    return this.rng.pick([...this.scalars, 9]);
  }

  /** A straight-line statement: ALU, load/store, atomic or lddw. */
  straight(): Insn[] {
    const k = this.rng.below(100);
    if (k < 55) return [this.alu()];
    if (k < 60) return [this.lddw(this.dst())];
    if (k < 72) return [this.stackLoad()];
    if (k < 82) return [this.stackStore()];
    if (k < 88) return [this.atomic()];
    if (this.isMain && k < 94) return [this.ctxLoad()];
    if (this.isMain) return [this.ctxStore()];
    return [this.alu()];
  }

  alu(): Insn {
    const rng = this.rng;
    const is64 = rng.chance(0.6);
    const cls = is64 ? 0x07 : 0x04;
    const dst = this.dst();
    const r = rng.below(20);
    if (r === 0) return insn({ code: cls | 0xd0 | (is64 ? 0 : rng.pick([0x00, 0x08])), dst, imm: rng.pick([16, 32, 64]) }); // le/be/bswap
    if (r === 1) return insn({ code: cls | 0xb8, dst, src: this.srcReg(), off: is64 ? rng.pick([8, 16, 32]) : rng.pick([8, 16]) }); // movsx
    const op = rng.pick(ALU_OPS);
    if (op === 0x80) return insn({ code: cls | 0x80, dst }); // neg has no register form
    const useReg = rng.chance(0.5);
    const signed = (op === 0x30 || op === 0x90) && rng.chance(0.4);
    return insn({
      code: cls | op | (useReg ? 0x08 : 0x00),
      dst,
      src: useReg ? this.srcReg() : 0,
      off: signed ? 1 : 0,
      imm: useReg ? 0 : op === 0x60 || op === 0x70 || op === 0xc0 ? rng.below(is64 ? 64 : 32) : rng.s32(),
    });
  }

  private stackOffset(bytes: number): number {
    const slots = this.stackBytes / bytes;
    return -bytes * this.rng.range(1, slots);
  }

  stackLoad(): Insn {
    const size = this.rng.pick(SIZES);
    const sx = size.bytes < 8 && this.rng.chance(0.3);
    return insn({ code: (sx ? 0x81 : 0x61) | size.code, dst: this.dst(), src: 10, off: this.stackOffset(size.bytes) });
  }

  stackStore(): Insn {
    const size = this.rng.pick(SIZES);
    if (this.rng.chance(0.4)) return insn({ code: 0x62 | size.code, dst: 10, off: this.stackOffset(size.bytes), imm: this.rng.s32() });
    return insn({ code: 0x63 | size.code, dst: 10, src: this.srcReg(), off: this.stackOffset(size.bytes) });
  }

  atomic(): Insn {
    const wide = this.rng.chance(0.5);
    const op = this.rng.pick(ATOMIC_OPS);
    // Fetching forms write their source register: keep it a scalar we may clobber.
    const src = op & 1 ? this.dst() : this.srcReg();
    return insn({ code: wide ? 0xdb : 0xc3, dst: 10, src, off: this.stackOffset(wide ? 8 : 4), imm: op });
  }

  ctxLoad(): Insn {
    const size = this.rng.pick(SIZES);
    const off = size.bytes * this.rng.below(DIFF_CTX_SIZE / size.bytes);
    return insn({ code: 0x61 | size.code, dst: this.dst(), src: 6, off });
  }

  ctxStore(): Insn {
    const size = this.rng.pick(SIZES);
    const off = size.bytes * this.rng.below(DIFF_CTX_SIZE / size.bytes);
    if (this.rng.chance(0.3)) return insn({ code: 0x62 | size.code, dst: 6, off, imm: this.rng.s32() });
    return insn({ code: 0x63 | size.code, dst: 6, src: this.dst(), off });
  }

  condJump(): Insn {
    const rng = this.rng;
    const op = rng.pick(JMP_OPS);
    const cls = rng.chance(0.3) ? 0x06 : 0x05;
    const useReg = rng.chance(0.5);
    return insn({ code: cls | op | (useReg ? 0x08 : 0), dst: this.srcReg(), src: useReg ? this.srcReg() : 0, imm: useReg ? 0 : rng.s32() });
  }

  /** A helper call and the re-initialization of the argument registers it clobbers. */
  helperCall(): Insn[] {
    const id = this.rng.chance(0.7) ? DiffHelper.MIX : DiffHelper.NEG;
    return [insn({ code: 0x85, imm: id }), ...this.reinitArgs()];
  }

  /** A map pseudo-load of map `index` (the checker resolves it to the map's address). */
  private mapLoad(dst: number, index: number): Insn {
    return insn({ code: 0x18, dst, src: 1, imm: index, imm64: BigInt(index) });
  }

  /** A key for the maps at fp-8: mostly in range, sometimes not. */
  private key(): Insn {
    const k = this.rng.chance(0.8) ? this.rng.below(8) : this.rng.pick([8, 9, -1, 0x7fffffff, this.rng.s32()]);
    return insn({ code: 0x62, dst: 10, off: -8, imm: k }); // stw [r10-8], k
  }

  /**
   * `r0 = lookup(map, &key)`; when found, bump the value's first word and load its second into r0
   * (so r0 is a scalar on both paths); then re-initialize r1..r5.
   */
  mapLookup(): Insn[] {
    const rng = this.rng;
    const map = rng.below(DIFF_MAPS.length);
    const off = 8 * rng.below(DIFF_VALUE_SIZE / 8);
    return [
      this.key(),
      this.mapLoad(1, map),
      insn({ code: 0xbf, dst: 2, src: 10 }), // mov r2, r10
      insn({ code: 0x07, dst: 2, imm: -8 }), // add r2, -8
      insn({ code: 0x85, imm: DiffHelper.LOOKUP }),
      insn({ code: 0x15, dst: 0, imm: 0, off: 4 }), // jeq r0, 0, +4
      insn({ code: 0x79, dst: 1, src: 0, off: 0 }), // ldxdw r1, [r0]
      insn({ code: 0x07, dst: 1, imm: rng.s32() }), // add r1, imm
      insn({ code: 0x7b, dst: 0, src: 1, off: 0 }), // stxdw [r0], r1
      insn({ code: 0x79, dst: 0, src: 0, off }), // ldxdw r0, [r0+off]
      ...this.reinitArgs(),
    ];
  }

  /** `update(map, &key, &value at fp-24, BPF_ANY)`, then re-initialize r1..r5. */
  mapUpdate(): Insn[] {
    const map = this.rng.below(DIFF_MAPS.length);
    return [
      this.key(),
      this.mapLoad(1, map),
      insn({ code: 0xbf, dst: 2, src: 10 }),
      insn({ code: 0x07, dst: 2, imm: -8 }),
      insn({ code: 0xbf, dst: 3, src: 10 }),
      insn({ code: 0x07, dst: 3, imm: -24 }),
      insn({ code: 0xb7, dst: 4, imm: 0 }),
      insn({ code: 0x85, imm: DiffHelper.UPDATE }),
      ...this.reinitArgs(),
    ];
  }

  /** r1..r5 = random constants (they are unreadable after a call). */
  reinitArgs(): Insn[] {
    const out: Insn[] = [];
    for (let r = 1; r <= 5; r++) out.push(insn({ code: 0xb7, dst: r, imm: this.rng.s32() }));
    return out;
  }
}
