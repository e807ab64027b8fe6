/**
 * Compiles an ftrace filter string to plain BPF (the seed thread's proposal): loads, compares,
 * jumps; fields fetched once from the arguments (pointer walks like `skb->dev->name` through
 * `bpf_load_pointer`, the value through `bpf_probe_read_kernel`) or read from the recorded entry
 * in the context; string compares as
 * word compares on the stack, globs as an unrolled state-set (NFA) match. Returns r0 = 1 to keep
 * the event, 0 to drop it. Checking and running the result are the checker's and engines' job.
 */
import { EbpfError, ParseError, type ProgramSpec } from '@ebpf/core';
import { ENTRY_OFFSET } from '../context.js';
import type { EntryLayout, EventField } from '../events/fields.js';
import { COMMON_PID } from '../events/fields.js';
import { HelperId } from '../helper-ids.js';
import { Emitter, type Cond } from './emit.js';
import type { GlobElem } from './glob.js';
import { filterFields, parseFilter, type FilterNode, type NumPred, type StrPred } from './parse.js';
import { branchProgram, MATCH, NO_MATCH } from './preds.js';

/** What the compiler needs to know about the event. */
export interface CompileTarget {
  /** The event's entry layout (fields, with their fetch paths). */
  readonly layout: EntryLayout;
  /** Context offsets of the arguments (see `argOffsets`). */
  readonly argOffsets: readonly number[];
  /** The event's id (`common_type`). */
  readonly eventId: number;
  /** Program name. */
  readonly name?: string;
}

/** A compiled filter. */
export interface CompiledFilter {
  /** The program (RFC dialect, license GPL). */
  readonly spec: ProgramSpec;
  /** True when it reads the recorded entry from the context (some field has no fetch path). */
  readonly needsEntry: boolean;
  /** The parsed filter. */
  readonly tree: FilterNode;
}

/** Maximum glob elements a compiled glob may have (state bits fit a 32-bit immediate). */
export const MAX_COMPILED_GLOB = 30;

const R0 = 0, R1 = 1, R2 = 2, R3 = 3, R6 = 6, R7 = 7, R8 = 8, FP = 10;

/** Where a fetched field lives: a stack slot (integers, 8 bytes) or buffer (strings), or a constant. */
type Home = { kind: 'stack'; off: number } | { kind: 'const'; value: bigint };

/**
 * Compiles `src` for an event.
 * @throws {@link @ebpf/core!ParseError} for a bad filter (with the column); {@link @ebpf/core!EbpfError} (`USAGE`)
 * when the filter is too large to compile (stack, glob length).
 */
export function compileFilter(src: string, target: CompileTarget): CompiledFilter {
  const tree = parseFilter(src, target.layout);
  return compileTree(tree, target);
}

/** Compiles an already parsed filter (see {@link compileFilter}). */
export function compileTree(tree: FilterNode, target: CompileTarget): CompiledFilter {
  const e = new Emitter();
  const homes = new Map<EventField, Home>();
  let needsEntry = false;
  let stack = 8; // fp-8: scratch for pointer hops
  e.aluReg('mov', R6, R1);

  const need = stringBytesNeeded(tree);
  for (const f of filterFields(tree)) {
    if (f.common && f.index !== COMMON_PID) {
      homes.set(f, { kind: 'const', value: f.index === 0 ? BigInt(target.eventId) : 0n });
      continue;
    }
    const size = f.type.kind === 'chars' ? Math.ceil(f.type.size / 8) * 8 : 8;
    stack += size;
    if (stack > 512) throw new EbpfError('USAGE', `filter: fields need ${stack} bytes of stack, more than BPF's 512`);
    const off = -stack;
    homes.set(f, { kind: 'stack', off });
    if (f.common) {
      // common_pid: the low 32 bits of bpf_get_current_pid_tgid(), as an int.
      e.call(HelperId.get_current_pid_tgid);
      castReg(e, R0, 4, true);
      e.stx(8, FP, off, R0);
    } else if (f.path) fetchPath(e, f, off, target.argOffsets, need.get(f) ?? f.type.size);
    else {
      needsEntry = true;
      fetchEntry(e, f, off);
    }
  }

  const prog = branchProgram(tree);
  const labels = prog.map(() => e.label());
  const yes = e.label();
  const no = e.label();
  const to = (t: number) => (t === MATCH ? yes : t === NO_MATCH ? no : labels[t]!);
  prog.forEach((b, i) => {
    e.bind(labels[i]!);
    const home = homes.get(b.pred.field)!;
    if (b.pred.kind === 'num') numPred(e, b.pred, home, to(b.t), to(b.f));
    else strPred(e, b.pred, home, to(b.t), to(b.f));
  });
  e.bind(yes);
  e.alu('mov', R0, 1);
  e.exit();
  e.bind(no);
  e.alu('mov', R0, 0);
  e.exit();
  const insns = e.finish();
  return {
    spec: { name: target.name ?? 'filter', dialect: 'rfc', insns, maps: [], license: 'GPL' },
    needsEntry,
    tree,
  };
}

