/**
 * Text names of the `lddw` pseudo sources (RFC 9669 section 4.4), shared by the assembler and
 * the formatter: `lddw %r1, map_fd(3)`, `lddw %r1, map_value_idx(0, 16)`, `lddw %r2, func(+4)`.
 */

/** Name of each `lddw` pseudo source, indexed by the `src` field (0 = plain constant, unnamed). */
export const LDDW_PSEUDO_NAMES: readonly string[] = Object.freeze([
  '',
  'map_fd',
  'map_value_fd',
  'btf_id',
  'func',
  'map_idx',
  'map_value_idx',
]);
