/**
 * Raw bytecode: a bare stream of 8-byte instruction slots with no header, maps or strings
 * (what bpf_conformance, uBPF and `ebpf asm` exchange). RFC 9669 unless told `seed`.
 */
import type { DecodeError } from '../errors.js';
import { decode } from '../isa/decode.js';
import type { EncodeError } from '../isa/encode-error.js';
import { encode } from '../isa/encode.js';
import type { Dialect, ProgramSpec } from './program-spec.js';

/** Options of {@link decodeRaw}. */
export interface RawOptions {
  /** Instruction set of the bytes (default `rfc`). */
  readonly dialect?: Dialect;
  /** Program name (default `prog`). */
  readonly name?: string;
  /** License string (default `GPL`). */
  readonly license?: string;
}

/**
 * Decodes raw bytecode into a ProgramSpec without maps.
 * @throws {@link DecodeError} naming the byte offset of the first bad instruction.
 */
export function decodeRaw(bytes: Uint8Array, opts: RawOptions = {}): ProgramSpec {
  const dialect = opts.dialect ?? 'rfc';
  return {
    name: opts.name ?? 'prog',
    dialect,
    insns: decode(bytes, { dialect }),
    maps: [],
    license: opts.license ?? 'GPL',
  };
}

/**
 * Encodes a program's instructions as raw bytecode in its own dialect (maps, names and license
 * are not representable and are dropped).
 * @throws {@link EncodeError} when an instruction cannot be encoded.
 */
export function encodeRaw(spec: Pick<ProgramSpec, 'insns' | 'dialect'>): Uint8Array {
  return encode(spec.insns, { dialect: spec.dialect });
}
