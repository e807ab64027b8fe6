/**
 * The checker's first pass (the seed's `check_cfg`): every instruction is a valid encoding,
 * jumps land on instruction starts inside their function, nothing falls off the end, every
 * instruction is reachable, bpf-to-bpf calls split the program into functions without
 * recursion, and in DAG mode there is no back-edge. It also marks the prune points (jump
 * targets) and computes which registers are live at each one. The path simulation is `walk.ts`.
 */
import { type Insn } from '../isa/insn.js';
import { findMnemonic, reservedFieldInUse, type Mnemonic } from '../isa/mnemonics.js';
import { CallSrc, Class, JmpOp } from '../isa/opcodes.js';
import type { LoweredProgram } from '../engine/lowered.js';
import type { ReasonParams, RejectReason } from './reasons.js';

/** A function of the program: `[start, end)` in slots. */
export interface CfgFunc {
  readonly start: number;
  readonly end: number;
}

/** What the structural pass learned. */
export interface Cfg {
  /** Slots of the program. */
  readonly length: number;
  /** The decoded instruction starting at each slot (undefined for the second slot of `lddw`). */
  readonly insnAt: ReadonlyArray<Insn | undefined>;
  /** The mnemonic-table entry of each instruction. */
  readonly mnemonicAt: ReadonlyArray<Mnemonic | undefined>;
  /** Functions, main first, in slot order. */
  readonly funcs: readonly CfgFunc[];
  /** Function index of each slot. */
  readonly funcOf: Int32Array;
  /** 1 where the walker remembers states (jump targets). */
  readonly pruneAt: Uint8Array;
  /** Registers (bit i = r_i, r0..r9) read before written from each slot on, within its function. */
  readonly liveIn: Uint16Array;
}

/** A structural refusal: the reason, where, and the message parameters. */
export class CfgRefusal {
  constructor(readonly reason: RejectReason, readonly insn: number, readonly params: ReasonParams = {}) {}
}

/** Options of {@link buildCfg}. */
export interface CfgOptions {
  /** Refuse back-edges (the seed's DAG rule). */
  readonly dag: boolean;
  /** The program is in the seed dialect (ends in `ret`, seed-only atomics allowed). */
  readonly seed: boolean;
}

const ALL_ARGS = 0b111110; // r1..r5
const NONE: readonly number[] = Object.freeze([]);

/** Registers an instruction reads and writes (bit masks over r0..r10). */
function useDef(insn: Insn, m: Mnemonic): [use: number, def: number] {
  const d = 1 << insn.dst;
  const s = 1 << insn.src;
  switch (m.form) {
    case 'alu-reg': return [(m.sym === '=' || m.sym!.startsWith('(s') ? 0 : d) | s, d];
    case 'alu-imm': return [m.sym === '=' ? 0 : d, d];
    case 'unary': return [d, d];
    case 'ldx': return [s, d];
    case 'st': return [d, 0];
    case 'stx': return [d | s, 0];
    case 'atomic': {
      if (m.sym === 'cmpxchg') return [d | s | 1, 1];
      const fetch = m.sym === 'xchg' || m.sym!.startsWith('fetch_');
      return [d | s, fetch ? s : 0];
    }
    case 'jmp-reg': return [d | s, 0];
    case 'jmp-imm': return [d, 0];
    case 'call':
    case 'call-local':
    case 'call-kfunc': return [ALL_ARGS, 0b111111];
    case 'callx': return [ALL_ARGS | d, 0b111111];
    case 'exit': return [1, 0];
    case 'lddw': return [0, d];
    default: return [0, 0];
  }
}

/** Successor slots of the instruction at `pc` inside its function (calls fall through). */
function successors(insn: Insn, m: Mnemonic, pc: number, width: number): number[] {
  switch (m.form) {
    case 'exit': return [];
    case 'ja': return [pc + insn.off + 1];
    case 'gotol': return [pc + insn.imm + 1];
    case 'jmp-reg':
    case 'jmp-imm': return [pc + width, pc + insn.off + 1];
    default: return [pc + width];
  }
}

