/**
 * Turns the bytes of a program file into ProgramSpecs: refuses an empty file, decodes by magic
 * with `decodeAny` (seed image, ELF with the CLI's section table, else raw bytecode) and maps a
 * decode error to a usage exit (2) naming the file. Reading the file and choosing among the
 * programs are left to the callers (`input.ts`, `commands/program-file.ts`).
 */
import { EbpfError, decodeAny, type Dialect, type ProgramSpec } from '@ebpf/core';
import { usage } from './exit.js';
import { elfSubsystems } from './elf-subsystems.js';

/** How to decode and name the programs of a file. */
export interface DecodeFlags {
  /** `seed` or `rfc`: the dialect of raw bytecode. */
  readonly dialect?: Dialect;
  /** License for formats without one. */
  readonly license?: string;
  /** ELF: keep only this section's programs. */
  readonly section?: string;
  /** ELF: keep only this program. */
  readonly program?: string;
}

/**
 * Refuses an empty file.
 * @throws {@link CliExit} (2) `<file>: empty file (no program)` when `bytes` is empty.
 */
export function requireProgramBytes(file: string, bytes: Uint8Array): void {
  if (bytes.length === 0) usage(`${file}: empty file (no program)`);
}

/**
 * Decodes the bytes of `file` (named `name` where the format carries no name).
 * @returns the programs, possibly none when `--section`/`--program` match nothing.
 * @throws {@link CliExit} (2) when the file is empty or cannot be decoded.
 */
export function decodeProgramBytes(file: string, bytes: Uint8Array, name: string, flags: DecodeFlags = {}): ProgramSpec[] {
  requireProgramBytes(file, bytes);
  try {
    return decodeAny(bytes, {
      name,
      subsystems: elfSubsystems(),
      ...(flags.dialect !== undefined ? { dialect: flags.dialect } : {}),
      ...(flags.license !== undefined ? { license: flags.license } : {}),
      ...(flags.section !== undefined ? { section: flags.section } : {}),
      ...(flags.program !== undefined ? { program: flags.program } : {}),
    });
  } catch (e) {
    if (EbpfError.is(e)) usage(`${file}: ${e.message}`);
    throw e;
  }
}
