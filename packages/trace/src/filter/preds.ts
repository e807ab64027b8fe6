/**
 * The predicate walker (ftrace's `filter_match_preds`): a parsed filter flattened into an array
 * of predicates, each with a branch target for "true" and for "false", walked over a recorded
 * entry's values. The flattening (`branchProgram`) is shared with the BPF compiler, so both
 * paths evaluate predicates in the same order with the same short-circuits.
 */
import type { FieldValue } from '../events/fields.js';
import { matchGlob } from './glob.js';
import type { FilterNode, NumPred, StrPred } from './parse.js';

/** Branch target meaning "the filter matches". */
export const MATCH = -1;
/** Branch target meaning "the filter does not match". */
export const NO_MATCH = -2;

/** One flattened predicate: evaluate `pred`, then continue at `t` (true) or `f` (false). */
export interface BranchInsn {
  readonly pred: NumPred | StrPred;
  readonly t: number;
  readonly f: number;
}

/** Flattens a filter tree into predicates with branch targets (indices, MATCH or NO_MATCH). */
export function branchProgram(node: FilterNode): BranchInsn[] {
  const out: Array<{ pred: NumPred | StrPred; t: number; f: number }> = [];
  const labels: number[] = []; // label id → index
  const newLabel = () => labels.push(-3) - 1 + 1000; // label ids >= 1000, distinct from targets
  const gen = (n: FilterNode, t: number, f: number): void => {
    switch (n.kind) {
      case 'and': {
        const l = newLabel();
        gen(n.left, l, f);
        labels[l - 1000] = out.length;
        gen(n.right, t, f);
        return;
      }
      case 'or': {
        const l = newLabel();
        gen(n.left, t, l);
        labels[l - 1000] = out.length;
        gen(n.right, t, f);
        return;
      }
      case 'not':
        gen(n.expr, f, t);
        return;
      default:
        out.push({ pred: n, t, f });
    }
  };
  gen(node, MATCH, NO_MATCH);
  const resolve = (x: number) => (x >= 1000 ? labels[x - 1000]! : x);
  return out.map((b) => ({ pred: b.pred, t: resolve(b.t), f: resolve(b.f) }));
}

/** Evaluates one numeric predicate on a value (64-bit semantics, as the compiled BPF does). */
export function evalNum(p: NumPred, v: number | bigint): boolean {
  const c = p.value;
  if (p.op === '&') {
    if (typeof v === 'number' && v >= 0 && v <= 0x7fffffff && c.num >= 0 && c.num <= 0x7fffffff) return (v & c.num) !== 0;
    return (BigInt.asUintN(64, BigInt(v)) & BigInt.asUintN(64, c.big)) !== 0n;
  }
  if (typeof v === 'number' && c.num === c.num) {
    const k = c.num;
    switch (p.op) {
      case '==': return v === k;
      case '!=': return v !== k;
      case '<': return v < k;
      case '<=': return v <= k;
      case '>': return v > k;
      default: return v >= k;
    }
  }
  const b = typeof v === 'bigint' ? v : BigInt(v);
  switch (p.op) {
    case '==': return b === c.big;
    case '!=': return b !== c.big;
    case '<': return b < c.big;
    case '<=': return b <= c.big;
    case '>': return b > c.big;
    default: return b >= c.big;
  }
}

/** Evaluates one string predicate on a byte string. */
export function evalStr(p: StrPred, s: string): boolean {
  const hit = p.glob ? matchGlob(p.glob, s) : s === p.value;
  return p.op === '!=' ? !hit : hit;
}

/** A filter ready to walk entries. */
export class PredicateFilter {
  /** The flattened predicates. */
  readonly insns: readonly BranchInsn[];

  constructor(readonly source: string, readonly tree: FilterNode) {
    this.insns = branchProgram(tree);
  }

  /** True when the entry's values match (walks predicates, no recursion, no allocation). */
  match(values: readonly FieldValue[]): boolean {
    const prog = this.insns;
    let i = 0;
    while (i >= 0) {
      const b = prog[i]!;
      const p = b.pred;
      const v = values[p.field.index]!;
      const hit = p.kind === 'num' ? evalNum(p, v as number | bigint) : evalStr(p, v as string);
      i = hit ? b.t : b.f;
    }
    return i === MATCH;
  }
}
