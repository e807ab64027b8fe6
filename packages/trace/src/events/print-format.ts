/**
 * An event's print format (ftrace's `print fmt`): a printf string over fields, turned into the
 * message part of a trace_pipe line. Default: `field=value` for each of the event's own fields.
 */
import { EbpfError } from '@ebpf/core';
import type { EntryLayout, EventField, FieldValue } from './fields.js';

/** A print format: printf text and the fields it prints, in order. */
export interface PrintFormat {
  /** printf text: `%s %d %u %x %p` with `l`/`ll`/`z` and widths. */
  readonly fmt: string;
  /** Field names, one per conversion. */
  readonly fields: readonly string[];
}

/** The default print format of a layout: `a=%d b=%s ...` over its own fields. */
export function defaultPrintFormat(layout: EntryLayout): PrintFormat {
  const own = layout.fields.filter((f) => !f.common);
  return { fmt: own.map((f) => `${f.name}=${convOf(f)}`).join(' '), fields: own.map((f) => f.name) };
}

function convOf(f: EventField): string {
  if (f.type.kind === 'chars') return '%s';
  if (f.type.kind === 'ptr') return '%p';
  const l = f.type.size === 8 ? 'll' : '';
  return f.type.signed ? `%${l}d` : `%${l}u`;
}

/** The format as ftrace's format file prints it: `"fmt", REC->a, REC->b`. */
export function describePrintFormat(p: PrintFormat): string {
  return [JSON.stringify(p.fmt), ...p.fields.map((f) => `REC->${f}`)].join(', ');
}

const CONV = /%(%|-?\d*(?:l{0,2}|z)([sdiuxXpc]))/g;

/**
 * Compiles a print format against a layout into a renderer.
 * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for unknown fields or a count mismatch.
 */
export function compilePrintFormat(p: PrintFormat, layout: EntryLayout): (values: readonly FieldValue[]) => string {
  const idx = p.fields.map((n) => {
    const f = layout.field(n);
    if (!f) throw new EbpfError('USAGE', `print format: '${n}' is not a field`);
    return f.index;
  });
  const convs = [...p.fmt.matchAll(CONV)].filter((m) => m[1] !== '%').length;
  if (convs !== idx.length) throw new EbpfError('USAGE', `print format "${p.fmt}" has ${convs} conversions for ${idx.length} fields`);
  return (values) => {
    let k = 0;
    return p.fmt.replace(CONV, (_m, body: string, conv: string) => {
      if (body === '%') return '%';
      const v = values[idx[k++]!];
      return renderValue(v, conv, body);
    });
  };
}

function renderValue(v: FieldValue | undefined, conv: string, body: string): string {
  if (v === undefined) return '';
  const width = /^-?(\d+)/.exec(body);
  let s: string;
  if (typeof v === 'string') s = conv === 'c' ? v.slice(0, 1) : v;
  else {
    const big = BigInt(v);
    const is64 = /ll|l|z/.test(body) || conv === 'p';
    const u = BigInt.asUintN(is64 ? 64 : 32, big);
    switch (conv) {
      case 'x': s = u.toString(16); break;
      case 'X': s = u.toString(16).toUpperCase(); break;
      case 'p': s = '0x' + u.toString(16); break;
      case 'u': s = u.toString(); break;
      case 'c': s = String.fromCharCode(Number(u & 0xffn)); break;
      case 's': s = big.toString(); break;
      default: s = BigInt.asIntN(is64 ? 64 : 32, big).toString();
    }
  }
  if (width) s = body.startsWith('-') ? s.padEnd(Number(width[1])) : s.padStart(Number(width[1]));
  return s;
}
