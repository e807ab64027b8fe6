/**
 * Assembler: text in the bpf_conformance `.data` syntax → `Insn[]` with every label resolved.
 * `mov %r0, 1`, `ldxw %r0, [%r1+2]`, `jeq %r1, 0, +2` or `jeq %r1, 0, out`, `lddw %r0, 0x...`,
 * `be16 %r0`, `lock fetch add32 [%r10-8], %r1`, `call 1` / `call local f` / `call %r2`, labels
 * (`out:`), `#` and `//` comments. Mnemonics come from `isa/mnemonics.ts`; errors are ParseErrors.
 */
import { ParseError } from '../errors.js';
import { insn as makeInsn, slotIndexes, type Insn } from '../isa/insn.js';
import { mnemonicsForName, type Mnemonic, type OperandForm } from '../isa/mnemonics.js';
import { CallSrc, LdImmSrc, Op } from '../isa/opcodes.js';
import { REG_COUNT } from '../isa/registers.js';
import { LDDW_PSEUDO_NAMES } from './pseudo.js';

/** Options of {@link parseAsm}. */
export interface ParseOptions {
  /** `seed` also accepts the seed-only `lock add8` / `lock add16`. Default `rfc`. */
  readonly dialect?: 'rfc' | 'seed';
}

/** A token with its 1-based column. */
interface Tok {
  readonly text: string;
  readonly col: number;
}

/** A jump whose target is a label, fixed up after the whole text is read. */
interface Pending {
  readonly index: number;
  readonly label: string;
  readonly line: number;
  readonly col: number;
}

const LABEL_RE = /^([A-Za-z_.$][\w.$]*)\s*:/;
const NUM_RE = /^[+-]?(?:0x[0-9a-f]+|[0-9]+)$/i;
const IDENT_RE = /^[A-Za-z_.$][\w.$]*$/;

/**
 * Assembles `text` into instructions; jump targets that name labels become slot offsets.
 * As in bpf_conformance, the label `exit` refers to the first `exit` unless defined explicitly.
 * @throws {@link ParseError} (line, column) for an unknown mnemonic, wrong operands, a bad
 * register or number, a duplicate or undefined label, or an offset that does not fit.
 */
export function parseAsm(text: string, opts: ParseOptions = {}): Insn[] {
  const insns: Insn[] = [];
  const lines: number[] = [];
  const labels = new Map<string, { index: number; line: number }>();
  const pending: Pending[] = [];
  let firstExit = -1;

  text.split(/\r?\n/).forEach((rawLine, li) => {
    const line = li + 1;
    let body = stripComment(rawLine);
    let col = 1;
    for (;;) {
      const lead = body.length - body.trimStart().length;
      body = body.trimStart();
      col += lead;
      const m = LABEL_RE.exec(body);
      if (!m) break;
      const name = m[1]!;
      const prev = labels.get(name);
      if (prev) throw new ParseError(`duplicate label '${name}' (first defined on line ${prev.line})`, line, col);
      labels.set(name, { index: insns.length, line });
      body = body.slice(m[0].length);
      col += m[0].length;
    }
    body = body.trimEnd();
    if (body === '') return;
    const parsed = parseInsn(body, col, line, opts);
    if (parsed.target) pending.push({ index: insns.length, ...parsed.target, line });
    if (parsed.insn.code === Op.EXIT && firstExit < 0) firstExit = insns.length;
    insns.push(parsed.insn);
    lines.push(line);
  });

  if (!labels.has('exit') && firstExit >= 0) labels.set('exit', { index: firstExit, line: lines[firstExit]! });
  if (pending.length === 0) return insns;
  const slots = slotIndexes(insns);
  const end = insns.length === 0 ? 0 : slots[insns.length - 1]! + (insns[insns.length - 1]!.code === Op.LDDW ? 2 : 1);
  for (const p of pending) {
    const def = labels.get(p.label);
    if (!def) throw new ParseError(`label '${p.label}' not defined`, p.line, p.col);
    const toSlot = def.index < insns.length ? slots[def.index]! : end;
    const delta = toSlot - slots[p.index]! - 1;
    const insn = insns[p.index]!;
    if (insn.code === Op.JA32 || insn.code === Op.CALL) {
      insns[p.index] = makeInsn({ ...insn, imm: delta });
    } else if (insn.code === Op.LDDW) {
      insns[p.index] = makeInsn({ ...insn, imm: delta, imm64: BigInt.asUintN(32, BigInt(delta)) });
    } else {
      if (delta < -0x8000 || delta > 0x7fff) throw new ParseError(`jump to '${p.label}' is out of range (offset ${delta}); use ja32`, p.line, p.col);
      insns[p.index] = makeInsn({ ...insn, off: delta });
    }
  }
  return insns;
}

