/**
 * The `interp` engine through the contracts other code uses: registered in a container and
 * resolved by a Runtime (DI at load, plain calls per run), compiled from a VerifiedProgram, with
 * maps and helpers resolved by the checker.
 */
import { describe, expect, it } from 'vitest';
import { Runtime, SimpleSubsystem, Vm, check, createContainer, mapLookupElemHelper, parseAsm, registerSubsystem, type ProgramSpec } from '@ebpf/core';
import { InterpEngine } from './engine.js';
import { registerInterp } from './register.js';

const subsystem = new SimpleSubsystem({
  name: 'test',
  context: { size: 16, fields: [{ name: 'a', offset: 0, size: 8, access: 'read' }, { name: 'b', offset: 8, size: 8, access: 'readwrite' }] },
  helpers: [mapLookupElemHelper],
});

const spec = (asm: string, maps: ProgramSpec['maps'] = []): ProgramSpec => ({ name: 'p', dialect: 'rfc', insns: parseAsm(asm), maps, license: 'GPL' });

describe('InterpEngine', () => {
  it('is always available and named interp', () => {
    const e = new InterpEngine();
    expect(e.name).toBe('interp');
    expect(e.unavailable()).toBeUndefined();
  });

  it('compiles a verified program and runs it on a context', () => {
    const vm = new Vm({ size: 1 << 20 });
    const ctx = vm.mem.alloc(16, { kind: 'context', name: 'ctx' });
    vm.mem.view.setBigUint64(ctx.offset, 40n, true);
    const verified = check(spec('ldxdw %r0, [%r1+0]\nadd %r0, 2\nstxdw [%r1+8], %r0\nexit'), subsystem, []);
    const runnable = new InterpEngine().compile(verified, vm);
    expect(runnable.engine).toBe('interp');
    expect(runnable.run(ctx.address)).toBe(42n);
    expect(runnable.steps).toBe(4);
    expect(vm.mem.view.getBigUint64(ctx.offset + 8, true)).toBe(42n);
    expect(runnable.runLow32(Number(ctx.address), 0)).toBe(42);
  });

  it('is resolved by a Runtime through registerInterp, with maps and helpers', () => {
    const container = createContainer();
    registerInterp(container);
    registerSubsystem(container, subsystem);
    const runtime = new Runtime({ container });
    const prog = runtime.load(
      spec(
        `mov %r1, 0
         stxw [%r10-4], %r1
         lddw %r1, map_idx(0)
         mov %r2, %r10
         add %r2, -4
         call 1
         jeq %r0, 0, out
         mov %r1, 1
         lock add [%r0+0], %r1
         ldxdw %r0, [%r0+0]
       out:
         exit`,
        [{ name: 'counts', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }],
      ),
      { subsystem: 'test', engine: 'interp' },
    );
    expect(prog.engine).toBe('interp');
    const ctx = runtime.vm.mem.alloc(16, { kind: 'context', name: 'ctx' });
    expect(prog.run(ctx.address)).toBe(1n);
    expect(prog.run(ctx.address)).toBe(2n);
    expect(prog.map('counts')!.lookup(new Uint8Array(4))).toEqual(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0]));
    runtime.dispose();
  });
});
