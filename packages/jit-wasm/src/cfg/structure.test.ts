/**
 * The structurer against the graph it structures: random jump programs (reducible and not) are
 * structured both ways, the structured form is executed by a small simulator of wasm control
 * constructs, and the sequence of blocks it visits must equal a walk of the graph itself under
 * the same branch decisions.
 */
import { describe, expect, it } from 'vitest';
import { insn, lower, type Insn, type LoweredProgram } from '@ebpf/core';
import { seededRandom } from '@ebpf/core/testing';
import { buildBlocks, type BlockGraph } from './blocks.js';
import { dispatchLoop } from './dispatch.js';
import { orderBlocks } from './order.js';
import { structure } from './structure.js';
import type { StructOp } from './struct-op.js';

/** A random program of jumps, exits and filler, `n` slots, ending in exit. */
function randomProgram(rand: () => number, n: number, backEdges: boolean): LoweredProgram {
  const insns: Insn[] = [];
  for (let pc = 0; pc < n - 1; pc++) {
    const pick = rand();
    const lo = backEdges ? 0 : pc + 1;
    const target = lo + Math.floor(rand() * (n - lo));
    const off = target - pc - 1;
    if (pick < 0.35) insns.push(insn({ code: 0x15, dst: 1, imm: 0, off })); // jeq r1, 0, target
    else if (pick < 0.45) insns.push(insn({ code: 0x05, off })); // ja target
    else if (pick < 0.52) insns.push(insn({ code: 0x95 })); // exit
    else insns.push(insn({ code: 0xb7, dst: 0, imm: pc })); // mov r0, pc
  }
  insns.push(insn({ code: 0x95 }));
  return lower(insns);
}

type Decide = (block: number, visit: number) => boolean;

function decider(seed: number): Decide {
  return (block, visit) => ((Math.imul(block + 1, 0x9e3779b1) ^ Math.imul(visit + 7, 0x85ebca6b) ^ seed) >>> 7) % 3 === 0;
}

const LIMIT = 300;

/** Blocks visited by walking the graph directly. */
function walkGraph(g: BlockGraph, decide: Decide): number[] {
  const trace: number[] = [];
  const visits = new Map<number, number>();
  let b = 0;
  while (trace.length < LIMIT) {
    trace.push(b);
    const blk = g.blocks[b]!;
    if (blk.term === 'exit') break;
    if (blk.term === 'cond') {
      const v = visits.get(b) ?? 0;
      visits.set(b, v + 1);
      b = decide(b, v) ? blk.succ[0]! : blk.succ[1]!;
    } else b = blk.succ[0]!;
  }
  return trace;
}

type Node =
  | { k: 'block' | 'loop'; body: Node[] }
  | { k: 'if'; block: number; negate: boolean; then: Node[]; else: Node[] }
  | { k: 'leaf'; op: StructOp };

/** Nests the flat op list into a tree (and checks that it is well bracketed). */
function nest(ops: readonly StructOp[]): Node[] {
  const root: Node[] = [];
  const stack: Array<{ list: Node[]; node?: Node; inElse?: boolean }> = [{ list: root }];
  for (const op of ops) {
    const top = stack[stack.length - 1]!;
    if (op.k === 'block' || op.k === 'loop') {
      const node: Node = { k: op.k, body: [] };
      top.list.push(node);
      stack.push({ list: node.body, node });
    } else if (op.k === 'if') {
      const node: Node = { k: 'if', block: op.block, negate: op.negate, then: [], else: [] };
      top.list.push(node);
      stack.push({ list: node.then, node });
    } else if (op.k === 'else') {
      const node = top.node as Extract<Node, { k: 'if' }>;
      expect(node.k).toBe('if');
      top.list = node.else;
      top.inElse = true;
    } else if (op.k === 'end') {
      stack.pop();
      expect(stack.length).toBeGreaterThan(0);
    } else top.list.push({ k: 'leaf', op });
  }
  expect(stack.length).toBe(1);
  return root;
}

/** Executes the nested structure; returns the visited blocks. */
function simulate(g: BlockGraph, ops: readonly StructOp[], decide: Decide): number[] {
  const trace: number[] = [];
  const visits = new Map<number, number>();
  let pcLocal = 0;
  let current = -1; // block whose code ran last (its condition is what ops consult)
  const cond = (block: number): boolean => {
    expect(block).toBe(current);
    const v = visits.get(block) ?? 0;
    visits.set(block, v + 1);
    return decide(block, v);
  };
  type Signal = { br: number } | 'return' | 'limit' | undefined;
  const run = (body: Node[]): Signal => {
    for (const n of body) {
      let s: Signal;
      if (n.k === 'block') {
        s = run(n.body);
        if (typeof s === 'object') {
          if (s.br === 0) s = undefined;
          else s = { br: s.br - 1 };
        }
      } else if (n.k === 'loop') {
        for (;;) {
          s = run(n.body);
          if (typeof s === 'object' && s.br === 0) continue;
          if (typeof s === 'object') s = { br: s.br - 1 };
          break;
        }
      } else if (n.k === 'if') {
        const c = cond(n.block) !== n.negate;
        s = run(c ? n.then : n.else);
        if (typeof s === 'object') s = s.br === 0 ? undefined : { br: s.br - 1 };
      } else {
        const op = (n as Extract<Node, { k: 'leaf' }>).op;
        switch (op.k) {
          case 'code':
            if (trace.length >= LIMIT) return 'limit';
            trace.push(op.block);
            current = op.block;
            break;
          case 'br':
            return { br: op.depth };
          case 'br_if':
            if (cond(op.block) !== op.negate) return { br: op.depth };
            break;
          case 'return':
            return 'return';
          case 'set_pc':
            pcLocal = op.target;
            break;
          case 'set_pc_cond':
            pcLocal = cond(op.block) ? op.taken : op.fall;
            break;
          case 'dispatch':
            return { br: Math.min(pcLocal, op.count - 1) };
          default:
            throw new Error(`unexpected op ${op.k}`);
        }
      }
      if (s !== undefined) return s;
    }
    return undefined;
  };
  const end = run(nest(ops));
  if (trace.length < LIMIT) expect(end).toBe('return');
  return trace;
}

