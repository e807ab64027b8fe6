/**
 * Basic blocks of one BPF function (a slot range of a lowered program): leaders, terminators
 * and successor edges. Calls do not end a block (they return to the next slot). Only blocks
 * reachable from the function's first slot matter to later passes; ordering, dominators and
 * structuring are left to `order.ts` and `structure.ts`.
 */
import { EbpfError, type LoweredProgram } from '@ebpf/core';

/** How a basic block ends. */
export type Terminator =
  /** `exit`: return r0. */
  | 'exit'
  /** Unconditional jump (`ja`, `gotol`): one successor. */
  | 'goto'
  /** Conditional jump: successors [taken, fallthrough]. */
  | 'cond'
  /** Falls into the next block (which starts at a jump target): one successor. */
  | 'fall';

/** A straight-line run of slots. */
export interface BasicBlock {
  /** First slot. */
  readonly start: number;
  /** Slot of the last instruction (the terminator for exit/goto/cond). */
  readonly last: number;
  /** One past the last slot. */
  readonly end: number;
  readonly term: Terminator;
  /** Successor block indices: [taken, fallthrough] for `cond`, one for goto/fall, none for exit. */
  readonly succ: readonly number[];
}

/** The blocks of one function, in slot order; block 0 is the entry. */
export interface BlockGraph {
  readonly blocks: readonly BasicBlock[];
  /** Predecessor block indices of each block. */
  readonly preds: readonly (readonly number[])[];
}

const JMP = 0x05;
const JMP32 = 0x06;

/**
 * Jump target of the instruction at `pc` when it is a jump (conditional or not), else -1.
 * Calls and exit are not jumps.
 */
export function jumpTarget(p: LoweredProgram, pc: number): number {
  const code = p.code[pc]!;
  const cls = code & 7;
  if (cls !== JMP && cls !== JMP32) return -1;
  const op = code & 0xf0;
  if (op === 0x80 || op === 0x90) return -1; // call, exit
  if (code === 0x06) return pc + 1 + p.imm[pc]!; // gotol: 32-bit offset in imm
  return pc + 1 + p.off[pc]!;
}

/**
 * Splits slots `[start, end)` of `p` into basic blocks.
 * @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) when a jump leaves the function or control runs off
 * its end (a verified program never does either).
 */
export function buildBlocks(p: LoweredProgram, start: number, end: number): BlockGraph {
  const n = end - start;
  const leader = new Uint8Array(n + 1);
  const inner = new Uint8Array(n + 1); // second slots of lddw
  leader[0] = 1;
  leader[n] = 1;
  for (let pc = start; pc < end; pc++) {
    if (p.code[pc] === 0x18) inner[++pc - start] = 1;
  }
  const codes = p.code;
  for (let pc = start; pc < end; pc++) {
    const code = codes[pc]!;
    if (code === 0x18) {
      pc++; // second slot of lddw
      continue;
    }
    const cls = code & 7;
    const t = cls === JMP || cls === JMP32 ? jumpTarget(p, pc) : -1; // no call for the common case
    if (t >= 0) {
      if (t < start || t >= end) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: jump target ${t} is outside its function [${start}, ${end})`);
      if (inner[t - start]) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: jump target ${t} is the second slot of lddw`);
      leader[t - start] = 1;
      leader[pc + 1 - start] = 1;
    } else if (code === 0x95) {
      leader[pc + 1 - start] = 1;
    }
  }

  const blockAt = new Int32Array(n).fill(-1);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (leader[i]) starts.push(start + i);
  }
  for (let b = 0; b < starts.length; b++) {
    blockAt[starts[b]! - start] = b;
  }

  const blocks: BasicBlock[] = [];
  for (let b = 0; b < starts.length; b++) {
    const s = starts[b]!;
    const e = b + 1 < starts.length ? starts[b + 1]! : end;
    // The last instruction: step over lddw pairs.
    let last = s;
    for (let pc = s; pc < e; pc += codes[pc] === 0x18 ? 2 : 1) last = pc;
    const code = codes[last]!;
    const t = jumpTarget(p, last);
    let term: Terminator;
    let succ: number[];
    if (code === 0x95) {
      term = 'exit';
      succ = [];
    } else if (t >= 0) {
      const tb = blockAt[t - start]!;
      if (code === 0x05 || code === 0x06) {
        term = 'goto';
        succ = [tb];
      } else {
        term = 'cond';
        if (e >= end) succ = [tb, -1];
        else succ = [tb, blockAt[e - start]!];
      }
    } else {
      term = 'fall';
      succ = e >= end ? [-1] : [blockAt[e - start]!];
    }
    blocks.push({ start: s, last, end: e, term, succ });
  }

  // Indexed loops throughout: a first compile runs in the interpreter, where iterators cost.
  const preds: number[][] = new Array<number[]>(blocks.length);
  for (let b = 0; b < blocks.length; b++) preds[b] = [];
  for (let b = 0; b < blocks.length; b++) {
    const succ = blocks[b]!.succ;
    for (let k = 0; k < succ.length; k++) if (succ[k]! >= 0) preds[succ[k]!]!.push(b);
  }
  // Control running off the end matters only when the block is reachable: checked in order.ts.
  return { blocks, preds };
}
