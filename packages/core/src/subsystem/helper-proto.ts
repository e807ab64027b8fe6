/**
 * Helper prototypes: what the checker needs to know about a helper's arguments and result.
 * The seed's kinds (PTR_TO_CTX, PTR_TO_STACK_IMM, CONST_ARG_STACK_IMM_SIZE, CONST_ARG_TABLE_ID,
 * PTR_TO_STACK_IMM_TABLE_KEY/ELEM) and today's (map pointer, map key/value, memory + size,
 * ring buffer memory) share one vocabulary.
 */

/** Kind of one helper argument. */
export type ArgKind =
  /** Any initialized value (Linux ARG_ANYTHING). Pointers the helper treats as unsafe go here. */
  | 'anything'
  /** A scalar (never a pointer). */
  | 'scalar'
  /** A scalar whose value the checker knows (seed CONST_ARG). */
  | 'const'
  /** The context pointer, unmodified (seed PTR_TO_CTX). */
  | 'ptr_to_ctx'
  /** Pointer to initialized stack bytes; size is the next `const_stack_size` arg (seed PTR_TO_STACK_IMM). */
  | 'ptr_to_stack'
  /** Pointer to stack holding a key of the map named by the `const_map_id` arg (seed PTR_TO_STACK_IMM_TABLE_KEY). */
  | 'ptr_to_stack_key'
  /** Pointer to stack holding a value of the map named by the `const_map_id` arg (seed PTR_TO_STACK_IMM_TABLE_ELEM). */
  | 'ptr_to_stack_value'
  /** Known constant size for the preceding `ptr_to_stack` arg (seed CONST_ARG_STACK_IMM_SIZE). */
  | 'const_stack_size'
  /** Known constant index into the program's maps (seed CONST_ARG_TABLE_ID). */
  | 'const_map_id'
  /** A map pointer loaded by `lddw` (Linux ARG_CONST_MAP_PTR). */
  | 'map_ptr'
  /** Pointer to an initialized key of the `map_ptr` arg (stack or map value). */
  | 'map_key'
  /** Pointer to an initialized value of the `map_ptr` arg. */
  | 'map_value'
  /** Pointer to readable, initialized memory (stack, map value, packet, ctx); size is the next arg. */
  | 'mem'
  /** Like `mem`, or NULL. */
  | 'mem_or_null'
  /** Pointer to writable memory the helper fills (may be uninitialized stack); size is the next arg. */
  | 'uninit_mem'
  /** Size of the preceding memory arg, bounded and > 0. */
  | 'const_size'
  /** Size of the preceding memory arg, bounded, may be 0. */
  | 'const_size_or_zero'
  /** Memory reserved from a ring buffer (submit/discard). */
  | 'ringbuf_mem'
  /** A subprogram address (callbacks). */
  | 'func';

/** Kind of a helper's result (r0 after the call). */
export type RetKind =
  | 'integer'
  | 'void'
  /** A pointer to a value of the `map_ptr`/`const_map_id` argument's map, or NULL. */
  | 'map_value_or_null'
  /** A pointer to ring buffer memory of the size given by the second argument, or NULL. */
  | 'ringbuf_mem_or_null';

/** A helper prototype (the seed's `struct bpf_func_proto`, grown). */
export interface HelperProto {
  readonly ret: RetKind;
  /** Up to five argument kinds, r1 first. Omitted trailing arguments are not checked. */
  readonly args: readonly ArgKind[];
  /** Only programs with a GPL-compatible license may call it. */
  readonly gplOnly?: boolean;
  /**
   * Largest value the checker accepts for this helper's size arguments (`const_stack_size`,
   * `const_size`, `const_size_or_zero`), inclusive. The seed's `bpf_memcmp` (size < 64) sets 63.
   */
  readonly maxSize?: number;
}
