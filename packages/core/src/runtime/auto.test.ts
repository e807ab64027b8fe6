/**
 * The `auto` rule: the static run profile of programs, and the choice among fake engines that
 * are registered or not, available or not, for short filters, helper-heavy programs and loops.
 */
import { describe, expect, it } from 'vitest';
import { parseAsm } from '../asm/parse.js';
import type { Engine } from '../engine/engine.js';
import { NotSupportedError } from '../errors.js';
import type { ProgramSpec } from '../image/program-spec.js';
import { chooseEngine, ENGINE_COSTS, estimateRunNs, LOOP_TRIP_ESTIMATE, runProfile } from './auto.js';

const spec = (asm: string): ProgramSpec => ({ name: 't', dialect: 'rfc', insns: parseAsm(asm), maps: [], license: 'GPL' });

function fake(name: string, unavailable?: string): Engine {
  return {
    name,
    unavailable: () => (unavailable ? new NotSupportedError(unavailable) : undefined),
    compile: () => {
      throw new Error('not used');
    },
  };
}

const FILTER = spec('ldxw %r0, [%r1+4]\njeq %r0, 7, +1\nmov %r0, 0\nexit');
const HELPERS = spec('call 1\ncall 1\ncall 1\nmov %r0, 0\nexit');
const LOOP = spec('mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 1000, l\nexit');

describe('runProfile', () => {
  it.each<[string, ProgramSpec, { insns: number; helperCalls: number; loops: boolean }]>([
    ['a loop-free filter', FILTER, { insns: 4, helperCalls: 0, loops: false }],
    ['helper calls', HELPERS, { insns: 5, helperCalls: 3, loops: false }],
    ['a loop', LOOP, { insns: 2 + 2 * LOOP_TRIP_ESTIMATE, helperCalls: 0, loops: true }],
    ['lddw counting two slots', spec('lddw %r0, 0x100000000\nexit'), { insns: 2, helperCalls: 0, loops: false }],
  ])('%s', (_name, s, want) => {
    expect(runProfile(s)).toEqual(want);
  });
});

describe('chooseEngine', () => {
  const all = new Map([fake('interp'), fake('jit-wasm'), fake('jit-x86_64')].map((e) => [e.name, e]));

  it('prefers the wasm JIT for a short filter and for helper calls', () => {
    expect(chooseEngine((n) => all.get(n), FILTER).engine.name).toBe('jit-wasm');
    expect(chooseEngine((n) => all.get(n), HELPERS).engine.name).toBe('jit-wasm');
    expect(chooseEngine((n) => all.get(n)).engine.name).toBe('jit-wasm');
  });

  it('picks the cheapest estimate for a loop, and says why', () => {
    const choice = chooseEngine((n) => all.get(n), LOOP);
    const profile = runProfile(LOOP);
    const cheapest = ['jit-wasm', 'jit-x86_64', 'interp'].reduce((a, b) => (estimateRunNs(ENGINE_COSTS[b]!, profile) < estimateRunNs(ENGINE_COSTS[a]!, profile) ? b : a));
    expect(choice.engine.name).toBe(cheapest);
    expect(choice.reason).toMatch(/^auto: \S+ \(lowest estimated cost/);
    expect(choice.reason).toMatch(/loops/);
    // With the measured figures the wasm JIT is never slower per instruction than native code.
    expect(choice.engine.name).toBe('jit-wasm');
  });

  it('skips engines that are not registered or cannot run here', () => {
    const noWasm = new Map([fake('interp'), fake('jit-wasm', 'no WebAssembly'), fake('jit-x86_64', 'x86-64 only')].map((e) => [e.name, e]));
    const choice = chooseEngine((n) => noWasm.get(n), FILTER);
    expect(choice.engine.name).toBe('interp');
    expect(choice.reason).toMatch(/skipped jit-wasm: no WebAssembly, jit-x86_64: x86-64 only/);
    const onlyInterp = new Map([['interp', fake('interp')]]);
    expect(chooseEngine((n) => onlyInterp.get(n), LOOP).reason).toMatch(/jit-wasm: not registered/);
  });

  it('fails clearly when nothing can run', () => {
    expect(() => chooseEngine(() => undefined, FILTER)).toThrow(NotSupportedError);
    expect(() => chooseEngine(() => undefined, FILTER)).toThrow(/no engine can run here/);
  });

  it('costs are ordered as measured: wasm enters and calls helpers cheapest', () => {
    const w = ENGINE_COSTS['jit-wasm']!;
    for (const other of ['jit-x86_64', 'interp']) {
      expect(w.entryNs).toBeLessThan(ENGINE_COSTS[other]!.entryNs);
      expect(w.perHelperNs).toBeLessThan(ENGINE_COSTS[other]!.perHelperNs);
    }
    expect(ENGINE_COSTS['interp']!.perInsnNs).toBeGreaterThan(10 * w.perInsnNs);
  });
});
