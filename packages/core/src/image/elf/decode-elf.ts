/**
 * ELF object → ProgramSpecs: reads the object (reader), its BTF, maps and code, then links each
 * program (link). The entry point of the folder: `decodeElf(bytes, opts)`. Verification, map
 * storage and running are later stages; this one is pure and deterministic.
 */
import type { MapSpec } from '../../maps/map-spec.js';
import type { StructLayout } from '../../subsystem/struct-layout.js';
import type { Subsystem } from '../../subsystem/subsystem.js';
import type { ProgramSpec } from '../program-spec.js';
import { Btf } from './btf.js';
import { parseBtfExt, type BtfExt } from './btf-ext.js';
import { ElfError } from './elf-error.js';
import { readCode } from './functions.js';
import { linkProgram } from './link.js';
import { readMaps } from './maps.js';
import { cString, readElf, SectionType, type ElfFile } from './reader.js';
import { elfSections, type SectionTable } from './section-table.js';

/** Options of {@link decodeElf}. */
export interface ElfDecodeOptions {
  /** Keep only the programs of this section (`kprobe/sys_write`). */
  readonly section?: string;
  /** Keep only the program with this name (function symbol). */
  readonly program?: string;
  /** Section prefix → subsystem table (default: the process-wide {@link elfSections}). */
  readonly sectionTable?: SectionTable;
  /**
   * Struct layouts to resolve CO-RE relocations against, for every program (overrides the
   * layouts the section table has for the program's subsystem).
   */
  readonly structs?: readonly StructLayout[];
  /**
   * Subsystem objects known to the caller (the CLI's `--subsystem`, a Runtime's registrations):
   * their `sectionPrefixes` extend the section table and their `structs` resolve CO-RE.
   */
  readonly subsystems?: readonly Pick<Subsystem, 'name' | 'sectionPrefixes' | 'structs'>[];
}

/** An object's programs plus object-wide facts. */
export interface ElfObject {
  /** Every program (or the selected ones), in section then offset order. */
  readonly programs: readonly ProgramSpec[];
  /** Every map the object defines, in object order (programs list the ones they use). */
  readonly maps: readonly MapSpec[];
  /** The `license` section's string, when present. */
  readonly license: string | undefined;
  /** The `version` section's value, when present. */
  readonly kernelVersion: number | undefined;
  /** The object's BTF, when compiled with `-g`. */
  readonly btf: Btf | undefined;
}

/**
 * Decodes an ELF object into its programs and maps.
 * @throws {@link ElfError} naming the section and field for malformed, hostile or unsupported
 * input, and when `section`/`program` select nothing.
 */
export function readElfObject(bytes: Uint8Array, opts: ElfDecodeOptions = {}): ElfObject {
  const file = readElf(bytes);
  let table = opts.sectionTable ?? elfSections;
  if (opts.subsystems?.length) {
    table = table.clone();
    for (const s of opts.subsystems) table.addSubsystem(s);
  }
  const btfSec = file.section('.BTF');
  const btf = btfSec && btfSec.type === SectionType.PROGBITS ? Btf.parse(btfSec.data, btfSec.name) : undefined;
  const extSec = file.section('.BTF.ext');
  let btfExt: BtfExt | undefined;
  if (extSec && extSec.type === SectionType.PROGBITS) {
    if (!btf) throw new ElfError({ section: extSec.name, field: 'BTF' }, '.BTF.ext needs a .BTF section');
    btfExt = parseBtfExt(extSec.data, btf, extSec.name);
  }
  const license = readLicense(file);
  const kernelVersion = readVersion(file);
  const maps = readMaps(file, btf);
  const code = readCode(file);

  let entries = code.programs;
  if (opts.section !== undefined) entries = entries.filter((f) => f.section.name === opts.section);
  if (opts.program !== undefined) entries = entries.filter((f) => f.name === opts.program);
  if (entries.length === 0 && (opts.section !== undefined || opts.program !== undefined)) {
    const have = code.programs.map((f) => `${f.section.name}:${f.name}`).join(', ') || 'none';
    throw new ElfError({ field: opts.program !== undefined ? `program '${opts.program}'` : `section '${opts.section}'` }, `no such program in the object (programs: ${have})`);
  }

  const programs = entries.map((entry): ProgramSpec => {
    const hint = table.match(entry.section.name);
    const linked = linkProgram({
      file, code, maps, btf, btfExt,
      structs: opts.structs ?? (hint !== undefined ? table.structsFor(hint) : undefined),
      subsystem: hint,
    }, entry);
    return Object.freeze({
      name: entry.name,
      dialect: 'rfc' as const,
      insns: Object.freeze(linked.insns),
      maps: Object.freeze(linked.maps),
      license: license ?? '',
      section: entry.section.name,
      ...(hint !== undefined ? { subsystemHint: hint } : {}),
      funcs: Object.freeze(linked.funcs),
      ...(linked.lineInfo.length ? { lineInfo: Object.freeze(linked.lineInfo) } : {}),
      ...(kernelVersion !== undefined ? { kernelVersion } : {}),
    });
  });
  return Object.freeze({ programs: Object.freeze(programs), maps: Object.freeze(maps.map((m) => m.spec)), license, kernelVersion, btf });
}

/**
 * Decodes an ELF object (`ET_REL`, `EM_BPF`, as `clang -target bpf -c` writes) into one
 * ProgramSpec per program. An object without a `license` section gets license `""` (not GPL
 * compatible, as in Linux).
 * @throws {@link ElfError} naming the section and field at fault.
 */
export function decodeElf(bytes: Uint8Array, opts: ElfDecodeOptions = {}): ProgramSpec[] {
  return [...readElfObject(bytes, opts).programs];
}

function readLicense(file: ElfFile): string | undefined {
  const s = file.section('license');
  if (!s) return undefined;
  if (s.type !== SectionType.PROGBITS) throw new ElfError({ section: s.name, field: 'sh_type' }, `license section has type ${s.type}, not PROGBITS`);
  return cString(s.data, 0, { section: s.name, field: 'license string' });
}

function readVersion(file: ElfFile): number | undefined {
  const s = file.section('version');
  if (!s) return undefined;
  if (s.size !== 4 || s.type !== SectionType.PROGBITS) throw new ElfError({ section: s.name, field: 'sh_size' }, `version section must hold one u32 (has ${s.size} bytes)`);
  return new DataView(s.data.buffer, s.data.byteOffset, 4).getUint32(0, true);
}
