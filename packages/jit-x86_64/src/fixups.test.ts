/**
 * Jump sizing: short jumps where the target is near, near jumps where it is not, convergence
 * on programs whose jump sizes depend on each other, and every emitted displacement landing on
 * its target slot's code (checked by decoding the jumps with objdump); branch alignment: loop
 * heads on 16 bytes, no jump crossing or ending on a 32-byte boundary.
 */
import { insn, lower, type Insn } from '@ebpf/core';
import { describe, expect, it } from 'vitest';
import { generate, type CodegenEnv } from './codegen.js';
import { converge, JumpPlanner, MAX_PASSES, sameLayout } from './fixups.js';
import { objdumpX86 } from './objdump.js';
import { X86Writer } from './x86/encoder.js';

const ENV: CodegenEnv = { delta: 0n, stackTop: 0x10000n, argsNative: 0x20000n, trampoline: 0x30000n, dataNative: 0x40000n };
const exit = insn({ code: 0x95 });
const filler = (n: number): Insn[] => Array.from({ length: n }, (_, i) => insn({ code: 0x07, dst: i % 10, imm: 0x1000 + i })); // 7 bytes each

/** Checks, with objdump, that the jump in each jump slot lands on its target slot's code. */
function checkJumps(insns: Insn[]): { short: number; near: number; passes: number } {
  const p = lower(insns);
  const out = generate(p, ENV);
  const lines = objdumpX86(out.code);
  if (!lines) throw new Error('objdump (binutils) is required for this test');
  let short = 0;
  let near = 0;
  for (let pc = 0; pc < p.length; pc++) {
    const code = p.code[pc]!;
    const isJump = (code & 0x07) === 0x05 && (code & 0xf0) !== 0x80 && (code & 0xf0) !== 0x90;
    if (!isJump) continue;
    const start = out.slotStart[pc]!;
    const end = pc + 1 < p.length ? out.slotStart[pc + 1]! : out.abort;
    const j = lines.find((l) => l.offset >= start && l.offset < end && /^j/.test(l.text));
    expect(j, `jump at slot ${pc}`).toBeDefined();
    const target = parseInt(/0x([0-9a-f]+)$/.exec(j!.text)![1]!, 16);
    expect(target, `slot ${pc}`).toBe(out.slotStart[pc + p.off[pc]! + 1]);
    // JCC erratum: the jump and the compare fused to it stay inside one 32-byte block
    const k = lines.indexOf(j!);
    const first = k > 0 && /^(cmp|test) /.test(lines[k - 1]!.text) && lines[k - 1]!.offset >= start ? lines[k - 1]! : j!;
    const jend = j!.offset + j!.bytes.length;
    expect(first.offset >> 5, `slot ${pc} crosses a 32-byte boundary`).toBe((jend - 1) >> 5);
    expect(jend % 32, `slot ${pc} ends on a 32-byte boundary`).not.toBe(0);
    if (p.off[pc]! < 0) expect(out.slotStart[pc + p.off[pc]! + 1]! % 16, `loop head of slot ${pc}`).toBe(0);
    if (j!.bytes.length === 2) short++;
    else near++;
  }
  return { short, near, passes: out.passes };
}

describe('jump sizing', () => {
  it('uses rel8 for near targets and rel32 for far ones, both directions', () => {
    const prog = [
      insn({ code: 0x15, dst: 1, imm: 0, off: 2 }), ...filler(2), // short forward
      insn({ code: 0x05, off: 40 }), ...filler(40), // near forward (40 x 7 bytes)
      insn({ code: 0x55, dst: 1, imm: 3, off: -3 }), // short backward
      insn({ code: 0x05, off: -46 }), // near backward
      exit,
    ];
    const r = checkJumps(prog);
    expect(r).toMatchObject({ short: 2, near: 2 });
  });

  it('converges when shrinking one jump lets another shrink (boundary chains)', () => {
    // Jumps whose distances sit right at the rel8 boundary: each becomes short only after the
    // jumps it spans do.
    for (const n of [15, 16, 17, 18, 19]) {
      const prog: Insn[] = [];
      for (let k = 0; k < 6; k++) prog.push(insn({ code: 0x15, dst: 1, imm: k, off: n }), ...filler(n - 1), insn({ code: 0x05, off: 0 }));
      prog.push(exit);
      const r = checkJumps(prog);
      expect(r.passes).toBeLessThan(MAX_PASSES);
      expect(r.short + r.near).toBe(12);
    }
  });

  it('lands every jump on its target in random programs', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let t = 0; t < 20; t++) {
      const n = 30 + rand(200);
      const prog: Insn[] = [];
      for (let i = 0; i < n; i++) {
        if (rand(3) === 0) {
          const target = rand(n + 1); // n = the final exit
          prog.push(insn({ code: rand(2) ? 0x05 : 0x1d, dst: 1, src: 2, off: target - i - 1 }));
        } else {
          prog.push(insn({ code: 0x07, dst: rand(10), imm: rand(2) ? 1 : 0x12345 }));
        }
      }
      prog.push(exit);
      checkJumps(prog);
    }
  });

  it('the planner emits near placeholders on the first pass and exact displacements after', () => {
    const w = new X86Writer();
    new JumpPlanner(undefined).jump(w, undefined, 0, 100);
    expect(w.length).toBe(5);
    const prev = { slotStart: Int32Array.of(0), abort: 0, size: 0 };
    const w2 = new X86Writer();
    new JumpPlanner(prev).jump(w2, 0x4, 10, 20);
    expect(Array.from(w2.bytes())).toEqual([0x74, 8]);
    const w3 = new X86Writer();
    new JumpPlanner(prev, true).jump(w3, 0x4, 10, 20);
    expect(Array.from(w3.bytes())).toEqual([0x0f, 0x84, 4, 0, 0, 0]);
  });

  it('falls back to near jumps if the layout keeps changing', () => {
    let calls = 0;
    const out = converge((planner) => {
      calls++;
      // a pathological pass whose layout changes every time unless jumps are forced near
      const size = planner.jumpsForcedNear ? 10 : 10 + (calls % 2);
      return { layout: { slotStart: Int32Array.of(0), abort: size, size } };
    });
    expect(out.passes).toBe(MAX_PASSES + 2);
    expect(sameLayout(out.result.layout, { slotStart: Int32Array.of(0), abort: 10, size: 10 })).toBe(true);
  });
});
