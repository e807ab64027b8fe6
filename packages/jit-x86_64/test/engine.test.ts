/**
 * The engine through the real pipeline: bpf_conformance programs checked with the `conformance`
 * subsystem, then compiled by X86Engine (what `ebpf conformance-plugin --jit` runs); a Runtime
 * with the engine registered, its VM based at the native address, maps shared with the
 * interpreter; availability and memory base reporting.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, createContainer, NotSupportedError, parseAsm, Runtime, type ProgramSpec } from '@ebpf/core';
import { memorySubsystem, parseConformanceTest, runEngineCase } from '@ebpf/core/testing';
import { InterpEngine, registerInterp, runConformanceTest } from '@ebpf/interp';
import { describe, expect, it } from 'vitest';
import { X86Engine } from '../src/engine.js';
import { bufferAddress, nativeUnavailable } from '../src/native/memory.js';
import { registerX86 } from '../src/register.js';

const DIR = '/work/shared/conformance';
const native = nativeUnavailable() === undefined;

describe.skipIf(!native)('X86Engine', () => {
  const engine = new X86Engine();

  it('is available on x86-64 Linux and bases VM memory at the buffer address', () => {
    expect(engine.unavailable()).toBeUndefined();
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    expect(engine.memoryBase(m)).toBe(bufferAddress(m.buffer));
    expect(engine.memoryBase(m) > 0n).toBe(true);
  });

  it('runs every conformance program the checker accepts with the expected result', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();
    const failures: string[] = [];
    let accepted = 0;
    for (const f of files) {
      const test = parseConformanceTest(readFileSync(join(DIR, f), 'utf8'), f.replace(/\.data$/, ''));
      const out = runConformanceTest(test, { engine, checker: (spec, sub) => check(spec, sub, []) });
      if (out.error?.stage === 'check') continue; // refused by the checker: not this engine's case
      accepted++;
      if (!out.pass) failures.push(`${f}: ${out.detail}`);
    }
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(300);
  });

  it('loads through a Runtime and agrees with the interpreter on a map program', () => {
    const asm = `
      mov %r6, %r1
      stw [%r10-4], 0
      lddw %r1, map_idx(0)
      mov %r2, %r10
      add %r2, -4
      call 1
      jeq %r0, 0, +4
      mov %r1, 1
      lock add [%r0], %r1
      ldxdw %r0, [%r0]
      exit
      mov %r0, -1
      exit`;
    const results: Record<string, bigint[]> = {};
    for (const name of ['interp', 'jit-x86_64']) {
      const container = createContainer();
      registerInterp(container);
      registerX86(container);
      const rt = new Runtime({ container, memorySize: 1 << 20 });
      try {
        expect(rt.vm.mem.base).toBe(bufferAddress(rt.vm.mem.memory.buffer));
        const spec: ProgramSpec = { name: 'count', dialect: 'rfc', insns: parseAsm(asm), maps: [{ name: 'counts', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }], license: 'GPL' };
        const p = rt.load(spec, { subsystem: memorySubsystem(0), engine: name });
        expect(p.engine).toBe(name);
        results[name] = [p.run(0n), p.run(0n), p.run(0n)];
      } finally {
        rt.dispose();
      }
    }
    expect(results['jit-x86_64']).toEqual([1n, 2n, 3n]);
    expect(results['jit-x86_64']).toEqual(results['interp']);
  });

  it('gives the same outcome as the interpreter through the engine-case harness', () => {
    const cases = [
      { asm: 'mov %r0, 7\nexit' },
      { asm: 'ldxb %r0, [%r1+1]\nexit', mem: Uint8Array.of(1, 0xfe, 3) },
      { asm: 'stdw [%r1], -1\nldxw %r0, [%r1+4]\nexit', mem: new Uint8Array(8) },
      { asm: 'mov %r0, 1\nlsh %r0, 63\narsh %r0, 70\nexit' },
    ];
    for (const c of cases) {
      const a = runEngineCase(engine, c);
      const b = runEngineCase(new InterpEngine(), c);
      expect(a.error).toBeUndefined();
      expect(a).toEqual(b);
    }
  });
});

describe('X86Engine availability', () => {
  it('explains itself instead of failing when native code cannot run', () => {
    const why = new X86Engine().unavailable();
    if (native) expect(why).toBeUndefined();
    else expect(why).toBeInstanceOf(NotSupportedError);
  });
});
