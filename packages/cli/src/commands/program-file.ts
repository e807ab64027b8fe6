/**
 * Reads the one program a `run` or `bench` command works on: the file's format is chosen by its
 * magic (`decodeProgramBytes`), an ELF object with several programs needs `--section`/`--program`.
 * Unreadable or undecodable input is a usage-class error (exit 2).
 */
import { readFileSync } from 'node:fs';
import type { ProgramSpec } from '@ebpf/core';
import { usage } from '../exit.js';
import { decodeProgramBytes, type DecodeFlags } from '../decode-program.js';

/** How to pick and name the program. */
export type ProgramFileOptions = DecodeFlags;

/**
 * Decodes `file` and returns its one program.
 * @throws {@link CliExit} (2) when the file cannot be read or decoded, or holds several programs.
 */
export function readProgram(file: string, opts: ProgramFileOptions = {}): ProgramSpec {
  const name = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'prog';
  const specs = decodeProgramBytes(file, readBytes(file, 'program'), name, opts);
  if (specs.length === 0) usage(`${file}: no program found`);
  if (specs.length > 1) usage(`${file}: holds ${specs.length} programs (${specs.map((s) => s.name).join(', ')}); pick one with --section or --program`);
  return specs[0]!;
}

/**
 * The bytes of `file`.
 * @throws {@link CliExit} (2) when it cannot be read.
 */
export function readBytes(file: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    usage(`cannot read ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
