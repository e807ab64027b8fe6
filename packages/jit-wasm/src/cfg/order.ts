/**
 * Orders a block graph for structuring: reverse postorder of the reachable blocks, immediate
 * dominators (Cooper, Harvey and Kennedy's iterative algorithm), loop headers, merge blocks,
 * and whether the graph is reducible. Turning that into nested wasm constructs is
 * `structure.ts`'s job; irreducible graphs go to `dispatch.ts`.
 */
import { EbpfError } from '@ebpf/core';
import type { BlockGraph } from './blocks.js';

/** Ordering facts about the reachable part of a block graph. */
export interface BlockOrder {
  /** Reachable blocks in reverse postorder (entry first). */
  readonly rpo: readonly number[];
  /** Position of each block in {@link rpo}, or -1 when unreachable. */
  readonly rpoIndex: Int32Array;
  /** Immediate dominator of each reachable block (entry: itself), -1 when unreachable. */
  readonly idom: Int32Array;
  /** Blocks that are the target of a back edge (an edge to a block not later in RPO). */
  readonly loopHeader: Uint8Array;
  /** Blocks with two or more forward in-edges (they get a wasm `block` ending just before them). */
  readonly merge: Uint8Array;
  /** Every back edge's target dominates its source: structured code is possible. */
  readonly reducible: boolean;
}

/**
 * Computes the order of the reachable blocks of `g`.
 * @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) when a reachable block runs off the function's end.
 */
export function orderBlocks(g: BlockGraph): BlockOrder {
  const n = g.blocks.length;
  const post: number[] = [];
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  // Iterative DFS: stack of [block, next successor index] in typed arrays (each block is on
  // it at most once), so no call per step while a first compile runs in the interpreter.
  const stackB = new Int32Array(n);
  const stackI = new Int32Array(n);
  let top = 0;
  state[0] = 1;
  while (top >= 0) {
    const b = stackB[top]!;
    const succ = g.blocks[b]!.succ;
    const i = stackI[top]!;
    if (i < succ.length) {
      stackI[top] = i + 1;
      const s = succ[i]!;
      if (s < 0) {
        const blk = g.blocks[b]!;
        throw new EbpfError('RUNTIME', `jit-wasm: insn ${blk.last}: control runs off the end of the function`);
      }
      if (state[s] === 0) {
        state[s] = 1;
        top++;
        stackB[top] = s;
        stackI[top] = 0;
      }
    } else {
      state[b] = 2;
      post.push(b);
      top--;
    }
  }
  const rpo = post.reverse();
  const rpoIndex = new Int32Array(n).fill(-1);
  for (let i = 0; i < rpo.length; i++) rpoIndex[rpo[i]!] = i;

  // Cooper-Harvey-Kennedy: iterate idom to a fixed point in RPO.
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (rpoIndex[a]! > rpoIndex[b]!) a = idom[a]!;
      while (rpoIndex[b]! > rpoIndex[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 1; k < rpo.length; k++) {
      const b = rpo[k]!;
      let nd = -1;
      const preds = g.preds[b]!;
      for (let j = 0; j < preds.length; j++) {
        const p = preds[j]!;
        if (idom[p] === -1) continue; // unreachable or not yet processed
        nd = nd === -1 ? p : intersect(p, nd);
      }
      if (nd !== idom[b]) {
        idom[b] = nd;
        changed = true;
      }
    }
  }

  const loopHeader = new Uint8Array(n);
  const merge = new Uint8Array(n);
  let reducible = true;
  for (let k = 0; k < rpo.length; k++) {
    const b = rpo[k]!;
    let forward = 0;
    const preds = g.preds[b]!;
    for (let j = 0; j < preds.length; j++) {
      const p = preds[j]!;
      if (rpoIndex[p]! < 0) continue;
      if (rpoIndex[p]! < rpoIndex[b]!) forward++;
      else {
        loopHeader[b] = 1;
        if (!dominates(idom, rpoIndex, b, p)) reducible = false;
      }
    }
    if (forward >= 2) merge[b] = 1;
  }
  return { rpo, rpoIndex, idom, loopHeader, merge, reducible };
}

/** True when `a` dominates `b` (walking b's dominator chain). */
function dominates(idom: Int32Array, rpoIndex: Int32Array, a: number, b: number): boolean {
  while (rpoIndex[b]! > rpoIndex[a]!) b = idom[b]!;
  return a === b;
}
