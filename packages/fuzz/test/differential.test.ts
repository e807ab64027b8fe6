/**
 * Differential testing of the engines against the interpreter: a short round of random checked
 * programs (r0, context and stack bytes, helper-call traces must be equal), jit-wasm's
 * dispatch-loop fallback as an extra engine, and the bpf_conformance programs the checker
 * accepts run through every engine. The long round is `pnpm fuzz:diff`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, decode, Vm, type Engine, type ProgramSpec, type VerifiedProgram } from '@ebpf/core';
import { conformanceProgram, conformanceSubsystem, parseConformanceTest } from '@ebpf/core/testing';
import { WasmEngine } from '@ebpf/jit-wasm';
import { differentialEngines } from '../src/differential/engines.js';
import { DifferentialHarness } from '../src/differential/harness.js';
import { differentialCase, runRound } from '../src/differential/round.js';

/** jit-wasm with the dispatch loop forced, so the fallback is tested on every program. */
const dispatchEngine: Engine = {
  name: 'jit-wasm-dispatch',
  unavailable: () => undefined,
  compile: (program, vm) => new WasmEngine().compile(program, vm, { forceDispatch: true }),
};

const { engines, skipped } = differentialEngines();
const verify = (spec: ProgramSpec, subsystem: Parameters<typeof check>[1], maps: Parameters<typeof check>[2]): VerifiedProgram => check(spec, subsystem, maps);

describe('differential round', () => {
  it('runs on every engine this host has', () => {
    expect(engines.map((e) => e.name).slice(0, 2)).toEqual(['interp', 'jit-wasm']);
    // Native code is missing only off x86-64 Linux; say so rather than pass silently.
    if (skipped.length > 0) console.warn(`differential: skipped ${skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}`);
  });

  it('random checked programs agree on r0, memory and helper calls', () => {
    const harness = new DifferentialHarness([...engines, { name: 'jit-wasm-dispatch', engine: dispatchEngine }], verify);
    const stats = runRound(harness, { seed: 20240601, count: 250 });
    expect(stats.accepted / stats.generated).toBeGreaterThanOrEqual(0.3);
    expect(stats.mismatches.map((m) => `seed ${m.seed}: ${m.mismatch}\n${m.program}`)).toEqual([]);
  });

  it('programs without loops or calls agree too', () => {
    const harness = new DifferentialHarness(engines, verify);
    const stats = runRound(harness, { seed: 777, count: 100, generate: { loops: false, localCalls: false, statements: 60 } });
    expect(stats.accepted).toBeGreaterThan(30);
    expect(stats.mismatches).toEqual([]);
  });

  it('generates the same program from the same seed', () => {
    expect(differentialCase(42)).toEqual(differentialCase(42));
    expect(differentialCase(42).spec.insns).not.toEqual(differentialCase(43).spec.insns);
  });

  it('reports a disagreement', () => {
    // An engine that is wrong on purpose: r0 off by one.
    const wrong: Engine = {
      name: 'off-by-one',
      unavailable: () => undefined,
      compile: (program, vm) => {
        const r = new WasmEngine().compile(program, vm);
        return { ...r, run: (a, b) => r.run(a, b) + 1n };
      },
    };
    const harness = new DifferentialHarness([engines[0]!, { name: 'off-by-one', engine: wrong }], verify);
    const stats = runRound(harness, { seed: 5, count: 3 });
    expect(stats.mismatches.length).toBe(stats.accepted);
    expect(stats.mismatches[0]?.mismatch).toMatch(/off-by-one vs interp: r0/);
  });
});

describe('bpf_conformance through every engine', () => {
  const dir = fileURLToPath(new URL('../../core/testdata/conformance/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.data')).sort();
  const all = [...engines, { name: 'jit-wasm-dispatch', engine: dispatchEngine }];
  const native = engines.find((e) => e.engine.memoryBase)?.engine;

  it.each(files)('%s', (file) => {
    const test = parseConformanceTest(readFileSync(dir + file, 'utf8'), file.replace(/\.data$/, ''));
    const spec: ProgramSpec = { name: test.name, dialect: 'rfc', insns: decode(conformanceProgram(test)), maps: [], license: 'GPL' };
    const vm = new Vm({ size: 1 << 20, ...(native ? { base: (m: WebAssembly.Memory) => native.memoryBase!(m) } : {}) });
    const ctx = vm.mem.alloc(test.memory.length, { kind: 'context', name: 'conformance memory' });
    let verified: VerifiedProgram;
    try {
      verified = check(spec, conformanceSubsystem(test.memory.length), []);
    } catch {
      return; // refused by the checker: counted by the conformance-plugin report, not here
    }
    const results = all.map(({ name, engine }) => {
      vm.mem.bytes.set(test.memory, ctx.offset);
      vm.mem.bytes.fill(0, vm.stack.offset, vm.stack.offset + vm.stack.size);
      const r = engine.compile(verified, vm);
      let r0: string;
      try {
        r0 = `0x${r.run(ctx.address, BigInt(test.memory.length)).toString(16)}`;
      } catch (e) {
        r0 = `error ${(e as { code?: string }).code ?? 'throw'}`;
      } finally {
        r.dispose();
      }
      return { name, r0, memory: Array.from(vm.mem.bytes.subarray(ctx.offset, ctx.offset + test.memory.length)) };
    });
    for (const r of results.slice(1)) expect(r, r.name).toEqual({ ...results[0]!, name: r.name });
    if (test.result !== undefined) expect(results[0]!.r0).toBe(`0x${test.result.toString(16)}`);
  });
});
