/**
 * Input by magic, never by file extension: `"bpf\0"` is a seed image, `\x7fELF` an ELF object,
 * anything else raw bytecode (RFC 9669 unless `dialect: 'seed'`). One entry point for the CLI and
 * the runtime; each format's reader does its own checking.
 */
import { EbpfError, type DecodeError } from '../errors.js';
import type { ElfError } from './elf/index.js';
import type { ImageError } from './image-error.js';
import { decodeElf, type ElfDecodeOptions } from './elf/index.js';
import type { Dialect, ProgramSpec } from './program-spec.js';
import { decodeRaw } from './raw.js';
import { decodeSeedImage, isSeedImage } from './seed-image.js';

/** The input formats {@link detectFormat} tells apart. */
export type ImageFormat = 'seed' | 'elf' | 'raw';

/** Options of {@link decodeAny}. */
export interface DecodeAnyOptions {
  /** Program name for formats that carry none (seed image, raw); default `prog`. */
  readonly name?: string;
  /** License for formats that carry none; default `GPL`. ELF objects use their own section. */
  readonly license?: string;
  /** Dialect of raw bytecode (default `rfc`); seed images are always `seed`, ELF always `rfc`. */
  readonly dialect?: Dialect;
  /** ELF: keep only the programs of this section. */
  readonly section?: string;
  /** ELF: keep only the program with this name. */
  readonly program?: string;
  /** ELF: subsystems whose section prefixes and struct layouts (CO-RE) apply; see {@link ElfDecodeOptions}. */
  readonly subsystems?: ElfDecodeOptions['subsystems'];
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;

/** The format `bytes` are in, by their magic. */
export function detectFormat(bytes: Uint8Array): ImageFormat {
  if (isSeedImage(bytes)) return 'seed';
  if (bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b)) return 'elf';
  return 'raw';
}

/**
 * Decodes any supported input into its programs (one for seed images and raw bytecode).
 * @throws {@link ImageError}, {@link DecodeError} or {@link ElfError} for malformed input; an
 * `EbpfError` with code `USAGE` when a seed image is forced to the RFC dialect or the
 * section/program filters are used on an input that has no sections.
 */
export function decodeAny(bytes: Uint8Array, opts: DecodeAnyOptions = {}): ProgramSpec[] {
  const format = detectFormat(bytes);
  if (format === 'elf') {
    return decodeElf(bytes, {
      ...(opts.section !== undefined ? { section: opts.section } : {}),
      ...(opts.program !== undefined ? { program: opts.program } : {}),
      ...(opts.subsystems !== undefined ? { subsystems: opts.subsystems } : {}),
    });
  }
  if (opts.section !== undefined || opts.program !== undefined) {
    throw new EbpfError('USAGE', `--section/--program select programs of an ELF object; this input is a ${format === 'seed' ? 'seed image' : 'raw bytecode'} with one program`);
  }
  const named = { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(opts.license !== undefined ? { license: opts.license } : {}) };
  if (format === 'seed') {
    if (opts.dialect === 'rfc') throw new EbpfError('USAGE', 'a seed image ("bpf\\0") is always in the seed dialect; drop --dialect rfc');
    return [decodeSeedImage(bytes, named)];
  }
  return [decodeRaw(bytes, { ...named, ...(opts.dialect !== undefined ? { dialect: opts.dialect } : {}) })];
}
