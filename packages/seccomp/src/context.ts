/**
 * The seccomp context: Linux's `struct seccomp_data` (64 bytes, read-only), the table of what a
 * program may read in it, and a writer that lays one out in VM memory. Filters, profiles and the
 * classic-BPF translation come with the seccomp issue.
 */
import type { ContextDescriptor, ContextField } from '@ebpf/core';

/** Byte offsets in `struct seccomp_data`. */
export const SECCOMP_DATA = {
  /** int: system call number. */
  NR: 0,
  /** u32: AUDIT_ARCH_* value. */
  ARCH: 4,
  /** u64: instruction pointer at the time of the call. */
  INSTRUCTION_POINTER: 8,
  /** u64[6]: system call arguments. */
  ARGS: 16,
  /** Size of the struct. */
  SIZE: 64,
} as const;

const args: ContextField[] = Array.from({ length: 6 }, (_, i) => ({
  name: `args[${i}]`,
  offset: SECCOMP_DATA.ARGS + 8 * i,
  size: 8,
  access: 'read',
  sizes: [4, 8],
}));

/** What a seccomp program may read: every field, whole or (64-bit fields) by 32-bit halves. */
export const seccompContext: ContextDescriptor = Object.freeze({
  size: SECCOMP_DATA.SIZE,
  fields: Object.freeze<ContextField[]>([
    { name: 'nr', offset: SECCOMP_DATA.NR, size: 4, access: 'read' },
    { name: 'arch', offset: SECCOMP_DATA.ARCH, size: 4, access: 'read' },
    { name: 'instruction_pointer', offset: SECCOMP_DATA.INSTRUCTION_POINTER, size: 8, access: 'read', sizes: [4, 8] },
    ...args,
  ]),
});

/** One system call as a seccomp filter sees it. */
export interface SeccompData {
  readonly nr: number;
  readonly arch: number;
  readonly instructionPointer?: bigint;
  /** Up to six arguments; missing ones are 0. */
  readonly args?: readonly bigint[];
}

/**
 * Writes `data` as a `struct seccomp_data` at byte `offset` of `view` (little-endian, as the
 * program reads it).
 */
export function writeSeccompData(view: DataView, offset: number, data: SeccompData): void {
  view.setInt32(offset + SECCOMP_DATA.NR, data.nr, true);
  view.setUint32(offset + SECCOMP_DATA.ARCH, data.arch >>> 0, true);
  view.setBigUint64(offset + SECCOMP_DATA.INSTRUCTION_POINTER, BigInt.asUintN(64, data.instructionPointer ?? 0n), true);
  for (let i = 0; i < 6; i++) {
    view.setBigUint64(offset + SECCOMP_DATA.ARGS + 8 * i, BigInt.asUintN(64, data.args?.[i] ?? 0n), true);
  }
}
