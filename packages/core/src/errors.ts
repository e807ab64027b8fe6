/**
 * The one error base class of @ebpf, and the small family every package throws.
 *
 * Every package publishes on its own, so `instanceof` can break across two installed copies of
 * `@ebpf/core`; {@link EbpfError.is} checks a `Symbol.for` brand instead. Outer layers add
 * lowercase context and pass the inner error as `cause` ("image filter_ex1.bpf: map 2: ...").
 */

const BRAND = Symbol.for('@ebpf/core/EbpfError');

/** Stable, machine-readable error codes (like vitest's `VITEST_*` codes). */
export type EbpfErrorCode =
  | 'DECODE'
  | 'ENCODE'
  | 'PARSE'
  | 'IMAGE'
  | 'ELF'
  | 'CHECK'
  | 'VM_FAULT'
  | 'VM_BUDGET'
  | 'VM_MEMORY'
  | 'HELPER'
  | 'MAP'
  | 'NOT_SUPPORTED'
  | 'USAGE'
  | 'RUNTIME';

/** Base class of every error thrown by `@ebpf` packages. */
export class EbpfError extends Error {
  /** Machine-readable code; stable across releases. */
  readonly code: EbpfErrorCode | string;
  /** @internal */
  readonly [BRAND] = true;

  constructor(code: EbpfErrorCode | string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** True when `v` is an EbpfError from any copy of @ebpf/core. */
  static is(v: unknown): v is EbpfError {
    return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Bytes that cannot be decoded as instructions; `byteOffset` says where. */
export class DecodeError extends EbpfError {
  constructor(message: string, readonly byteOffset: number, options?: { cause?: unknown }) {
    super('DECODE', `${message} (at byte ${byteOffset})`, options);
  }
}

/** Assembler text that cannot be parsed; 1-based `line` and `column`. */
export class ParseError extends EbpfError {
  constructor(message: string, readonly line: number, readonly column: number, options?: { cause?: unknown }) {
    super('PARSE', `${line}:${column}: ${message}`, options);
  }
}

/** A feature this host cannot provide (no FFI, wrong CPU, ...), with the reason. */
export class NotSupportedError extends EbpfError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_SUPPORTED', message, options);
  }
}

/**
 * A run that ended abnormally: an out-of-bounds access, a bad instruction fetch, an exhausted
 * budget or a helper that threw. `insn` is the 8-byte slot index where it happened.
 */
export class VmError extends EbpfError {
  constructor(code: 'VM_FAULT' | 'VM_BUDGET' | 'VM_MEMORY' | 'HELPER', message: string, readonly insn: number, options?: { cause?: unknown }) {
    super(code, insn >= 0 ? `insn ${insn}: ${message}` : message, options);
  }
}
