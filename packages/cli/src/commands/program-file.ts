/**
 * Reads the one program a `run` or `bench` command works on: the file's format is chosen by its
 * magic (`decodeAny`), an ELF object with several programs needs `--section`/`--program`.
 * Unreadable or undecodable input is a usage-class error (exit 2).
 */
import { readFileSync } from 'node:fs';
import { EbpfError, decodeAny, type Dialect, type ProgramSpec } from '@ebpf/core';
import { usage } from '../exit.js';
import { elfSubsystems } from '../elf-subsystems.js';

/** How to pick and name the program. */
export interface ProgramFileOptions {
  readonly dialect?: Dialect;
  readonly license?: string;
  readonly section?: string;
  readonly program?: string;
}

/**
 * Decodes `file` and returns its one program.
 * @throws {@link CliExit} (2) when the file cannot be read or decoded, or holds several programs.
 */
export function readProgram(file: string, opts: ProgramFileOptions = {}): ProgramSpec {
  const bytes = readBytes(file, 'program');
  if (bytes.length === 0) usage(`${file}: empty file (no program)`);
  let specs: ProgramSpec[];
  try {
    specs = decodeAny(bytes, {
      subsystems: elfSubsystems(),
      name: file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'prog',
      ...(opts.dialect !== undefined ? { dialect: opts.dialect } : {}),
      ...(opts.license !== undefined ? { license: opts.license } : {}),
      ...(opts.section !== undefined ? { section: opts.section } : {}),
      ...(opts.program !== undefined ? { program: opts.program } : {}),
    });
  } catch (e) {
    if (EbpfError.is(e)) usage(`${file}: ${e.message}`);
    throw e;
  }
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
