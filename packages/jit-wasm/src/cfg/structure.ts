/**
 * Structured control flow from a reducible block graph, after Norman Ramsey's "Beyond Relooper"
 * (ICFP 2022): walk the dominator tree; a block with two or more forward in-edges (a merge
 * block) is placed after a wasm `block` opened in its immediate dominator, a loop header wraps
 * its dominator subtree in `loop`, and every other block is emitted inline where its only
 * predecessor branches to it. Each block is emitted once. An explicit work stack replaces
 * recursion, so deep programs cannot overflow the JS stack. Irreducible graphs: `dispatch.ts`.
 */
import type { BlockGraph } from './blocks.js';
import type { BlockOrder } from './order.js';
import type { StructOp, StructuredFunc } from './struct-op.js';

const T_TREE = 0;
const T_WITHIN = 1;
const T_BRANCH = 2;
const T_OP = 3;

type Task =
  | { t: typeof T_TREE; x: number; d: number }
  | { t: typeof T_WITHIN; x: number; i: number; d: number }
  | { t: typeof T_BRANCH; src: number; dst: number; d: number }
  | { t: typeof T_OP; op: StructOp };

const END: StructOp = Object.freeze({ k: 'end' });
const ELSE: StructOp = Object.freeze({ k: 'else' });
const BLOCK: StructOp = Object.freeze({ k: 'block' });
const LOOP: StructOp = Object.freeze({ k: 'loop' });
const RETURN: StructOp = Object.freeze({ k: 'return' });

/**
 * Structures a reducible graph (`order.reducible` must be true).
 * @throws {Error} when called on an irreducible graph.
 */
export function structure(g: BlockGraph, order: BlockOrder): StructuredFunc {
  if (!order.reducible) throw new Error('structure: irreducible control flow (use the dispatch loop)');
  const n = g.blocks.length;
  const { rpoIndex, idom, loopHeader, merge } = order;

  // Merge children of every block in the dominator tree, highest RPO first (outermost block).
  const mergeChildren: number[][] = Array.from({ length: n }, () => []);
  for (const b of order.rpo) {
    if (b !== 0 && merge[b]) mergeChildren[idom[b]!]!.push(b);
  }
  for (const list of mergeChildren) if (list.length > 1) list.sort((a, b) => rpoIndex[b]! - rpoIndex[a]!);

  // Label depth at which each block's `block` frame (merge) or `loop` frame (header) sits.
  const blockFrame = new Int32Array(n).fill(-1);
  const loopFrame = new Int32Array(n).fill(-1);

  const ops: StructOp[] = [];
  let maxDepth = 0;
  const isBr = (src: number, dst: number): boolean => rpoIndex[dst]! <= rpoIndex[src]! || merge[dst] === 1;
  const labelOf = (src: number, dst: number, d: number): number => {
    const f = rpoIndex[dst]! <= rpoIndex[src]! ? loopFrame[dst]! : blockFrame[dst]!;
    if (f < 1 || f > d) throw new Error(`structure: branch ${src} -> ${dst} has no enclosing label`);
    return d - f;
  };

  const work: Task[] = [{ t: T_TREE, x: 0, d: 0 }];
  while (work.length > 0) {
    const task = work.pop()!;
    switch (task.t) {
      case T_OP:
        ops.push(task.op);
        break;
      case T_TREE: {
        const { x, d } = task;
        if (loopHeader[x]) {
          ops.push(LOOP);
          loopFrame[x] = d + 1;
          if (d + 1 > maxDepth) maxDepth = d + 1;
          work.push({ t: T_OP, op: END }, { t: T_WITHIN, x, i: 0, d: d + 1 });
        } else {
          work.push({ t: T_WITHIN, x, i: 0, d });
        }
        break;
      }
      case T_WITHIN: {
        const { x, i, d } = task;
        const ys = mergeChildren[x]!;
        if (i < ys.length) {
          const y = ys[i]!;
          ops.push(BLOCK);
          blockFrame[y] = d + 1;
          if (d + 1 > maxDepth) maxDepth = d + 1;
          // block { within(x, i+1) } end; tree(y)
          work.push({ t: T_TREE, x: y, d }, { t: T_OP, op: END }, { t: T_WITHIN, x, i: i + 1, d: d + 1 });
          break;
        }
        ops.push({ k: 'code', block: x });
        const blk = g.blocks[x]!;
        if (blk.term === 'exit') {
          ops.push(RETURN);
        } else if (blk.term === 'goto' || blk.term === 'fall') {
          work.push({ t: T_BRANCH, src: x, dst: blk.succ[0]!, d });
        } else {
          const t = blk.succ[0]!;
          const f = blk.succ[1]!;
          const tBr = isBr(x, t);
          const fBr = isBr(x, f);
          if (tBr) {
            ops.push({ k: 'br_if', block: x, negate: false, depth: labelOf(x, t, d) });
            if (fBr) ops.push({ k: 'br', depth: labelOf(x, f, d) });
            else work.push({ t: T_TREE, x: f, d });
          } else if (fBr) {
            ops.push({ k: 'br_if', block: x, negate: true, depth: labelOf(x, f, d) });
            work.push({ t: T_TREE, x: t, d });
          } else {
            ops.push({ k: 'if', block: x, negate: false });
            if (d + 1 > maxDepth) maxDepth = d + 1;
            work.push(
              { t: T_OP, op: END },
              { t: T_TREE, x: f, d: d + 1 },
              { t: T_OP, op: ELSE },
              { t: T_TREE, x: t, d: d + 1 },
            );
          }
        }
        break;
      }
      case T_BRANCH: {
        const { src, dst, d } = task;
        if (isBr(src, dst)) ops.push({ k: 'br', depth: labelOf(src, dst, d) });
        else work.push({ t: T_TREE, x: dst, d });
        break;
      }
    }
  }
  return { ops: dropFallthroughBranches(ops), dispatch: false, maxDepth };
}

/**
 * Removes `br 0` right before the `end` of a `block` or `if`: falling through does the same.
 * (Before a loop's `end` it would mean "continue", so it stays.)
 */
function dropFallthroughBranches(ops: StructOp[]): StructOp[] {
  const out: StructOp[] = [];
  const open: StructOp['k'][] = [];
  for (const op of ops) {
    if (op.k === 'block' || op.k === 'loop' || op.k === 'if') open.push(op.k);
    else if (op.k === 'end') {
      const closes = open.pop();
      const prev = out[out.length - 1];
      if (closes !== 'loop' && prev !== undefined && prev.k === 'br' && prev.depth === 0) out.pop();
    }
    out.push(op);
  }
  return out;
}
