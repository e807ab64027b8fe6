/**
 * `ebpf asm FILE.s [-o OUT] [--json] [--dialect seed|rfc] [--seed-image]`: assembles text in the
 * bpf_conformance syntax into raw bytecode (or, with `--seed-image`, a seed `"bpf\0"` image).
 * Without `-o` it prints one 64-bit slot per line as the suite's `-- raw` sections do.
 */
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { EbpfError, encodeRaw, encodeSeedImage, totalSlots, type Dialect } from '@ebpf/core';
import { CliExit } from '../exit.js';
import { loadInput } from '../input.js';

/** Flags of `ebpf asm`. */
export interface AsmFlags {
  /** Output file (`-o`). */
  readonly output?: string;
  /** Print a JSON summary. */
  readonly json?: boolean;
  /** Dialect to assemble for. */
  readonly dialect?: Dialect;
  /** Write a seed image instead of raw bytecode. */
  readonly seedImage?: boolean;
  /** License recorded with the program. */
  readonly license?: string;
}

/** The JSON document of `ebpf asm --json`. */
export interface AsmJson {
  /** Where the bytes went (absent when printed). */
  readonly output?: string;
  /** What was written. */
  readonly format: 'raw' | 'seed-image';
  /** Dialect of the code. */
  readonly dialect: Dialect;
  /** Instructions (`lddw` counts once). */
  readonly instructions: number;
  /** 8-byte slots. */
  readonly slots: number;
  /** Bytes written. */
  readonly bytes: number;
  /** The bytes in hex when there was no `-o`. */
  readonly hex?: string;
}

/** Formats bytecode as the suite's `-- raw` lines: one little-endian u64 per slot. */
export function rawWords(code: Uint8Array): string[] {
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  const out: string[] = [];
  for (let i = 0; i + 8 <= code.length; i += 8) out.push(`0x${view.getBigUint64(i, true).toString(16).padStart(16, '0')}`);
  return out;
}

/** Registers `ebpf asm`. */
export function register(program: Command): void {
  program
    .command('asm')
    .description('assemble bpf_conformance-syntax text into raw bytecode or a seed image')
    .argument('<file>', 'assembler text')
    .option('-o, --output <file>', 'write the bytes here (default: print one 64-bit slot per line)')
    .option('--json', 'print a JSON summary {format, instructions, slots, bytes, output | hex}')
    .addOption(new Option('--dialect <dialect>', 'instruction set to assemble for').choices(['seed', 'rfc']))
    .option('--seed-image', 'write a seed "bpf\\0" image (implies --dialect seed)')
    .option('--license <string>', 'license recorded with the program (default "GPL")')
    .action(async (file: string, flags: AsmFlags) => {
      const dialect: Dialect = flags.seedImage ? 'seed' : (flags.dialect ?? 'rfc');
      if (flags.seedImage && flags.dialect === 'rfc') throw new CliExit(2, 'ebpf: --seed-image holds seed-dialect code; drop --dialect rfc');
      const input = await loadInput(file, { asm: true, dialect, ...(flags.license !== undefined ? { license: flags.license } : {}) });
      const spec = input.programs[0]!;
      let code: Uint8Array;
      try {
        code = flags.seedImage ? encodeSeedImage(spec) : encodeRaw(spec);
      } catch (e) {
        if (EbpfError.is(e)) throw new CliExit(2, `ebpf: ${file}: ${e.message}`);
        throw e;
      }
      if (flags.output !== undefined) {
        try {
          await writeFile(flags.output, code);
        } catch (e) {
          throw new CliExit(2, `ebpf: cannot write ${flags.output}: ${(e as Error).message}`);
        }
      }
      if (flags.json) {
        const doc: AsmJson = {
          ...(flags.output !== undefined ? { output: flags.output } : {}),
          format: flags.seedImage ? 'seed-image' : 'raw',
          dialect,
          instructions: spec.insns.length,
          slots: totalSlots(spec.insns),
          bytes: code.length,
          ...(flags.output === undefined ? { hex: Buffer.from(code).toString('hex') } : {}),
        };
        process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
      } else if (flags.output === undefined) {
        const lines = flags.seedImage ? [Buffer.from(code).toString('hex')] : rawWords(code);
        process.stdout.write(lines.join('\n') + '\n');
      }
    });
}
