/**
 * An event's fields and the layout of its recorded entry, like ftrace's
 * `events/<system>/<event>/format`: four common fields, then the event's own at natural
 * alignment. Also writes an entry into VM memory for programs that read the recorded fields.
 */
import type { Vm } from '@ebpf/core';
import { parseCType, type CType } from '../ctypes.js';
import { writeField } from '../host-structs.js';
import type { FetchPath } from './fetch.js';

/** A value in a recorded entry: integers as Numbers (bigints past 2^53), char arrays as strings. */
export type FieldValue = number | bigint | string;

/** One field of an event's entry. */
export interface EventField {
  /** Field name. */
  readonly name: string;
  /** C type. */
  readonly type: CType;
  /** Byte offset in the entry. */
  readonly offset: number;
  /** Index in the entry's value array. */
  readonly index: number;
  /** One of ftrace's common fields (`common_pid`, ...). */
  readonly common: boolean;
  /** Where the value comes from in the arguments (compilable to BPF), if a path. */
  readonly path?: FetchPath;
}

/** The common fields every entry starts with (ftrace's). */
export const COMMON_FIELDS: ReadonlyArray<{ name: string; type: string; offset: number }> = [
  { name: 'common_type', type: 'unsigned short', offset: 0 },
  { name: 'common_flags', type: 'unsigned char', offset: 2 },
  { name: 'common_preempt_count', type: 'unsigned char', offset: 3 },
  { name: 'common_pid', type: 'int', offset: 4 },
];

/** Index of `common_type` / `common_pid` in every entry's values. */
export const COMMON_TYPE = 0;
/** Index of `common_pid` in every entry's values. */
export const COMMON_PID = 3;

/** The layout of one event's entry. */
export interface EntryLayout {
  /** Every field, common ones first. */
  readonly fields: readonly EventField[];
  /** Entry size in bytes (multiple of 8). */
  readonly size: number;
  /** The field called `name`. */
  field(name: string): EventField | undefined;
}

/**
 * Lays out an entry: the common fields, then `own` at natural alignment from byte 8 (char
 * arrays at 8, so programs read them with aligned word loads).
 */
export function layoutEntry(own: ReadonlyArray<{ name: string; type: CType; path?: FetchPath }>): EntryLayout {
  const fields: EventField[] = COMMON_FIELDS.map((c, index) => ({ name: c.name, type: parseCType(c.type), offset: c.offset, index, common: true }));
  let end = 8;
  for (const f of own) {
    const align = f.type.kind === 'chars' ? 8 : f.type.size;
    const offset = Math.ceil(end / align) * align;
    fields.push({ name: f.name, type: f.type, offset, index: fields.length, common: false, ...(f.path ? { path: f.path } : {}) });
    end = offset + f.type.size;
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  return { fields, size: Math.ceil(end / 8) * 8, field: (n) => byName.get(n) };
}

/** C declaration of a field as the format file prints it (`char name[16]`, `void * skbaddr`). */
export function declOf(f: EventField): string {
  return f.type.kind === 'chars' ? `char ${f.name}[${f.type.size}]` : `${f.type.name} ${f.name}`;
}

/**
 * The format description, as ftrace prints `events/<system>/<event>/format`.
 */
export function formatDescription(name: string, id: number, layout: EntryLayout, printFmt: string): string {
  const line = (f: EventField) => `\tfield:${declOf(f)};\toffset:${f.offset};\tsize:${f.type.size};\tsigned:${f.type.signed ? 1 : 0};`;
  const common = layout.fields.filter((f) => f.common).map(line);
  const own = layout.fields.filter((f) => !f.common).map(line);
  return [`name: ${name}`, `ID: ${id}`, 'format:', ...common, '', ...own, '', `print fmt: ${printFmt}`, ''].join('\n');
}

/** Writes an entry's values into VM memory at byte `off` (for programs reading the entry). */
export function writeEntry(vm: Vm, off: number, layout: EntryLayout, values: readonly FieldValue[]): void {
  for (const f of layout.fields) writeField(vm, off + f.offset, f.type, values[f.index], true);
}