function stripComment(line: string): string {
  let cut = line.length;
  const hash = line.indexOf('#');
  if (hash >= 0) cut = hash;
  const slashes = line.indexOf('//');
  if (slashes >= 0 && slashes < cut) cut = slashes;
  return line.slice(0, cut);
}

/** Splits operands on top-level commas (not inside `[...]` or `(...)`), keeping columns. */
function splitOperands(text: string, col: number, line: number): Tok[] {
  const out: Tok[] = [];
  if (text.trim() === '') return out;
  let depth = 0;
  let start = 0;
  const push = (endIdx: number): void => {
    const piece = text.slice(start, endIdx);
    const lead = piece.length - piece.trimStart().length;
    const t = piece.trim();
    if (t === '') throw new ParseError('empty operand', line, col + start);
    out.push({ text: t, col: col + start + lead });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(text.length);
  return out;
}

interface Parsed {
  readonly insn: Insn;
  readonly target?: { readonly label: string; readonly col: number };
}

function parseInsn(body: string, col: number, line: number, opts: ParseOptions): Parsed {
  const words = /^(\S+)/.exec(body)!;
  let name = words[1]!.toLowerCase();
  let rest = body.slice(words[0].length);
  let restCol = col + words[0].length;
  if (name === 'lock') {
    // lock [fetch] op[32] [dst+off], src
    const m = /^(\s+)(fetch\s+)?(\S+)/i.exec(rest);
    if (!m) throw new ParseError("'lock' needs an operation (add, or, and, xor, xchg, cmpxchg)", line, col);
    name = `lock ${m[2] ? 'fetch ' : ''}${m[3]!.toLowerCase()}`;
    rest = rest.slice(m[0].length);
    restCol += m[0].length;
  }
  let candidates = mnemonicsForName(name);
  if (opts.dialect !== 'seed') candidates = candidates.filter((c) => !c.seedOnly);
  if (candidates.length === 0) throw new ParseError(`unknown mnemonic '${name}'`, line, col);

  if (name === 'call' || name === 'callx') return parseCall(rest, restCol, line, candidates);
  const ops = splitOperands(rest, restCol, line);
  const m = pickByOperands(candidates, ops);
  const expect = (n: number): void => {
    if (ops.length !== n) {
      throw new ParseError(`${name} takes ${n} operand${n === 1 ? '' : 's'} (${syntaxOf(m)}), got ${ops.length}`, line, ops[n]?.col ?? col);
    }
  };
  const base = { code: m.code, ...(m.off !== undefined ? { off: m.off } : {}), ...(m.imm !== undefined ? { imm: m.imm } : {}) };
  switch (m.form) {
    case 'alu-reg':
      expect(2);
      return { insn: makeInsn({ ...base, dst: reg(ops[0]!, line), src: reg(ops[1]!, line) }) };
    case 'alu-imm':
      expect(2);
      return { insn: makeInsn({ ...base, dst: reg(ops[0]!, line), imm: imm32(ops[1]!, line) }) };
    case 'unary':
      expect(1);
      return { insn: makeInsn({ ...base, dst: reg(ops[0]!, line) }) };
    case 'ldx': {
      expect(2);
      const mem = memory(ops[1]!, line);
      return { insn: makeInsn({ ...base, dst: reg(ops[0]!, line), src: mem.reg, off: mem.off }) };
    }
    case 'st': {
      expect(2);
      const mem = memory(ops[0]!, line);
      return { insn: makeInsn({ ...base, dst: mem.reg, off: mem.off, imm: imm32(ops[1]!, line) }) };
    }
    case 'stx':
    case 'atomic': {
      expect(2);
      const mem = memory(ops[0]!, line);
      return { insn: makeInsn({ ...base, dst: mem.reg, off: mem.off, src: reg(ops[1]!, line) }) };
    }
    case 'jmp-reg':
    case 'jmp-imm': {
      expect(3);
      const dst = reg(ops[0]!, line);
      const second = m.form === 'jmp-reg' ? { src: reg(ops[1]!, line) } : { imm: imm32(ops[1]!, line) };
      return withTarget({ ...base, dst, ...second }, ops[2]!, 'off', line);
    }
    case 'ja':
      expect(1);
      return withTarget(base, ops[0]!, 'off', line);
    case 'gotol':
      expect(1);
      return withTarget(base, ops[0]!, 'imm', line);
    case 'exit':
      expect(0);
      return { insn: makeInsn(base) };
    case 'lddw':
      expect(2);
      return parseLddw(reg(ops[0]!, line), ops[1]!, line);
    case 'ldabs':
      expect(1);
      return { insn: makeInsn({ ...base, imm: imm32(ops[0]!, line) }) };
    case 'ldind':
      expect(2);
      return { insn: makeInsn({ ...base, src: reg(ops[0]!, line), imm: imm32(ops[1]!, line) }) };
    default:
      throw new ParseError(`'${name}' cannot be written with these operands`, line, col);
  }
}

/** Chooses between the register and the immediate form of `mov`, `jeq`, ... */
function pickByOperands(candidates: readonly Mnemonic[], ops: readonly Tok[]): Mnemonic {
  if (candidates.length === 1) return candidates[0]!;
  const regForm: OperandForm[] = ['alu-reg', 'jmp-reg'];
  const second = ops[1]?.text ?? '';
  const isReg = /^%?r\d+$/i.test(second);
  return candidates.find((c) => regForm.includes(c.form) === isReg) ?? candidates[0]!;
}

function syntaxOf(m: Mnemonic): string {
  switch (m.form) {
    case 'alu-reg': return `${m.name} %dst, %src`;
    case 'alu-imm': return `${m.name} %dst, imm`;
    case 'unary': return `${m.name} %dst`;
    case 'ldx': return `${m.name} %dst, [%src+off]`;
    case 'st': return `${m.name} [%dst+off], imm`;
    case 'stx':
    case 'atomic': return `${m.name} [%dst+off], %src`;
    case 'jmp-reg': return `${m.name} %dst, %src, target`;
    case 'jmp-imm': return `${m.name} %dst, imm, target`;
    case 'ja':
    case 'gotol': return `${m.name} target`;
    case 'lddw': return `${m.name} %dst, imm64`;
    case 'ldabs': return `${m.name} imm`;
    case 'ldind': return `${m.name} %src, imm`;
    default: return m.name;
  }
}

function withTarget(fields: Partial<Insn> & { code: number }, tok: Tok, field: 'off' | 'imm', line: number): Parsed {
  if (NUM_RE.test(tok.text)) {
    const v = field === 'off' ? int(tok, line, -0x8000, 0x7fff, 'jump offset') : int(tok, line, -0x80000000, 0x7fffffff, 'jump offset');
    return { insn: makeInsn({ ...fields, [field]: v }) };
  }
  if (!IDENT_RE.test(tok.text)) throw new ParseError(`expected a jump offset (+N, -N) or a label, got '${tok.text}'`, line, tok.col);
  return { insn: makeInsn(fields), target: { label: tok.text, col: tok.col } };
}

function parseCall(rest: string, col: number, line: number, candidates: readonly Mnemonic[]): Parsed {
  const words: Tok[] = [];
  const re = /\S+/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) words.push({ text: m[0], col: col + m.index });
  const first = words[0];
  if (!first) throw new ParseError('call needs a target: a helper id or name, local TARGET, runtime ID or %rN', line, col);
  const byForm = (f: OperandForm): Mnemonic => candidates.find((c) => c.form === f) ?? candidates[0]!;
  const only = (n: number): void => {
    if (words.length !== n) throw new ParseError(`unexpected operand '${words[n]?.text}'`, line, words[n]?.col ?? col);
  };
  const kind = first.text.toLowerCase();
  if (kind === 'local') {
    only(2);
    return withTarget({ code: Op.CALL, src: CallSrc.LOCAL }, words[1]!, 'imm', line);
  }
  if (kind === 'runtime') {
    only(2);
    return { insn: makeInsn({ code: Op.CALL, src: CallSrc.KFUNC, imm: imm32(words[1]!, line) }) };
  }
  if (kind === 'helper') {
    only(2);
    words.shift();
  } else {
    only(1);
  }
  const target = words[0]!;
  if (/^%?r\d+$/i.test(target.text)) return { insn: makeInsn({ code: byForm('callx').code, dst: reg(target, line) }) };
  if (NUM_RE.test(target.text)) return { insn: makeInsn({ code: Op.CALL, imm: imm32(target, line) }) };
  if (IDENT_RE.test(target.text)) return { insn: makeInsn({ code: Op.CALL, helperName: target.text }) };
  throw new ParseError(`bad call target '${target.text}'`, line, target.col);
}

