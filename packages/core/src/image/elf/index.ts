/**
 * The ELF object loader: clang-compiled BPF objects → ProgramSpecs (maps, global data,
 * subprograms, CO-RE, BTF function and line info).
 * @packageDocumentation
 */
export { decodeElf, readElfObject, type ElfDecodeOptions, type ElfObject } from './decode-elf.js';
export { ElfError, type ElfErrorWhere } from './elf-error.js';
export { SectionTable, elfSections, BUILTIN_SECTION_RULES, type SectionRule } from './section-table.js';
export { Btf, BtfKind, type BtfType, type BtfMember } from './btf.js';
export { CoreReloKind } from './core-relo.js';
export { MAX_GLOBAL_DATA } from './maps.js';
