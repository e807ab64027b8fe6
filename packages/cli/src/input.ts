/**
 * The CLI's shared input loader: reads a file and turns it into ProgramSpecs. The format comes
 * from the magic (seed image, ELF, else raw bytecode), except assembler text (`*.s` or `--asm`).
 * Every command that takes a program file uses {@link addInputOptions} and {@link loadInput}
 * (decoding is shared with `commands/program-file.ts` through `decode-program.ts`);
 * unreadable or undecodable input becomes a `CliExit` with code 2 and a one-line message.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { EbpfError, detectFormat, parseAsm, type Dialect, type ProgramSpec } from '@ebpf/core';
import { CliExit } from './exit.js';
import { decodeProgramBytes, requireProgramBytes } from './decode-program.js';

/** The input flags as commander hands them over. */
export interface InputFlags {
  /** `seed` or `rfc`: the dialect of raw bytecode or assembler text. */
  readonly dialect?: Dialect;
  /** License for formats without one (default `GPL`). */
  readonly license?: string;
  /** ELF: keep only this section's programs. */
  readonly section?: string;
  /** ELF: keep only this program. */
  readonly program?: string;
  /** Read the file as assembler text whatever its name. */
  readonly asm?: boolean;
}

/** What a file held. */
export interface LoadedInput {
  /** The path as given. */
  readonly file: string;
  /** How it was read. */
  readonly format: 'seed' | 'elf' | 'raw' | 'asm';
  /** Its programs (one, except for ELF objects). */
  readonly programs: readonly ProgramSpec[];
}

/** Adds `--dialect`, `--license`, `--section`, `--program` and `--asm` to a command. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dialect <dialect>', 'instruction set of raw bytecode or assembler text').choices(['seed', 'rfc']))
    .option('--license <string>', 'license of a program whose format carries none (default "GPL")')
    .option('--section <name>', 'ELF: only the programs of this section')
    .option('--program <name>', 'ELF: only the program with this name')
    .option('--asm', 'read FILE as assembler text (implied by a .s name)');
}

/** True when the file is to be read as assembler text. */
export function isAsmInput(file: string, flags: InputFlags): boolean {
  return flags.asm === true || file.endsWith('.s');
}

/**
 * Reads and decodes `file`.
 * @throws {@link CliExit} (code 2) when the file cannot be read or decoded, or names nothing.
 */
export async function loadInput(file: string, flags: InputFlags = {}): Promise<LoadedInput> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliExit(2, `ebpf: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  requireProgramBytes(file, bytes);
  const name = basename(file);
  try {
    if (isAsmInput(file, flags)) {
      if (flags.section !== undefined || flags.program !== undefined) {
        throw new EbpfError('USAGE', '--section/--program select programs of an ELF object; assembler text holds one program');
      }
      const dialect = flags.dialect ?? 'rfc';
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      const spec: ProgramSpec = { name, dialect, insns: parseAsm(text, { dialect }), maps: [], license: flags.license ?? 'GPL' };
      return { file, format: 'asm', programs: [spec] };
    }
    const programs = decodeProgramBytes(file, bytes, name, flags);
    if (programs.length === 0) throw new EbpfError('USAGE', 'no program matches --section/--program');
    return { file, format: detectFormat(bytes), programs };
  } catch (e) {
    if (e instanceof TypeError) throw new CliExit(2, `ebpf: ${file}: not UTF-8 text (assembler input)`);
    if (EbpfError.is(e)) throw new CliExit(2, `ebpf: ${file}: ${e.message}`);
    throw e;
  }
}