function parseLddw(dst: number, tok: Tok, line: number): Parsed {
  if (NUM_RE.test(tok.text)) {
    const v = bigNum(tok, line);
    if (v < -(1n << 63n) || v > (1n << 64n) - 1n) throw new ParseError(`lddw immediate ${tok.text} does not fit 64 bits`, line, tok.col);
    const imm64 = BigInt.asUintN(64, v);
    return { insn: makeInsn({ code: Op.LDDW, dst, imm: Number(BigInt.asIntN(32, imm64)), imm64 }) };
  }
  const m = /^([a-z_]+)\s*\(\s*([^,)]*?)\s*(?:,\s*([^)]*?)\s*)?\)$/i.exec(tok.text);
  const src = m ? LDDW_PSEUDO_NAMES.indexOf(m[1]!.toLowerCase()) : -1;
  if (!m || src <= 0) {
    throw new ParseError(`expected a 64-bit number or ${LDDW_PSEUDO_NAMES.slice(1).map((n) => `${n}(...)`).join(', ')}, got '${tok.text}'`, line, tok.col);
  }
  const argCol = tok.col + tok.text.indexOf('(') + 1;
  const a = { text: m[2]!, col: argCol };
  const two = src === LdImmSrc.MAP_VALUE_BY_FD || src === LdImmSrc.MAP_VALUE_BY_IDX;
  if (two !== (m[3] !== undefined)) throw new ParseError(`${m[1]}(...) takes ${two ? 'two arguments (map, offset)' : 'one argument'}`, line, tok.col);
  if (src === LdImmSrc.CODE_ADDR) return withTarget({ code: Op.LDDW, dst, src }, a, 'imm', line);
  const lo = int(a, line, -0x80000000, 0xffffffff, 'pseudo argument');
  const hi = two ? int({ text: m[3]!, col: argCol }, line, -0x80000000, 0xffffffff, 'offset') : 0;
  const imm64 = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return { insn: makeInsn({ code: Op.LDDW, dst, src, imm: lo | 0, imm64 }) };
}

