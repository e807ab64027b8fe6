/**
 * CheckerError: a refusal with its machine-readable reason, the slot index of the instruction,
 * the verifier log (Linux style) and the register state where it happened. `message` is the
 * one-line summary; {@link CheckerError.formatLog} renders the log for people.
 */
import { EbpfError } from '../errors.js';
import type { RejectReason } from './reasons.js';

/** The abstract state at the refused instruction, as text per register and stack slot. */
export interface CheckerState {
  /** Call frame depth (0 = main program). */
  readonly frame: number;
  /** Initialized registers: `R1` → `ctx()`, `R2` → `fp-8`, ... */
  readonly regs: Readonly<Record<string, string>>;
  /** Initialized stack slots of the current frame: `fp-8` → `mmmmmmmm` or a spilled register. */
  readonly stack: Readonly<Record<string, string>>;
}

/** Options of {@link CheckerError.formatLog}. */
export interface FormatLogOptions {
  /** Lines to keep from the start (default: all when the log is short, else 10). */
  readonly head?: number;
  /** Lines to keep from the end (default 40). */
  readonly tail?: number;
  /** Prefix the refused instruction's line with `>` (default true). */
  readonly marker?: boolean;
}

/** The checker refused a program. */
export class CheckerError extends EbpfError {
  /** Why (a stable id; see `reasons.ts`). */
  readonly reason: RejectReason;
  /** Slot index of the refused instruction (-1 when the program as a whole is refused). */
  readonly insn: number;
  /** The reason in words, without the instruction. */
  readonly detail: string;
  /** Linux-verifier-style log of the run up to the refusal. */
  readonly log: readonly string[];
  /** Log lines dropped before `log` because the log exceeded its cap. */
  readonly omitted: number;
  /** Register and stack state at the refused instruction, when the walk had one. */
  readonly state: CheckerState | undefined;

  constructor(fields: {
    reason: RejectReason;
    insn: number;
    detail: string;
    disasm?: string;
    log?: readonly string[];
    omitted?: number;
    state?: CheckerState;
  }) {
    const where = fields.insn >= 0 ? `: ${fields.insn}${fields.disasm ? ` ${fields.disasm}` : ''}` : '';
    const omitted = fields.omitted ?? 0;
    super('CHECK', `check: ${fields.detail}${where}${omitted > 0 ? ` (${omitted} log lines omitted)` : ''}`);
    this.reason = fields.reason;
    this.insn = fields.insn;
    this.detail = fields.detail;
    this.log = fields.log ?? [];
    this.omitted = omitted;
    this.state = fields.state;
  }

  /** True when `v` is a CheckerError from any copy of @ebpf/core. */
  static isCheckerError(v: unknown): v is CheckerError {
    return EbpfError.is(v) && v.code === 'CHECK' && typeof (v as CheckerError).reason === 'string';
  }

  /**
   * The log as text: the first `head` and last `tail` lines with a count of what lies between,
   * and `>` before the line of the refused instruction.
   */
  formatLog(options: FormatLogOptions = {}): string {
    return formatLogLines(this.log, this.insn, options, this.omitted);
  }
}

/**
 * Renders log lines (see {@link CheckerError.formatLog}); `markInsn` is the slot whose last
 * line gets the `>` marker, `omitted` lines already dropped before the first line.
 */
export function formatLogLines(lines: readonly string[], markInsn: number, options: FormatLogOptions = {}, omitted = 0): string {
  const tail = options.tail ?? 40;
  const head = options.head ?? (lines.length <= tail + 10 ? lines.length : 10);
  const marker = options.marker ?? true;
  let markAt = -1;
  if (marker && markInsn >= 0) {
    const prefix = `${markInsn}: (`;
    for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.startsWith(prefix)) { markAt = i; break; }
  }
  const render = (i: number): string => (marker ? (i === markAt ? '> ' : '  ') : '') + lines[i]!;
  const out: string[] = [];
  if (omitted > 0) out.push(`... ${omitted} earlier lines omitted ...`);
  if (head + tail >= lines.length) {
    for (let i = 0; i < lines.length; i++) out.push(render(i));
  } else {
    for (let i = 0; i < head; i++) out.push(render(i));
    out.push(`... ${lines.length - head - tail} lines omitted ...`);
    for (let i = lines.length - tail; i < lines.length; i++) out.push(render(i));
  }
  return out.join('\n');
}
