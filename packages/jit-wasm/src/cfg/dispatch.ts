/**
 * The fallback for irreducible control flow: a dispatch loop. Every reachable block gets an id
 * (its reverse-postorder position); a `loop` holds one `block` per id and a `br_table` on the
 * id local, each block's code sits after its `block`'s end, and every transfer sets the id and
 * branches back to the loop. Slower than `structure.ts`, but it accepts any graph.
 */
import type { BlockGraph } from './blocks.js';
import type { BlockOrder } from './order.js';
import type { StructOp, StructuredFunc } from './struct-op.js';

/** Structures any graph as a dispatch loop. Block ids in `set_pc` ops are RPO positions. */
export function dispatchLoop(g: BlockGraph, order: BlockOrder): StructuredFunc {
  const { rpo, rpoIndex } = order;
  const m = rpo.length;
  const ops: StructOp[] = [{ k: 'loop' }];
  for (let i = 0; i < m; i++) ops.push({ k: 'block' });
  ops.push({ k: 'dispatch', count: m });
  for (let i = 0; i < m; i++) {
    ops.push({ k: 'end' });
    const x = rpo[i]!;
    const blk = g.blocks[x]!;
    const toLoop = m - 1 - i; // blocks i+1..m-1 are still open inside the loop
    ops.push({ k: 'code', block: x });
    if (blk.term === 'exit') {
      ops.push({ k: 'return' });
    } else if (blk.term === 'cond') {
      ops.push({ k: 'set_pc_cond', block: x, taken: rpoIndex[blk.succ[0]!]!, fall: rpoIndex[blk.succ[1]!]! });
      ops.push({ k: 'br', depth: toLoop });
    } else {
      ops.push({ k: 'set_pc', target: rpoIndex[blk.succ[0]!]! });
      ops.push({ k: 'br', depth: toLoop });
    }
  }
  ops.push({ k: 'end' });
  return { ops, dispatch: true, maxDepth: m + 1 };
}
