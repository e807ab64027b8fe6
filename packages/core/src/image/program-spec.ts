/**
 * ProgramSpec: what decoding produces from any input format (seed image, raw bytecode,
 * assembler text, ELF). Pure, deterministic data, comparable in tests; nothing here depends on
 * the VM, memory layout or engine.
 */
import type { Insn } from '../isa/insn.js';
import type { MapSpec } from '../maps/map-spec.js';

/**
 * The instruction-set dialect a program was written in. Each keeps its own rules by default
 * (see interfaces.md): `seed` programs must be a DAG, use fp-480..fp and end in `ret`.
 */
export type Dialect = 'rfc' | 'seed';

/** Line information for one instruction (from BTF.ext), when compiled with `-g`. */
export interface LineInfo {
  /** Slot index of the first instruction the line covers. */
  readonly insn: number;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The source line's text. */
  readonly text: string;
}

/** A function inside a program (subprograms of an ELF object, with BTF names where known). */
export interface FuncInfo {
  /** Slot index where the function starts. */
  readonly insn: number;
  readonly name: string;
}

/** One decoded program. */
export interface ProgramSpec {
  /** Program name (ELF symbol, file name, or "prog"). */
  readonly name: string;
  readonly dialect: Dialect;
  /** Instructions; `lddw` is one entry occupying two slots. */
  readonly insns: readonly Insn[];
  /** Maps the program refers to; `lddw` map pseudo-loads and seed table ids index this list. */
  readonly maps: readonly MapSpec[];
  /** License string (ELF `license` section, or the `license` option; default "GPL"). */
  readonly license: string;
  /** ELF section (`kprobe/foo`, `socket`, ...) when the program came from an object. */
  readonly section?: string;
  /** Subsystem named by the source (ELF section prefix), if any. */
  readonly subsystemHint?: string;
  /** Seed images: the raw string table (helper names), kept for byte-exact rewriting. */
  readonly strtab?: Uint8Array;
  /** Functions (entry is slot 0) when known. */
  readonly funcs?: readonly FuncInfo[];
  /** Source lines when the object carried BTF line info. */
  readonly lineInfo?: readonly LineInfo[];
  /** ELF objects: kernel version from the `version` section. */
  readonly kernelVersion?: number;
}
