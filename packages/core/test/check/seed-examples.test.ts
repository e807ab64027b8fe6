/**
 * The seed's own examples (filter_ex1: print events of the loopback device; filter_ex2: count
 * packets per device in a table) pass the checker with the seed trace context and helpers, and
 * the verified program carries what engines need: helper ids for the calls by name, the stack
 * depth, the helpers used. Broken copies of them are refused with the seed's reasons.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CheckerError, Vm, check, decodeSeedImage, insn, type ProgramSpec } from '@ebpf/core';
import { SEED_HELPERS, seedTrace } from './fixtures.js';

const load = (f: string): ProgramSpec => decodeSeedImage(new Uint8Array(readFileSync(fileURLToPath(new URL(`../../testdata/seed/${f}`, import.meta.url)))), { name: f });

function verify(spec: ProgramSpec, options = {}) {
  const vm = new Vm({ size: 4 << 20 });
  return check(spec, seedTrace(), spec.maps.map((m) => vm.createMap(m)), options);
}

describe('seed examples', () => {
  it.each(['filter_ex1.bpf', 'filter_ex2.bpf'])('accepts %s', (f) => {
    const v = verify(load(f));
    expect(v.funcs).toEqual([{ start: 0, end: v.lowered.length, stackDepth: f === 'filter_ex1.bpf' ? 24 : 32 }]);
    // Calls by name now hold the helper ids.
    for (let pc = 0; pc < v.lowered.length; pc++) {
      if (v.lowered.code[pc] === 0x85) expect(SEED_HELPERS.map((h) => h.id)).toContain(v.lowered.imm[pc]);
    }
    expect([...v.helpers.values()].every((h) => SEED_HELPERS.includes(h))).toBe(true);
    expect(v.stats.processed).toBeLessThan(100);
  });

  it('prints the verified state per instruction in verbose mode', () => {
    const v = verify(load('filter_ex2.bpf'), { verbose: true });
    expect(v.log!.some((l) => l.startsWith('12: (15) if r0 == 0x0 goto +18') && l.includes('R0=map_value('))).toBe(true);
    expect(v.log![v.log!.length - 1]).toMatch(/^processed \d+ insns/);
  });

  const broken: Array<[string, string, (s: ProgramSpec) => ProgramSpec, string, number]> = [
    ['filter_ex2 without the NULL check', 'filter_ex2.bpf', (s) => ({ ...s, insns: s.insns.map((x, i) => (i === 12 ? insn({ code: 0x15, dst: 7, off: 18 }) : x)) }), 'INVALID_MEM_ACCESS', 14],
    ['filter_ex1 reading fp-24 (unwritten)', 'filter_ex1.bpf', (s) => ({ ...s, insns: s.insns.map((x, i) => (i === 8 ? insn({ code: 0x07, dst: 2, imm: -24 }) : x)) }), 'STACK_UNINIT_READ', 10],
    ['filter_ex1 comparing 64 bytes', 'filter_ex1.bpf', (s) => ({ ...s, insns: s.insns.map((x, i) => (i === 6 ? insn({ code: 0xb7, dst: 3, imm: 64 }) : x)) }), 'HELPER_ARG_SIZE', 10],
    ['filter_ex2 with a loop', 'filter_ex2.bpf', (s) => ({ ...s, insns: s.insns.map((x, i) => (i === 30 ? insn({ code: 0x05, off: -20 }) : x)) }), 'BACK_EDGE', 30],
  ];
  it.each(broken)('refuses %s', (_name, f, edit, reason, at) => {
    try {
      verify(edit(load(f)));
      expect.unreachable('accepted');
    } catch (e) {
      expect(CheckerError.isCheckerError(e)).toBe(true);
      expect({ reason: (e as CheckerError).reason, insn: (e as CheckerError).insn }).toEqual({ reason, insn: at });
    }
  });
});
