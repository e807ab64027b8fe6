/**
 * The checker's second pass (the seed's `__bpf_check`): simulates every path from the first
 * instruction with the abstract state, applying the rules of `alu.ts`, `mem-access.ts`,
 * `call.ts` and `jump.ts`; handles `lddw`, bpf-to-bpf calls and exits itself. States at jump
 * targets are remembered: a later state covered by a finished one is pruned, one equal to a
 * state still being explored is a loop without progress. Limits bound the work: processed
 * instructions and pending branches. Structural checks come first, in `cfg.ts`.
 */
import type { LoweredProgram } from '../engine/lowered.js';
import type { Insn } from '../isa/insn.js';
import { Class, LdImmSrc, Mode, opClass } from '../isa/opcodes.js';
import type { BpfMap } from '../maps/bpf-map.js';
import type { HelperDef, Subsystem } from '../subsystem/subsystem.js';
import { checkAlu } from './alu.js';
import { checkHelperCall } from './call.js';
import type { Cfg } from './cfg.js';
import { CheckerError } from './checker-error.js';
import type { CheckEnv } from './env.js';
import { checkCondJump } from './jump.js';
import { VerifierLog, frameRecord } from './log.js';
import { checkAtomic, checkLoad, checkStore } from './mem-access.js';
import { dropLonelyIds, stateHash, statesMatch } from './prune.js';
import { type ReasonParams, type RejectReason, formatReason } from './reasons.js';
import {
  type Reg, type VState, FRAME_SLOTS, REG_NOT_INIT, REG_UNKNOWN, cloneState, curFrame, isPointer, newFrame, ptrReg, regText, scalarReg,
} from './reg-state.js';
import { isConst, scalarConst, scalarText } from './scalar.js';

/** Settings of one walk (resolved from the check options and the dialect). */
export interface WalkSettings {
  readonly maxProcessed: number;
  readonly maxPendingBranches: number;
  readonly maxCallFrames: number;
  readonly maxStatesPerInsn: number;
  /** Most states remembered over the whole walk (bounds memory; later states are not stored). */
  readonly maxStates: number;
  readonly seed: boolean;
  readonly stackLimit: number;
  readonly license: string;
  readonly gplCompatible: boolean;
  readonly verbose: boolean;
  readonly logLines: number;
}

/** What a successful walk found. */
export interface WalkResult {
  readonly processed: number;
  readonly states: number;
  readonly pruned: number;
  /** Helpers called, by id. */
  readonly helpers: ReadonlyMap<number, HelperDef>;
  /** The helper each direct `call` slot names (for resolving seed calls by name). */
  readonly helperAt: ReadonlyMap<number, HelperDef>;
  /** Stack bytes used per function. */
  readonly stackDepth: readonly number[];
  /** The log (verbose runs only; empty otherwise). */
  readonly log: readonly string[];
}

/** A remembered state at a prune point, in the tree of paths (Linux's `branches` counting). */
interface Node {
  /** Paths or child nodes below this one still being explored. */
  pending: number;
  readonly parent: Node | undefined;
  readonly state: VState | undefined;
  /** Stack slots (frame * 64 + slot) some path below reads before writing: the live slots. */
  readonly reads: Uint8Array;
  /** Slots the path wrote between the parent and this node (they hide reads from the parent). */
  readonly screen: Uint8Array | undefined;
  /** {@link stateHash} of `state` (equal states hash the same). */
  readonly hash: number;
}

interface PendingPath {
  readonly pc: number;
  readonly st: VState;
  readonly node: Node;
  readonly from: number;
}

/** One simulation of a program. Construct, then {@link Walker.run}. */
export class Walker implements CheckEnv {
  pc = 0;
  st: VState;
  private node: Node;
  private readonly pending: PendingPath[] = [];
  private readonly stored: Array<Node[] | undefined>;
  private ids = 0;
  private processed = 0;
  private states = 0;
  private pruned = 0;
  private readonly helpersUsed = new Map<number, HelperDef>();
  private readonly helperAt = new Map<number, HelperDef>();
  private readonly depth: number[];
  /** Stack slots tracked for liveness: frames * 64. */
  private readonly slots: number;
  readonly log: VerifierLog;

