/**
 * The verifier log, in the style of the Linux verifier: one line per processed instruction
 * (`12: (bf) r2 = r10`), the state at path starts (`from 5 to 9: R0=0 R10=fp0`), the register
 * state after each instruction in verbose mode, and a closing `processed N insns` line. It keeps
 * a bounded tail (plus the number of lines dropped) so hostile programs cannot exhaust memory.
 */
import { formatInsn } from '../asm/format.js';
import type { Insn } from '../isa/insn.js';
import type { Subsystem } from '../subsystem/subsystem.js';
import { type Frame, type VState, regText, slotText, FRAME_SLOTS } from './reg-state.js';

/** Default number of log lines kept. */
export const DEFAULT_LOG_LINES = 4000;

/**
 * A bounded log of verifier lines. Instruction lines are kept as slot numbers and formatted only
 * when the log is read, so a check that succeeds pays almost nothing for its log.
 */
export class VerifierLog {
  private buf: Array<string | number> = [];
  private dropped = 0;
  private readonly disasmCache: Array<string | undefined>;

  constructor(
    private readonly insnAt: ReadonlyArray<Insn | undefined>,
    private readonly subsystem: Subsystem,
    private readonly mapName: (i: number) => string,
    /** Lines kept (the oldest are dropped past it). */
    private readonly cap = DEFAULT_LOG_LINES,
  ) {
    this.disasmCache = new Array<string | undefined>(insnAt.length).fill(undefined);
  }

  /** Appends a line. */
  push(line: string | number): void {
    this.buf.push(line);
    if (this.buf.length > 2 * this.cap) {
      const cut = this.buf.length - this.cap;
      this.buf.splice(0, cut);
      this.dropped += cut;
    }
  }

  /** Kernel-syntax disassembly of the instruction at `pc`: `(bf) r2 = r10`. */
  disasm(pc: number): string {
    let d = this.disasmCache[pc];
    if (d === undefined) {
      const insn = this.insnAt[pc];
      if (!insn) d = '(00) <second half of ldimm64>';
      else {
        const helperName = (id: number): string | undefined => this.subsystem.getFuncProto(id)?.name;
        d = `(${insn.code.toString(16).padStart(2, '0')}) ${formatInsn(insn, { syntax: 'kernel', helperName })}`;
      }
      this.disasmCache[pc] = d;
    }
    return d;
  }

  /** Logs the instruction at `pc` (formatted when read). */
  insn(pc: number): void {
    this.push(pc);
  }

  /** Appends the state after the last instruction line (verbose mode). */
  annotateLast(st: VState): void {
    const i = this.buf.length - 1;
    if (i < 0) return;
    this.buf[i] = `${this.line(this.buf[i]!).padEnd(40)} ; ${this.stateText(st)}`;
  }

  /** The current frame's state as one line: `R1=ctx() R10=fp0 fp-8=mmmmmmmm`. */
  stateText(st: VState): string {
    const f = st.frames[st.frames.length - 1]!;
    const parts = frameParts(f, this.mapName);
    if (st.frames.length > 1) parts.unshift(`frame${st.frames.length - 1}:`);
    return parts.join(' ');
  }

  private line(e: string | number): string {
    return typeof e === 'number' ? `${e}: ${this.disasm(e)}` : e;
  }

  /** Lines kept, oldest first. */
  lines(): string[] {
    return this.buf.map((e) => this.line(e));
  }

  /** Lines dropped because of the cap. */
  get omitted(): number {
    return this.dropped;
  }
}

/** `R<i>=<text>` for each initialized register and `fp-<n>=<text>` for each written slot. */
export function frameParts(f: Frame, mapName?: (i: number) => string): string[] {
  const parts: string[] = [];
  f.regs.forEach((r, i) => {
    if (r.type !== 'not_init') parts.push(`R${i}=${regText(r, mapName)}`);
  });
  for (let s = FRAME_SLOTS - 1; s >= 0; s--) {
    const t = slotText(f, s, mapName);
    if (t !== undefined) parts.push(`fp${(s - FRAME_SLOTS) * 8}=${t}`);
  }
  return parts;
}

/** The state of the current frame as a record (for {@link CheckerError.state}). */
export function frameRecord(f: Frame, mapName?: (i: number) => string): { regs: Record<string, string>; stack: Record<string, string> } {
  const regs: Record<string, string> = {};
  const stack: Record<string, string> = {};
  f.regs.forEach((r, i) => {
    if (r.type !== 'not_init') regs[`R${i}`] = regText(r, mapName);
  });
  for (let s = FRAME_SLOTS - 1; s >= 0; s--) {
    const t = slotText(f, s, mapName);
    if (t !== undefined) stack[`fp${(s - FRAME_SLOTS) * 8}`] = t;
  }
  return { regs, stack };
}
