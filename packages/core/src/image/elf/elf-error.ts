/**
 * ElfError: every complaint the ELF loader makes names the section and the field it was reading
 * (`elf: section '.maps': symbol 'events': max_entries: ...`), so a hostile or truncated object
 * is diagnosable without a hex dump. Other modules in this folder throw only this class.
 */
import { EbpfError } from '../../errors.js';

/** Where in the object a problem was found. */
export interface ElfErrorWhere {
  /** Section name (or `#N` when its name is unreadable); absent for the file header. */
  readonly section?: string;
  /** The header field or record being read (`sh_offset`, `symbol 'x'`, `relocation 3`, ...). */
  readonly field?: string;
}

/** An ELF object that cannot be loaded: malformed, hostile, or using something unsupported. */
export class ElfError extends EbpfError {
  /** Section the problem is in, when known. */
  readonly section: string | undefined;
  /** Field or record, when known. */
  readonly field: string | undefined;

  constructor(where: ElfErrorWhere, message: string, options?: { cause?: unknown }) {
    const parts = ['elf'];
    if (where.section !== undefined) parts.push(`section '${where.section}'`);
    if (where.field !== undefined) parts.push(where.field);
    super('ELF', `${parts.join(': ')}: ${message}`, options);
    this.section = where.section;
    this.field = where.field;
  }
}