/**
 * Runs the structural checks over `p` (with its decoded `insns`).
 * @returns the CFG, or a {@link CfgRefusal} naming the first problem.
 */
export function buildCfg(p: LoweredProgram, insns: readonly Insn[], opts: CfgOptions): Cfg | CfgRefusal {
  const n = p.length;
  const insnAt = new Array<Insn | undefined>(n).fill(undefined);
  const mnemonicAt = new Array<Mnemonic | undefined>(n).fill(undefined);
  {
    let slot = 0;
    for (const i of insns) {
      insnAt[slot] = i;
      slot += i.code === 0x18 ? 2 : 1;
    }
  }

  // 1. Encodings, registers and call targets.
  const starts = new Set<number>([0]);
  for (let pc = 0; pc < n; pc++) {
    const insn = insnAt[pc];
    if (!insn) continue;
    const m = findMnemonic(insn);
    if (!m || (m.seedOnly && !opts.seed)) return new CfgRefusal('INVALID_OPCODE', pc, { code: `0x${insn.code.toString(16).padStart(2, '0')}` });
    mnemonicAt[pc] = m;
    if (m.form === 'ldabs' || m.form === 'ldind') return new CfgRefusal('UNSUPPORTED', pc, { what: 'legacy packet access (ld_abs/ld_ind)' });
    if (m.form === 'call-kfunc') return new CfgRefusal('UNSUPPORTED', pc, { what: 'kfunc call' });
    if (insn.dst > 10) return new CfgRefusal('INVALID_REGISTER', pc, { reg: insn.dst });
    if (insn.src > 10 && m.form !== 'lddw' && m.src === undefined) return new CfgRefusal('INVALID_REGISTER', pc, { reg: insn.src });
    const reserved = reservedFieldInUse(insn);
    if (reserved) return new CfgRefusal('RESERVED_FIELD', pc, { what: `${m.name} (${reserved})` });
    if (m.form === 'lddw') {
      if (insn.src > 6) return new CfgRefusal('INVALID_OPCODE', pc, { code: `0x18 (src ${insn.src})` });
      if (insn.src === 3) return new CfgRefusal('UNSUPPORTED', pc, { what: 'ldimm64 of a BTF id' });
      if (insn.src === 4) return new CfgRefusal('UNSUPPORTED', pc, { what: 'ldimm64 of a function address (callbacks)' });
    }
    if (m.form === 'call-local') {
      const t = pc + insn.imm + 1;
      if (t < 0 || t >= n) return new CfgRefusal('JUMP_OUT_OF_RANGE', pc, { from: pc, to: t });
      if (!insnAt[t]) return new CfgRefusal('JUMP_INTO_LDDW', pc, { from: pc, to: t - 1 });
      starts.add(t);
    }
  }

  // Successors of every instruction, computed once (calls fall through; exit has none).
  const succ: Array<readonly number[]> = new Array<readonly number[]>(n);
  for (let pc = 0; pc < n; pc++) {
    const insn = insnAt[pc];
    succ[pc] = insn ? successors(insn, mnemonicAt[pc]!, pc, insn.code === 0x18 ? 2 : 1) : NONE;
  }

  // 2. Functions.
  const sorted = [...starts].sort((a, b) => a - b);
  const funcs: CfgFunc[] = sorted.map((start, i) => ({ start, end: i + 1 < sorted.length ? sorted[i + 1]! : n }));
  const funcOf = new Int32Array(n);
  for (let f = 0; f < funcs.length; f++) funcOf.fill(f, funcs[f]!.start, funcs[f]!.end);

  // 3. Jump targets and fall-through.
  const pruneAt = new Uint8Array(n);
  for (let pc = 0; pc < n; pc++) {
    const insn = insnAt[pc];
    const m = mnemonicAt[pc];
    if (!insn || !m) continue;
    const width = insn.code === 0x18 ? 2 : 1;
    const f = funcs[funcOf[pc]!]!;
    const isJump = m.form === 'ja' || m.form === 'gotol' || m.form === 'jmp-reg' || m.form === 'jmp-imm';
    for (const t of succ[pc]!) {
      const fallThrough = t === pc + width && !(m.form === 'ja' || m.form === 'gotol');
      if (fallThrough) {
        if (t >= f.end) return new CfgRefusal(t >= n && opts.seed ? 'LAST_NOT_EXIT' : 'FALL_OFF_END', pc);
        continue;
      }
      if (t < 0 || t >= n) return new CfgRefusal('JUMP_OUT_OF_RANGE', pc, { from: pc, to: t });
      if (!insnAt[t]) return new CfgRefusal('JUMP_INTO_LDDW', pc, { from: pc, to: t - 1 });
      if (t < f.start || t >= f.end) return new CfgRefusal('JUMP_OUT_OF_FUNC', pc, { from: pc, to: t });
      if (isJump) pruneAt[t] = 1;
    }
  }
  if (opts.seed) {
    let last = n - 1;
    if (!insnAt[last] && last > 0) last--;
    if (mnemonicAt[last]?.form !== 'exit') return new CfgRefusal('LAST_NOT_EXIT', last);
  }

  // 4. Reachability and back-edges (iterative DFS per function, the seed's algorithm).
  const state = new Uint8Array(n); // 0 new, 1 on the DFS stack, 2 done
  for (const f of funcs) {
    const stack: Array<[pc: number, next: number]> = [[f.start, 0]];
    state[f.start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [pc, k] = top;
      const next = succ[pc]!;
      if (k < next.length) {
        top[1] = k + 1;
        const t = next[k]!;
        if (state[t] === 0) {
          state[t] = 1;
          stack.push([t, 0]);
        } else if (state[t] === 1 && opts.dag) {
          return new CfgRefusal('BACK_EDGE', pc, { from: pc, to: t });
        }
        continue;
      }
      state[pc] = 2;
      stack.pop();
    }
  }
  for (let pc = 0; pc < n; pc++) {
    if (insnAt[pc] && state[pc] !== 2) return new CfgRefusal('UNREACHABLE', pc, { insn: pc });
  }

  // 5. Recursion through bpf-to-bpf calls (the call graph must be acyclic).
  const callees = funcs.map(() => [] as Array<[site: number, callee: number]>);
  for (let pc = 0; pc < n; pc++) {
    if (mnemonicAt[pc]?.form === 'call-local') callees[funcOf[pc]!]!.push([pc, funcOf[pc + insnAt[pc]!.imm + 1]!]);
  }
  const color = new Uint8Array(funcs.length);
  const visit = (fi: number): CfgRefusal | undefined => {
    color[fi] = 1;
    for (const [site, callee] of callees[fi]!) {
      if (color[callee] === 1) return new CfgRefusal('RECURSIVE_CALL', site, { from: site, to: funcs[callee]!.start });
      if (color[callee] === 0) {
        const r = visit(callee);
        if (r) return r;
      }
    }
    color[fi] = 2;
    return undefined;
  };
  const rec = visit(0);
  if (rec) return rec;

  // 6. Liveness of r0..r9 (backward fixpoint per function).
  const liveIn = new Uint16Array(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      const insn = insnAt[pc];
      const m = mnemonicAt[pc];
      if (!insn || !m) continue;
      let out = 0;
      for (const t of succ[pc]!) if (t < n) out |= liveIn[t]!;
      const [use, def] = useDef(insn, m);
      const live = (use | (out & ~def)) & 0x3ff;
      if (live !== liveIn[pc]) {
        liveIn[pc] = live;
        changed = true;
      }
    }
  }

  return { length: n, insnAt, mnemonicAt, funcs, funcOf, pruneAt, liveIn };
}

/** The slot a jump at `pc` goes to when taken. */
export function jumpTarget(insn: Insn, pc: number): number {
  return insn.code === (Class.JMP32 | JmpOp.JA) ? pc + insn.imm + 1 : pc + insn.off + 1;
}

/** The slot a local call at `pc` enters. */
export function callTarget(insn: Insn, pc: number): number {
  return insn.src === CallSrc.LOCAL ? pc + insn.imm + 1 : -1;
}