  constructor(
    readonly p: LoweredProgram,
    readonly cfg: Cfg,
    readonly subsystem: Subsystem,
    readonly maps: readonly BpfMap[],
    private readonly settings: WalkSettings,
  ) {
    this.stored = new Array<Node[] | undefined>(p.length).fill(undefined);
    this.depth = cfg.funcs.map(() => 0);
    const mapName = (i: number): string => maps[i]?.spec.name ?? String(i);
    this.log = new VerifierLog(cfg.insnAt, subsystem, mapName, settings.logLines);
    const main = newFrame(0, -1, 0);
    main.regs[1] = ptrReg('ctx');
    for (const r of subsystem.entryScalars ?? []) if (r >= 2 && r <= 5) main.regs[r] = REG_UNKNOWN;
    this.slots = settings.maxCallFrames * FRAME_SLOTS;
    this.st = { frames: [main], refs: [], written: new Uint8Array(this.slots) };
    this.node = { pending: 1, parent: undefined, state: undefined, reads: new Uint8Array(this.slots), screen: undefined, hash: 0 };
  }

  get seed(): boolean { return this.settings.seed; }
  get stackLimit(): number { return this.settings.stackLimit; }
  get gplCompatible(): boolean { return this.settings.gplCompatible; }
  get license(): string { return this.settings.license; }
  get maxCallFrames(): number { return this.settings.maxCallFrames; }

  newId(): number {
    return ++this.ids;
  }

  readReg(r: number): Reg {
    const v = curFrame(this.st).regs[r]!;
    if (v.type === 'not_init') this.fail('REG_NOT_INIT', { reg: r });
    return v;
  }

  writeReg(r: number, v: Reg): void {
    if (r === 10) this.fail('FP_WRITE');
    curFrame(this.st).regs[r] = v;
  }

  noteStackDepth(frame: number, bytes: number): void {
    const f = this.st.frames[frame]!.func;
    if (bytes > this.depth[f]!) this.depth[f] = bytes;
  }

  noteStackRead(frame: number, lo: number, hi: number): void {
    const base = frame * FRAME_SLOTS;
    const w = this.st.written;
    const r = this.node.reads;
    for (let k = base + (lo >> 3), end = base + ((hi - 1) >> 3); k <= end; k++) if (w[k] === 0) r[k] = 1;
  }

  noteStackWrite(frame: number, lo: number, hi: number): void {
    const base = frame * FRAME_SLOTS;
    for (let slot = (lo + 7) >> 3; slot * 8 + 8 <= hi; slot++) this.st.written[base + slot] = 1;
  }

  noteHelper(def: HelperDef, pc: number): void {
    this.helpersUsed.set(def.id, def);
    if (pc >= 0) this.helperAt.set(pc, def);
  }

  fail(reason: RejectReason, params: ReasonParams = {}): never {
    const detail = formatReason(reason, params);
    this.log.push(detail);
    const f = curFrame(this.st);
    const mapName = (i: number): string => this.maps[i]?.spec.name ?? String(i);
    throw new CheckerError({
      reason,
      insn: this.pc,
      detail,
      disasm: this.log.disasm(this.pc),
      log: this.log.lines(),
      omitted: this.log.omitted,
      state: { frame: this.st.frames.length - 1, ...frameRecord(f, mapName) },
    });
  }

  /**
   * Walks every path.
   * @throws {@link CheckerError} at the first unsafe instruction or exceeded limit.
   */
  run(): WalkResult {
    const s = this.settings;
    this.log.push('func#0 @0');
    if (s.verbose) this.log.push(`0: ${this.log.stateText(this.st)}`);
    let pc = 0;
    for (;;) {
      if (pc < 0) {
        this.endPath();
        const next = this.pending.pop();
        if (!next) break;
        this.st = next.st;
        this.node = next.node;
        pc = next.pc;
        this.log.push(s.verbose ? `from ${next.from} to ${pc}: ${this.log.stateText(this.st)}` : `from ${next.from} to ${pc}`);
      }
      this.pc = pc;
      if (++this.processed > s.maxProcessed) this.fail('TOO_COMPLEX', { processed: this.processed - 1, limit: s.maxProcessed });
      if (this.cfg.pruneAt[pc] && this.prunePoint(pc)) {
        this.log.push(`${pc}: safe`);
        this.pruned++;
        pc = -1;
        continue;
      }
      this.log.insn(pc);
      pc = this.step(pc);
      if (s.verbose) this.log.annotateLast(this.st);
    }
    this.log.push(`processed ${this.processed} insns (limit ${s.maxProcessed}) total_states ${this.states} pruned ${this.pruned}`);
    return {
      processed: this.processed,
      states: this.states,
      pruned: this.pruned,
      helpers: this.helpersUsed,
      helperAt: this.helperAt,
      stackDepth: this.depth,
      log: s.verbose ? this.log.lines() : [],
    };
  }