describe('structure', () => {
  it('turns a forward-only program into blocks without the dispatch loop', () => {
    // jeq r1, 0, +1; mov r0, 1; exit
    const p = lower([insn({ code: 0x15, dst: 1, off: 1 }), insn({ code: 0xb7, imm: 1 }), insn({ code: 0x95 })]);
    const g = buildBlocks(p, 0, p.length);
    const o = orderBlocks(g);
    expect(o.reducible).toBe(true);
    const s = structure(g, o);
    expect(s.dispatch).toBe(false);
    expect(s.ops.map((op) => op.k)).toEqual(['block', 'code', 'br_if', 'code', 'end', 'code', 'return']);
  });

  it('wraps a loop body in `loop`', () => {
    // 0: mov r0, 0; 1: add r0, 1; 2: jlt r0, 10, -2 (to 1); 3: exit
    const p = lower([insn({ code: 0xb7 }), insn({ code: 0x07, imm: 1 }), insn({ code: 0xa5, imm: 10, off: -2 }), insn({ code: 0x95 })]);
    const g = buildBlocks(p, 0, p.length);
    const o = orderBlocks(g);
    expect(o.reducible).toBe(true);
    expect(structure(g, o).ops.map((op) => op.k)).toContain('loop');
  });

  it('detects irreducible flow (two entries into one cycle)', () => {
    // 0: jeq r1, 0, +2 (to 3); 1: mov; 2: ja +1 (to 4)... a cycle 3 <-> 4 entered at both.
    const p = lower([
      insn({ code: 0x15, dst: 1, off: 2 }), // 0 -> 3 or 1
      insn({ code: 0xb7, imm: 1 }), // 1
      insn({ code: 0x05, off: 1 }), // 2 -> 4
      insn({ code: 0x15, dst: 2, off: 2 }), // 3 -> 6 or 4
      insn({ code: 0x15, dst: 3, off: -2 }), // 4 -> 3 or 5
      insn({ code: 0x95 }), // 5
      insn({ code: 0x95 }), // 6
    ]);
    const g = buildBlocks(p, 0, p.length);
    expect(orderBlocks(g).reducible).toBe(false);
  });

  it('rejects jumps out of the function and control running off its end', () => {
    const out = lower([insn({ code: 0x05, off: 5 }), insn({ code: 0x95 })]);
    expect(() => buildBlocks(out, 0, out.length)).toThrow(/outside its function/);
    const off = lower([insn({ code: 0xb7 })]);
    expect(() => orderBlocks(buildBlocks(off, 0, off.length))).toThrow(/runs off the end/);
  });

  const cases: Array<[string, boolean]> = [
    ['forward-only', false],
    ['with back edges', true],
  ];
  it.each(cases)('structured and dispatch forms follow the graph: %s', (_name, backEdges) => {
    const rand = seededRandom(backEdges ? 77 : 13);
    let structured = 0;
    let irreducible = 0;
    for (let i = 0; i < 400; i++) {
      const p = randomProgram(rand, 3 + Math.floor(rand() * 30), backEdges);
      const g = buildBlocks(p, 0, p.length);
      const o = orderBlocks(g);
      if (!backEdges) expect(o.reducible).toBe(true);
      for (const seed of [1, 2, 3]) {
        const want = walkGraph(g, decider(seed));
        if (o.reducible) expect(simulate(g, structure(g, o).ops, decider(seed))).toEqual(want);
        expect(simulate(g, dispatchLoop(g, o).ops, decider(seed))).toEqual(want);
      }
      if (o.reducible) structured++;
      else irreducible++;
    }
    expect(structured).toBeGreaterThan(50);
    if (backEdges) expect(irreducible).toBeGreaterThan(10);
  });

  it('handles a 4000-block chain without deep recursion', () => {
    const insns: Insn[] = [];
    for (let i = 0; i < 4000; i++) insns.push(insn({ code: 0x15, dst: 1, imm: i, off: 1 }), insn({ code: 0xb7, imm: i }));
    insns.push(insn({ code: 0x95 }));
    const p = lower(insns);
    const g = buildBlocks(p, 0, p.length);
    const s = structure(g, orderBlocks(g));
    expect(s.dispatch).toBe(false);
    expect(simulate(g, s.ops, () => false).length).toBe(LIMIT);
  });
});
