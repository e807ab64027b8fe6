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
const T_END = 3;
const T_ELSE = 4;
/** No task: ends a chain of tasks run without the stack. */
const NONE = -1;

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
  const { rpo, rpoIndex, idom, loopHeader, merge } = order;

  // Merge children of every block in the dominator tree (compressed rows: children of b are
  // kids[first[b] .. first[b+1])), highest RPO first: the first one gets the outermost block.
  const first = new Int32Array(n + 1);
  for (let k = 0; k < rpo.length; k++) {
    const b = rpo[k]!;
    if (b !== 0 && merge[b]) first[idom[b]! + 1]!++;
  }
  for (let b = 0; b < n; b++) first[b + 1]! += first[b]!;
  const kids = new Int32Array(first[n]!);
  const fill = first.slice(0, n);
  for (let k = rpo.length - 1; k >= 0; k--) {
    const b = rpo[k]!;
    if (b !== 0 && merge[b]) kids[fill[idom[b]!]!++] = b;
  }

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

  // The work stack: four small integers per task (kind, block x / src, merge-child index i or
  // dst, label depth d) in one growable Int32Array, no object or call per task (a first
  // compile runs in the interpreter).
  let ws = new Int32Array(64);
  let sp = 0;
  const push = (kind: number, x: number, i: number, d: number): void => {
    if (sp + 4 > ws.length) {
      const next = new Int32Array(ws.length * 2);
      next.set(ws);
      ws = next;
    }
    ws[sp] = kind;
    ws[sp + 1] = x;
    ws[sp + 2] = i;
    ws[sp + 3] = d;
    sp += 4;
  };
  push(T_TREE, 0, 0, 0);
  while (sp > 0) {
    sp -= 4;
    let kind = ws[sp]!;
    let x = ws[sp + 1]!;
    let i = ws[sp + 2]!;
    let d = ws[sp + 3]!;
    // A task that ends by scheduling one more task runs that one here at once instead of
    // pushing it (it would be popped next anyway); kind NONE ends the chain.
    while (kind !== NONE) {
      switch (kind) {
        case T_END: {
          // `br 0` right before the `end` of a block or if: falling through does the same.
          // (Before a loop's `end`, x = 1, it would mean "continue", so it stays.)
          const prev = ops[ops.length - 1];
          if (x !== 1 && prev !== undefined && prev.k === 'br' && prev.depth === 0) ops.pop();
          ops.push(END);
          kind = NONE;
          break;
        }
        case T_ELSE:
          ops.push(ELSE);
          kind = NONE;
          break;
        case T_TREE:
          if (loopHeader[x]) {
            ops.push(LOOP);
            loopFrame[x] = d + 1;
            if (d + 1 > maxDepth) maxDepth = d + 1;
            push(T_END, 1, 0, 0); // x = 1: closes a loop
            d++;
          }
          // then within(x, 0, d)
          kind = T_WITHIN;
          i = 0;
          break;
        case T_WITHIN: {
          if (first[x]! + i < first[x + 1]!) {
            const y = kids[first[x]! + i]!;
            ops.push(BLOCK);
            blockFrame[y] = d + 1;
            if (d + 1 > maxDepth) maxDepth = d + 1;
            // block { within(x, i+1) } end; tree(y)
            push(T_TREE, y, 0, d);
            push(T_END, 0, 0, 0);
            i++;
            d++;
            break;
          }
          ops.push({ k: 'code', block: x });
          const blk = g.blocks[x]!;
          kind = NONE;
          if (blk.term === 'exit') {
            ops.push(RETURN);
          } else if (blk.term === 'goto' || blk.term === 'fall') {
            const dst = blk.succ[0]!;
            if (isBr(x, dst)) ops.push({ k: 'br', depth: labelOf(x, dst, d) });
            else {
              kind = T_TREE; // tree(dst)
              x = dst;
            }
          } else {
            const t = blk.succ[0]!;
            const f = blk.succ[1]!;
            const tBr = isBr(x, t);
            const fBr = isBr(x, f);
            if (tBr) {
              ops.push({ k: 'br_if', block: x, negate: false, depth: labelOf(x, t, d) });
              if (fBr) ops.push({ k: 'br', depth: labelOf(x, f, d) });
              else {
                kind = T_TREE; // tree(f)
                x = f;
              }
            } else if (fBr) {
              ops.push({ k: 'br_if', block: x, negate: true, depth: labelOf(x, f, d) });
              kind = T_TREE; // tree(t)
              x = t;
            } else {
              ops.push({ k: 'if', block: x, negate: false });
              if (d + 1 > maxDepth) maxDepth = d + 1;
              // if { tree(t) } else { tree(f) } end
              push(T_END, 0, 0, 0);
              push(T_TREE, f, 0, d + 1);
              push(T_ELSE, 0, 0, 0);
              kind = T_TREE;
              x = t;
              d++;
            }
          }
          break;
        }
      }
    }
  }
  return { ops, dispatch: false, maxDepth };
}