/** Truncates or sign-extends register `r` to a C integer of `size` bytes. */
function castReg(e: Emitter, r: number, size: number, signed: boolean): void {
  if (size >= 8) return;
  if (signed) {
    e.alu('lsh', r, 64 - size * 8);
    e.alu('arsh', r, 64 - size * 8);
  } else if (size === 4) e.mov32(r, r);
  else e.alu('and', r, size === 2 ? 0xffff : 0xff);
}

/** `bpf_probe_read_kernel(fp+dst, size, src + add)`, with `src` a register other than r1/r2. */
function probeRead(e: Emitter, dst: number, size: number, src: number, add: number, helper: number): void {
  if (src !== R3) e.aluReg('mov', R3, src);
  if (add !== 0) e.alu('add', R3, add);
  e.aluReg('mov', R1, FP);
  e.alu('add', R1, dst);
  e.alu('mov', R2, size);
  e.call(helper);
}

/** Emits the fetch of a path-sourced field into its stack home. */
function fetchPath(e: Emitter, f: EventField, off: number, argOffsets: readonly number[], bytes: number): void {
  const p = f.path!;
  const ctxOff = argOffsets[p.arg];
  if (ctxOff === undefined) throw new EbpfError('USAGE', `filter: field ${f.name} reads argument ${p.arg}, which is not passed in a register`);
  e.ldx(8, R3, R6, ctxOff);
  const fin = p.final;
  if (fin.kind === 'value') {
    castReg(e, R3, f.type.size, f.type.signed);
    e.stx(8, FP, off, R3);
    return;
  }
  for (const h of p.hops) {
    // r3 = bpf_load_pointer(r3 + h): one argument, no copy (0 for a bad address).
    e.aluReg('mov', R1, R3);
    if (h !== 0) e.alu('add', R1, h);
    e.call(HelperId.load_pointer);
    e.aluReg('mov', R3, R0);
  }
  if (fin.kind === 'str') {
    probeRead(e, off, fin.size, R3, 0, HelperId.probe_read_kernel_str);
    return;
  }
  if (fin.kind === 'array') {
    // Only the bytes the compares look at (equality needs the pattern and its NUL).
    probeRead(e, off, Math.min(fin.size, bytes), R3, fin.offset, HelperId.probe_read_kernel);
    return;
  }
  probeRead(e, off, fin.size, R3, fin.offset, HelperId.probe_read_kernel);
  e.ldx(fin.size, R0, FP, off);
  castReg(e, R0, fin.size, fin.signed);
  castReg(e, R0, f.type.size, f.type.signed);
  e.stx(8, FP, off, R0);
}

/**
 * Bytes of each string field the predicates read: a glob reads the whole field, an equality
 * the pattern and its NUL; rounded up to 8 (a word copy), at most the field's size.
 */
function stringBytesNeeded(tree: FilterNode): Map<EventField, number> {
  const out = new Map<EventField, number>();
  const walk = (n: FilterNode): void => {
    if (n.kind === 'and' || n.kind === 'or') {
      walk(n.left);
      walk(n.right);
    } else if (n.kind === 'not') walk(n.expr);
    else if (n.kind === 'str') {
      const size = n.field.type.size;
      const want = n.glob ? size : Math.min(size, Math.ceil((n.value.length + 1) / 8) * 8);
      out.set(n.field, Math.max(out.get(n.field) ?? 0, want));
    }
  };
  walk(tree);
  return out;
}

/** Word sizes covering `n` bytes from a field's start (naturally placed relative to it). */
function chunks(n: number): Array<{ at: number; size: 1 | 2 | 4 | 8 }> {
  const out: Array<{ at: number; size: 1 | 2 | 4 | 8 }> = [];
  let at = 0;
  for (const size of [8, 4, 2, 1] as const) {
    while (n - at >= size) {
      out.push({ at, size });
      at += size;
    }
  }
  return out;
}

/** Emits the copy of an entry field from the context into its stack home. */
function fetchEntry(e: Emitter, f: EventField, off: number): void {
  const base = ENTRY_OFFSET + f.offset;
  if (f.type.kind === 'chars') {
    for (const c of chunks(f.type.size)) {
      e.ldx(c.size, R0, R6, base + c.at);
      e.stx(c.size, FP, off + c.at, R0);
    }
    return;
  }
  e.ldx(f.type.size, R0, R6, base);
  castReg(e, R0, f.type.size, f.type.signed);
  e.stx(8, FP, off, R0);
}

