/**
 * `.BTF.ext`: per-section function info, line info and CO-RE relocation records. Offsets in an
 * object file are byte offsets inside the named code section; this module only reads and checks
 * the records — mapping them onto linked programs is `link.ts`'s job, applying CO-RE records is
 * `core-relo.ts`'s.
 */
import type { Btf } from './btf.js';
import { ElfError } from './elf-error.js';

/** A function info record: the function starting at `insnOff` has BTF FUNC type `typeId`. */
export interface BtfFuncInfo {
  readonly insnOff: number;
  readonly typeId: number;
}

/** A line info record. */
export interface BtfLineInfo {
  readonly insnOff: number;
  readonly file: string;
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** A CO-RE relocation record (`struct bpf_core_relo`). */
export interface BtfCoreRelo {
  readonly insnOff: number;
  /** Root type id in the object's BTF. */
  readonly typeId: number;
  /** Access string (`0:1:2`). */
  readonly access: string;
  /** Relocation kind (`bpf_core_relo_kind`). */
  readonly kind: number;
}

/** The records of one code section, each list sorted by `insnOff`. */
export interface BtfExtSection {
  readonly funcs: readonly BtfFuncInfo[];
  readonly lines: readonly BtfLineInfo[];
  readonly core: readonly BtfCoreRelo[];
}

/** Parsed `.BTF.ext`, keyed by code section name. */
export type BtfExt = ReadonlyMap<string, BtfExtSection>;

const MAGIC = 0xeb9f;

/**
 * Parses `.BTF.ext` against its `.BTF` (for strings).
 * @throws {@link ElfError} naming the sub-table and record at fault.
 */
export function parseBtfExt(data: Uint8Array, btf: Btf, section = '.BTF.ext'): BtfExt {
  const at = (field: string) => ({ section, field });
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 24) throw new ElfError(at('header'), `truncated: ${data.length} bytes, the header needs 24`);
  const magic = view.getUint16(0, true);
  if (magic !== MAGIC) throw new ElfError(at('magic'), `0x${magic.toString(16)} is not 0xeb9f`);
  if (view.getUint8(2) !== 1) throw new ElfError(at('version'), `version ${view.getUint8(2)} is not supported`);
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < 24 || hdrLen > data.length) throw new ElfError(at('hdr_len'), `${hdrLen} is outside 24..${data.length}`);
  const out = new Map<string, { funcs: BtfFuncInfo[]; lines: BtfLineInfo[]; core: BtfCoreRelo[] }>();
  const get = (name: string) => {
    let s = out.get(name);
    if (!s) out.set(name, (s = { funcs: [], lines: [], core: [] }));
    return s;
  };

  const table = (name: string, offField: number, minRec: number, each: (sec: string, p: number, field: string) => void) => {
    if (offField + 8 > hdrLen) return;
    const off = view.getUint32(offField, true);
    const len = view.getUint32(offField + 4, true);
    if (len === 0) return;
    const start = hdrLen + off;
    const end = start + len;
    if (end > data.length) throw new ElfError(at(`${name} off/len`), `bytes ${start}..${end} are past the end of the section (${data.length} bytes)`);
    if (len < 4) throw new ElfError(at(`${name} rec_size`), 'truncated');
    const recSize = view.getUint32(start, true);
    if (recSize < minRec || recSize % 4 !== 0) throw new ElfError(at(`${name} rec_size`), `${recSize} is not a valid record size (at least ${minRec}, a multiple of 4)`);
    let p = start + 4;
    let block = 0;
    while (p < end) {
      if (p + 8 > end) throw new ElfError(at(`${name} block ${block}`), 'truncated section header');
      const secName = btf.str(view.getUint32(p, true), `${name} block ${block} sec_name_off`);
      const num = view.getUint32(p + 4, true);
      p += 8;
      if (num > (end - p) / recSize) throw new ElfError(at(`${name} block ${block} ('${secName}') num_info`), `${num} records of ${recSize} bytes run past the end of the table`);
      for (let i = 0; i < num; i++, p += recSize) each(secName, p, `${name} '${secName}' record ${i}`);
      block++;
    }
  };

  table('func_info', 8, 8, (sec, p) => {
    get(sec).funcs.push({ insnOff: view.getUint32(p, true), typeId: view.getUint32(p + 4, true) });
  });
  table('line_info', 16, 16, (sec, p, field) => {
    const lineCol = view.getUint32(p + 12, true);
    get(sec).lines.push({
      insnOff: view.getUint32(p, true),
      file: btf.str(view.getUint32(p + 4, true), `${field} file_name_off`),
      text: btf.str(view.getUint32(p + 8, true), `${field} line_off`),
      line: lineCol >>> 10,
      column: lineCol & 0x3ff,
    });
  });
  if (hdrLen >= 32) {
    table('core_relo', 24, 16, (sec, p, field) => {
      get(sec).core.push({
        insnOff: view.getUint32(p, true),
        typeId: view.getUint32(p + 4, true),
        access: btf.str(view.getUint32(p + 8, true), `${field} access_str_off`),
        kind: view.getUint32(p + 12, true),
      });
    });
  }
  for (const s of out.values()) {
    s.funcs.sort((a, b) => a.insnOff - b.insnOff);
    s.lines.sort((a, b) => a.insnOff - b.insnOff);
    s.core.sort((a, b) => a.insnOff - b.insnOff);
  }
  return out;
}
