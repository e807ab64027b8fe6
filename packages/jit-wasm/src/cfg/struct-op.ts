/**
 * The structured form of one BPF function: a flat list of wasm control constructs and
 * references to basic blocks, produced by `structure.ts` (nested blocks and loops) or
 * `dispatch.ts` (a dispatch loop for irreducible flow) and turned into bytes by the code
 * generator, which alone knows what the blocks' instructions and conditions become.
 */

/** One element of a structured function. Depths are wasm label indices (0 = innermost). */
export type StructOp =
  /** Open a `block` (a forward branch target at its `end`). */
  | { readonly k: 'block' }
  /** Open a `loop` (a backward branch target at its start). */
  | { readonly k: 'loop' }
  /** Push the condition of `block`'s terminating jump (negated if asked) and open an `if`. */
  | { readonly k: 'if'; readonly block: number; readonly negate: boolean }
  | { readonly k: 'else' }
  | { readonly k: 'end' }
  /** The instructions of basic block `block`, without its terminating jump or exit. */
  | { readonly k: 'code'; readonly block: number }
  /** Unconditional branch to label `depth`. */
  | { readonly k: 'br'; readonly depth: number }
  /** Branch to label `depth` when `block`'s terminating condition holds (or fails, if negated). */
  | { readonly k: 'br_if'; readonly block: number; readonly negate: boolean; readonly depth: number }
  /** `exit`: return r0. */
  | { readonly k: 'return' }
  /** Dispatch loop: set the next block id. */
  | { readonly k: 'set_pc'; readonly target: number }
  /** Dispatch loop: next block id = `taken` if `block`'s condition holds, else `fall`. */
  | { readonly k: 'set_pc_cond'; readonly block: number; readonly taken: number; readonly fall: number }
  /** Dispatch loop: `br_table` on the block id over `count` labels 0..count-1. */
  | { readonly k: 'dispatch'; readonly count: number };

/** A function's structured form. */
export interface StructuredFunc {
  readonly ops: readonly StructOp[];
  /** True when the dispatch-loop fallback was used (irreducible control flow). */
  readonly dispatch: boolean;
  /** Deepest label nesting reached. */
  readonly maxDepth: number;
}