function reg(tok: Tok, line: number): number {
  const m = /^%?r(\d+)$/i.exec(tok.text) ?? (/^%?fp$/i.test(tok.text) ? ['', '10'] : null);
  if (!m) throw new ParseError(`expected a register (%r0..%r10), got '${tok.text}'`, line, tok.col);
  const n = Number(m[1]);
  if (n >= REG_COUNT) throw new ParseError(`invalid register '${tok.text}' (registers are %r0..%r10)`, line, tok.col);
  return n;
}

function memory(tok: Tok, line: number): { reg: number; off: number } {
  const m = /^\[\s*(%?\w+)\s*(?:([+-])\s*(\w+)\s*)?\]$/.exec(tok.text);
  if (!m) throw new ParseError(`expected a memory operand [%rN+off], got '${tok.text}'`, line, tok.col);
  const r = reg({ text: m[1]!, col: tok.col + 1 }, line);
  if (m[2] === undefined) return { reg: r, off: 0 };
  const offCol = tok.col + tok.text.indexOf(m[3]!, 1 + m[1]!.length);
  const v = int({ text: m[2] + m[3]!, col: offCol }, line, -0x8000, 0xffff, 'memory offset');
  return { reg: r, off: (v << 16) >> 16 };
}

function imm32(tok: Tok, line: number): number {
  return int(tok, line, -0x80000000, 0xffffffff, 'immediate') | 0;
}

function bigNum(tok: Tok, line: number): bigint {
  if (!NUM_RE.test(tok.text)) throw new ParseError(`expected a number, got '${tok.text}'`, line, tok.col);
  const neg = tok.text.startsWith('-');
  const digits = tok.text.replace(/^[+-]/, '');
  const v = BigInt(digits);
  return neg ? -v : v;
}

function int(tok: Tok, line: number, min: number, max: number, what: string): number {
  const v = bigNum(tok, line);
  if (v < BigInt(min) || v > BigInt(max)) throw new ParseError(`${what} ${tok.text} is out of range (${min}..${max})`, line, tok.col);
  return Number(v);
}