  private endPath(): void {
    let n: Node | undefined = this.node;
    while (n) {
      n.pending--;
      if (n.pending > 0) break;
      // Finished: what its subtree reads, less what the way down to it wrote, is read by the parent.
      const p: Node | undefined = n.parent;
      if (p) {
        const { reads, screen } = n;
        for (let k = 0; k < reads.length; k++) if (reads[k] === 1 && screen![k] === 0) p.reads[k] = 1;
      }
      n = p;
    }
  }

  private pushBranch(pc: number, st: VState, from: number): void {
    if (this.pending.length >= this.settings.maxPendingBranches) {
      this.fail('TOO_MANY_BRANCHES', { limit: this.settings.maxPendingBranches });
    }
    this.pending.push({ pc, st, node: this.node, from });
    this.node.pending++;
  }

  /** At a jump target: true when the current state is covered by a finished one (prune it). */
  private prunePoint(pc: number): boolean {
    dropLonelyIds(this.st);
    let list = this.stored[pc];
    if (!list) this.stored[pc] = list = [];
    let hash: number | undefined;
    for (const n of list) {
      if (n.pending === 0) {
        if (statesMatch(n.state!, this.st, this.cfg, pc, 'covers', n.reads)) {
          // The pruned path would have read what the covering state's continuations read.
          const w = this.st.written;
          const r = this.node.reads;
          for (let k = 0; k < n.reads.length; k++) if (n.reads[k] === 1 && w[k] === 0) r[k] = 1;
          return true;
        }
      } else {
        hash ??= stateHash(this.st, this.cfg, pc);
        if (n.hash === hash && statesMatch(n.state!, this.st, this.cfg, pc, 'equal')) this.fail('INFINITE_LOOP', { insn: pc });
      }
    }
    if (list.length < this.settings.maxStatesPerInsn && this.states < this.settings.maxStates) {
      const node: Node = {
        pending: 1, parent: this.node, state: cloneState(this.st), reads: new Uint8Array(this.slots), screen: this.st.written.slice(),
        hash: hash ?? stateHash(this.st, this.cfg, pc),
      };
      this.st.written.fill(0);
      list.push(node);
      this.node = node;
      this.states++;
    }
    return false;
  }

  /** Checks the instruction at `pc`; returns the next slot, or -1 when the path ends. */
  private step(pc: number): number {
    const insn = this.cfg.insnAt[pc]!;
    const m = this.cfg.mnemonicAt[pc]!;
    switch (opClass(insn.code)) {
      case Class.ALU:
      case Class.ALU64:
        checkAlu(this, insn, m);
        return pc + 1;
      case Class.LDX:
        checkLoad(this, insn, m);
        return pc + 1;
      case Class.ST:
        checkStore(this, insn, m);
        return pc + 1;
      case Class.STX:
        if ((insn.code & 0xe0) === Mode.ATOMIC) checkAtomic(this, insn, m);
        else checkStore(this, insn, m);
        return pc + 1;
      case Class.LD:
        this.ldImm64(insn);
        return pc + 2;
      default:
        return this.jump(pc, insn, m.form);
    }
  }

