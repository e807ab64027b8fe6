/**
 * Control flow of one BPF function, structured for wasm: basic blocks, their order and
 * dominators, then nested blocks and loops (or the dispatch loop when the flow is irreducible).
 */
import type { LoweredProgram } from '@ebpf/core';
import { buildBlocks, type BlockGraph } from './blocks.js';
import { dispatchLoop } from './dispatch.js';
import { orderBlocks } from './order.js';
import { structure } from './structure.js';
import type { StructuredFunc } from './struct-op.js';

export type { BasicBlock, BlockGraph, Terminator } from './blocks.js';
export type { StructOp, StructuredFunc } from './struct-op.js';
export { buildBlocks } from './blocks.js';
export { orderBlocks, type BlockOrder } from './order.js';
export { structure } from './structure.js';
export { dispatchLoop } from './dispatch.js';

/** Options for {@link structureFunction}. */
export interface StructureOptions {
  /** Use the dispatch loop even for reducible flow (tests compare both forms). */
  readonly forceDispatch?: boolean;
}

/**
 * Blocks and structured form of the function at slots `[start, end)`.
 * @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) when a jump leaves the function or control runs off
 * its end.
 */
export function structureFunction(p: LoweredProgram, start: number, end: number, options: StructureOptions = {}): { graph: BlockGraph; structured: StructuredFunc } {
  const graph = buildBlocks(p, start, end);
  const order = orderBlocks(graph);
  const structured = order.reducible && !options.forceDispatch ? structure(graph, order) : dispatchLoop(graph, order);
  return { graph, structured };
}
