/**
 * The trace context (the seed's `struct bpf_context { struct pt_regs regs; }`): the x86-64
 * `pt_regs` layout, read-only, 8-byte reads at each register's offset; followed by the event's
 * recorded entry (read-only, each field at its own size) for programs that filter on the entry.
 * Filling it per event is the event's job (`events/event.ts`).
 */
import type { ContextDescriptor, ContextField } from '@ebpf/core';
import type { EntryLayout } from './events/fields.js';

/** `struct pt_regs` on x86-64: register name → byte offset. */
export const PT_REGS = {
  r15: 0, r14: 8, r13: 16, r12: 24, bp: 32, bx: 40, r11: 48, r10: 56, r9: 64, r8: 72,
  ax: 80, cx: 88, dx: 96, si: 104, di: 112, orig_ax: 120, ip: 128, cs: 136, flags: 144, sp: 152, ss: 160,
} as const;

/** A `pt_regs` register name. */
export type PtReg = keyof typeof PT_REGS;

/** Size of `struct pt_regs`. */
export const PT_REGS_SIZE = 168;

/** Offset of the recorded entry in the context (right after `pt_regs`). */
export const ENTRY_OFFSET = PT_REGS_SIZE;

/** The x86-64 calling convention's argument registers, in order. */
export const ARG_REGS: readonly PtReg[] = ['di', 'si', 'dx', 'cx', 'r8', 'r9'];

/**
 * Context offsets of the arguments: a tracepoint passes its descriptor in `di` and its
 * arguments from `si` on (the seed's examples read `skb` from `si`); a dynamic probe passes
 * the probed function's own arguments from `di` on.
 */
export function argOffsets(kind: 'tracepoint' | 'probe'): number[] {
  return (kind === 'tracepoint' ? ARG_REGS.slice(1) : ARG_REGS).map((r) => PT_REGS[r]);
}

/** Maximum arguments an event passes in registers (tracepoint: 5, dynamic probe: 6). */
export function maxArgs(kind: 'tracepoint' | 'probe'): number {
  return kind === 'tracepoint' ? 5 : 6;
}

/** The `pt_regs` fields: every register readable as 8 bytes. */
export const PT_REGS_FIELDS: readonly ContextField[] = Object.entries(PT_REGS).map(([name, offset]) => ({
  name,
  offset,
  size: 8,
  access: 'read' as const,
}));

/**
 * The context descriptor of an event: `pt_regs`, then (when given) the event's entry fields at
 * {@link ENTRY_OFFSET}; char arrays readable at 1, 2, 4 or 8 bytes, integers at their size.
 */
export function traceContext(entry?: EntryLayout): ContextDescriptor {
  if (!entry) return { size: PT_REGS_SIZE, fields: PT_REGS_FIELDS };
  const fields: ContextField[] = [...PT_REGS_FIELDS];
  for (const f of entry.fields) {
    fields.push({
      name: `entry.${f.name}`,
      offset: ENTRY_OFFSET + f.offset,
      size: f.type.size,
      access: 'read',
      sizes: f.type.kind === 'chars' ? [1, 2, 4, 8].filter((s) => s <= f.type.size) : [f.type.size],
    });
  }
  return { size: ENTRY_OFFSET + entry.size, fields };
}