const SIGNED: Record<string, Cond> = { '==': 'jeq', '!=': 'jne', '<': 'jslt', '<=': 'jsle', '>': 'jsgt', '>=': 'jsge', '&': 'jset' };
const UNSIGNED: Record<string, Cond> = { '==': 'jeq', '!=': 'jne', '<': 'jlt', '<=': 'jle', '>': 'jgt', '>=': 'jge', '&': 'jset' };

/** Emits `if (r cond value) goto t; goto f`, with the constant as imm when it sign-extends to itself. */
function compareConst(e: Emitter, cond: Cond, r: number, value: bigint, t: number, f: number): void {
  const v = BigInt.asIntN(64, value);
  if (v >= -(1n << 31n) && v < 1n << 31n) e.jmpImm(cond, r, Number(v), t);
  else {
    e.lddw(R1, value);
    e.jmpReg(cond, r, R1, t);
  }
  e.ja(f);
}

function numPred(e: Emitter, p: NumPred, home: Home, t: number, f: number): void {
  if (home.kind === 'const') e.lddw(R0, home.value);
  else e.ldx(8, R0, FP, home.off);
  const cond = (p.field.type.signed ? SIGNED : UNSIGNED)[p.op]!;
  compareConst(e, cond, R0, p.value.big, t, f);
}

function strPred(e: Emitter, p: StrPred, home: Home, t: number, f: number): void {
  if (home.kind !== 'stack') throw new EbpfError('USAGE', `filter: ${p.field.name} is not a string field`);
  const [yes, no] = p.op === '!=' ? [f, t] : [t, f];
  const n = p.field.type.size;
  if (p.glob) return globMatch(e, p.glob, n, home.off, yes, no, p.column);
  const pat = p.value;
  if (pat.length > n) {
    e.ja(no);
    return;
  }
  const k = Math.min(pat.length + 1, n);
  for (const c of chunks(k)) {
    let v = 0n;
    for (let i = c.size - 1; i >= 0; i--) v = (v << 8n) | BigInt(c.at + i < pat.length ? pat.charCodeAt(c.at + i) & 0xff : 0);
    e.ldx(c.size, R0, FP, home.off + c.at);
    const skip = e.label();
    compareConst(e, 'jeq', R0, v, skip, no);
    e.bind(skip);
  }
  e.ja(yes);
}

/**
 * Unrolled glob match over a stack string of `n` bytes: state set S (bit j = the first j
 * elements matched) in r7, next set in r8, the byte in r0.
 */
function globMatch(e: Emitter, glob: readonly GlobElem[], n: number, off: number, yes: number, no: number, column: number): void {
  const m = glob.length;
  if (m > MAX_COMPILED_GLOB) throw new ParseError(`glob has ${m} elements; compiled filters take at most ${MAX_COMPILED_GLOB}`, 1, column);
  let starMask = 0;
  glob.forEach((g, j) => {
    if (g.kind === 'star') starMask |= 1 << j;
  });
  let s0 = 1;
  glob.forEach((g, j) => {
    if (g.kind === 'star' && s0 & (1 << j)) s0 |= 1 << (j + 1);
  });
  const done = e.label();
  e.alu('mov', R7, s0);
  for (let i = 0; i < n; i++) {
    e.ldx(1, R0, FP, off + i);
    e.jmpImm('jeq', R0, 0, done);
    e.aluReg('mov', R8, R7);
    e.alu('and', R8, starMask);
    glob.forEach((g, j) => {
      if (g.kind === 'star') return;
      const skip = e.label();
      const set = e.label();
      const active = e.label();
      e.jmpImm('jset', R7, 1 << j, active);
      e.ja(skip);
      e.bind(active);
      if (g.kind === 'lit') e.jmpImm('jne', R0, g.c, skip);
      else if (g.kind === 'class') {
        const hit = e.label();
        for (const [lo, hi] of g.ranges) {
          if (lo === hi) e.jmpImm('jeq', R0, lo, hit);
          else {
            const nextRange = e.label();
            e.jmpImm('jlt', R0, lo, nextRange);
            e.jmpImm('jle', R0, hi, hit);
            e.bind(nextRange);
          }
        }
        // no range matched
        e.ja(g.negate ? set : skip);
        e.bind(hit);
        if (g.negate) e.ja(skip);
      }
      e.bind(set);
      e.alu('or', R8, 1 << (j + 1));
      e.bind(skip);
    });
    glob.forEach((g, j) => {
      if (g.kind !== 'star') return;
      e.aluReg('mov', R1, R8);
      e.alu('and', R1, 1 << j);
      e.alu('lsh', R1, 1);
      e.aluReg('or', R8, R1);
    });
    e.aluReg('mov', R7, R8);
    e.jmpImm('jeq', R7, 0, done);
  }
  e.bind(done);
  e.jmpImm('jset', R7, 2 ** m, yes);
  e.ja(no);
}
