/**
 * The ftrace filter grammar: `field op value` predicates (`==, !=, <, <=, >, >=, &, ~`)
 * joined by `&&`, `||`, `!` and parentheses, over one event's fields. Produces a typed tree
 * (constants already cast to the field's C type, globs parsed); evaluating it is `preds.ts`'s
 * job and compiling it to BPF is `compile.ts`'s. Errors are ParseErrors with the column.
 */
import { ParseError } from '@ebpf/core';
import { castBig } from '../ctypes.js';
import type { EntryLayout, EventField } from '../events/fields.js';
import { toByteString } from '../host-structs.js';
import { hasGlobChars, parseGlob, type GlobElem } from './glob.js';

/** Comparison operators. */
export type FilterOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&' | '~';

/** A numeric constant, cast to the field's type: exact bigint, and a Number when exact (else NaN). */
export interface NumConst {
  readonly big: bigint;
  readonly num: number;
}

/** A parsed filter. */
export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly expr: FilterNode }
  | NumPred
  | StrPred;

/** `field op number` on an integer field. */
export interface NumPred {
  readonly kind: 'num';
  readonly field: EventField;
  readonly op: Exclude<FilterOp, '~'>;
  readonly value: NumConst;
  readonly column: number;
}

/** `field ==|!=|~ string` on a char-array field; `glob` set when the value is matched as a glob. */
export interface StrPred {
  readonly kind: 'str';
  readonly field: EventField;
  readonly op: '==' | '!=' | '~';
  /** The value as a byte string (UTF-8 bytes, one char each). */
  readonly value: string;
  readonly glob?: readonly GlobElem[];
  readonly column: number;
}

interface Token {
  readonly kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'op' | 'word' | 'string' | 'eof';
  readonly text: string;
  /** 1-based column. */
  readonly col: number;
  /** Column of the value's first char (strings: after the quote). */
  readonly valueCol: number;
}

function err(message: string, col: number): ParseError {
  return new ParseError(message, 1, col);
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const col = i + 1;
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ kind: two === '&&' ? 'and' : 'or', text: two, col, valueCol: col });
      i += 2;
    } else if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', text: two, col, valueCol: col });
      i += 2;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, col, valueCol: col });
      i++;
    } else if (c === '!') {
      out.push({ kind: 'not', text: c, col, valueCol: col });
      i++;
    } else if (c === '<' || c === '>' || c === '&' || c === '~') {
      out.push({ kind: 'op', text: c, col, valueCol: col });
      i++;
    } else if (c === '=') {
      throw err(`'=' is not an operator (use '==')`, col);
    } else if (c === '|') {
      throw err(`'|' is not an operator (use '||')`, col);
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && (src[j + 1] === c || src[j + 1] === '\\')) j++;
        text += src[j];
        j++;
      }
      if (j >= src.length) throw err('unterminated string', col);
      out.push({ kind: 'string', text, col, valueCol: col + 1 });
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !/[\s()!<>=&|~"']/.test(src[j]!)) j++;
      out.push({ kind: 'word', text: src.slice(i, j), col, valueCol: col });
      i = j;
    }
  }
  out.push({ kind: 'eof', text: '', col: src.length + 1, valueCol: src.length + 1 });
  return out;
}

const NUMBER = /^[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;

/** Parses an ftrace-style integer (decimal, 0x hex, leading-0 octal, optional sign). */
export function parseInteger(text: string): bigint | undefined {
  const m = NUMBER.exec(text);
  if (!m) return undefined;
  const neg = text.startsWith('-');
  const body = m[1]!;
  const v = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 && body.startsWith('0') ? BigInt('0o' + body.slice(1)) : BigInt(body);
  return neg ? -v : v;
}

/**
 * Parses a filter string against an event's entry layout.
 * @throws {@link @ebpf/core!ParseError} with the 1-based column of the offending token.
 */
export function parseFilter(src: string, layout: EntryLayout): FilterNode {
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos]!;
  const next = () => toks[pos++]!;

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (peek().kind === 'or') {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (peek().kind === 'and') {
      next();
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    const t = peek();
    if (t.kind === 'not') {
      next();
      return { kind: 'not', expr: parseUnary() };
    }
    if (t.kind === 'lparen') {
      next();
      const e = parseOr();
      const close = next();
      if (close.kind !== 'rparen') throw err(close.kind === 'eof' ? `missing ')' for the '(' at column ${t.col}` : `expected ')' but found '${close.text}'`, close.col);
      return e;
    }
    return parsePred();
  };
  const parsePred = (): FilterNode => {
    const f = next();
    if (f.kind === 'eof') throw err(pos === 1 ? 'empty filter' : 'missing predicate (field op value)', f.col);
    if (f.kind !== 'word') throw err(`expected a field name but found '${f.text}'`, f.col);
    const field = layout.field(f.text);
    if (!field) {
      const names = layout.fields.map((x) => x.name).join(', ');
      throw err(`'${f.text}' is not a field of this event (fields: ${names})`, f.col);
    }
    const o = next();
    if (o.kind !== 'op') throw err(o.kind === 'eof' ? `missing operator after '${f.text}'` : `expected an operator after '${f.text}' but found '${o.text}'`, o.col);
    const op = o.text as FilterOp;
    const v = next();
    if (v.kind !== 'word' && v.kind !== 'string') throw err(v.kind === 'eof' ? `missing value after '${op}'` : `expected a value after '${op}' but found '${v.text}'`, v.col);
    if (field.type.kind === 'chars') {
      if (op !== '==' && op !== '!=' && op !== '~') throw err(`operator '${op}' does not apply to string field '${field.name}' (use ==, != or ~)`, o.col);
      const value = toByteString(v.text);
      const glob = op === '~' || hasGlobChars(value) ? parseGlob(value, v.valueCol) : undefined;
      return { kind: 'str', field, op, value, ...(glob ? { glob } : {}), column: f.col };
    }
    if (op === '~') throw err(`operator '~' (glob) applies to string fields only; '${field.name}' is a number`, o.col);
    if (v.kind === 'string') throw err(`'${field.name}' is a number; "${v.text}" is a string`, v.col);
    const n = parseInteger(v.text);
    if (n === undefined) throw err(`'${v.text}' is not a number`, v.col);
    if (n >= 1n << 64n || n < -(1n << 63n)) throw err(`'${v.text}' does not fit in 64 bits`, v.col);
    const big = castBig(n, field.type.size, field.type.signed);
    const num = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : NaN;
    return { kind: 'num', field, op, value: { big, num }, column: f.col };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== 'eof') throw err(rest.kind === 'rparen' ? `unbalanced ')'` : `unexpected '${rest.text}' (expected && or ||)`, rest.col);
  return tree;
}

/** Every field a filter reads, in first-use order. */
export function filterFields(node: FilterNode): EventField[] {
  const out: EventField[] = [];
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        walk(n.left);
        walk(n.right);
        return;
      case 'not':
        walk(n.expr);
        return;
      default:
        if (!out.includes(n.field)) out.push(n.field);
    }
  };
  walk(node);
  return out;
}

/** Renders a parse error as ftrace does: the filter, a caret under the column, the message. */
export function caretMessage(src: string, e: ParseError): string {
  return `${src}\n${' '.repeat(Math.max(0, e.column - 1))}^\nparse_error: ${e.message.replace(/^\d+:\d+: /, '')}`;
}