  private jump(pc: number, insn: Insn, form: string): number {
    switch (form) {
      case 'ja': return pc + insn.off + 1;
      case 'gotol': return pc + insn.imm + 1;
      case 'exit': return this.exit();
      case 'call': {
        const def = insn.helperName !== undefined ? this.subsystem.getFuncProto(insn.helperName) : this.subsystem.getFuncProto(insn.imm);
        if (!def) this.fail('UNKNOWN_HELPER', { name: insn.helperName ?? `#${insn.imm}` });
        this.noteHelper(def, pc);
        checkHelperCall(this, def);
        return pc + 1;
      }
      case 'callx': {
        const r = this.readReg(insn.dst);
        const def = r.type === 'scalar' && isConst(r.s) && r.s.umin < 0x8000_0000n ? this.subsystem.getFuncProto(Number(r.s.umin)) : undefined;
        if (!def) this.fail('CALLX_UNKNOWN', { reg: insn.dst, type: r.type === 'scalar' ? scalarText(r.s) : r.type });
        this.noteHelper(def, -1);
        checkHelperCall(this, def);
        return pc + 1;
      }
      case 'call-local': return this.localCall(pc, insn);
      default: {
        const plan = checkCondJump(this, insn, this.cfg.mnemonicAt[pc]!);
        const target = pc + insn.off + 1;
        switch (plan.kind) {
          case 'fall': return pc + 1;
          case 'taken': return target;
          case 'none': return -1;
          case 'both':
            this.pushBranch(target, plan.other, pc);
            return pc + 1;
        }
      }
    }
  }

  private localCall(pc: number, insn: Insn): number {
    const frames = this.st.frames;
    if (frames.length >= this.settings.maxCallFrames) this.fail('CALL_DEPTH', { frames: frames.length + 1 });
    const target = pc + insn.imm + 1;
    const caller = curFrame(this.st);
    const f = newFrame(frames.length, pc, this.cfg.funcOf[target]!);
    for (let r = 1; r <= 5; r++) f.regs[r] = caller.regs[r]!;
    frames.push(f);
    this.log.push(`func#${f.func} @${target} (frame ${frames.length - 1})`);
    return target;
  }

  private exit(): number {
    const frames = this.st.frames;
    const r0 = curFrame(this.st).regs[0]!;
    if (frames.length > 1) {
      if (r0.type === 'not_init') this.fail('R0_NOT_INIT');
      if (r0.type === 'stack' && r0.frame >= frames.length - 1) this.fail('STACK_PTR_ESCAPE', { frame: r0.frame, into: frames.length - 2 });
      const callee = frames.pop()!;
      const caller = curFrame(this.st);
      caller.regs[0] = r0;
      for (let r = 1; r <= 5; r++) caller.regs[r] = REG_NOT_INIT;
      this.log.push(`returning from callee to caller at ${callee.callsite + 1}`);
      return callee.callsite + 1;
    }
    if (!this.settings.seed) {
      if (r0.type === 'not_init') this.fail('R0_NOT_INIT');
      if (isPointer(r0)) this.fail('R0_LEAKS_ADDR');
      const range = this.subsystem.returnRange;
      if (range && (r0.s.smin < range.min || r0.s.smax > range.max)) {
        this.fail('RETURN_RANGE', { value: regText(r0), min: range.min, max: range.max });
      }
    }
    if (this.st.refs.length > 0) this.fail('UNRELEASED_REF', { id: this.st.refs[0]!.id, insn: this.st.refs[0]!.insn });
    return -1;
  }

  private ldImm64(insn: Insn): void {
    if (insn.dst === 10) this.fail('FP_WRITE');
    const regs = curFrame(this.st).regs;
    const v = insn.imm64 ?? BigInt.asUintN(32, BigInt(insn.imm));
    switch (insn.src) {
      case LdImmSrc.IMM64:
        regs[insn.dst] = scalarReg(scalarConst(v));
        return;
      case LdImmSrc.MAP_BY_FD:
      case LdImmSrc.MAP_BY_IDX: {
        const idx = insn.imm;
        if (!this.maps[idx]) this.fail('INVALID_MAP', { detail: `map ${idx} does not exist (the program has ${this.maps.length})` });
        regs[insn.dst] = ptrReg('map_ptr', { map: idx });
        return;
      }
      default: {
        const idx = insn.imm;
        const off = Number(BigInt.asIntN(32, v >> 32n));
        const map = this.maps[idx];
        if (!map) this.fail('INVALID_MAP', { detail: `map ${idx} does not exist (the program has ${this.maps.length})` });
        if (map.spec.type !== 'array' || map.values === undefined) {
          this.fail('INVALID_MAP', { detail: `map ${map.spec.name} (${map.spec.type}) has no direct value access` });
        }
        if (off < 0 || off >= map.spec.valueSize) {
          this.fail('INVALID_MAP', { detail: `direct value offset ${off} is outside map ${map.spec.name} (value_size=${map.spec.valueSize})` });
        }
        regs[insn.dst] = ptrReg('map_value', { map: idx, off });
      }
    }
  }
}
