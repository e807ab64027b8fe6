/**
 * jit-wasm through the runtime: `registerWasm` makes the engine resolvable by name, `auto`
 * picks it (and says why), and a program with a map runs the same as when named explicitly.
 */
import { describe, expect, it } from 'vitest';
import { createContainer, MAP_HELPERS, parseAsm, Runtime, SimpleSubsystem, type ProgramSpec } from '@ebpf/core';
import { registerWasm } from '../src/index.js';

const subsystem = new SimpleSubsystem({
  name: 'wasm-runtime-test',
  context: { size: 8, fields: [{ name: 'x', offset: 0, size: 8, access: 'read', sizes: [4, 8] }] },
  helpers: MAP_HELPERS,
});

// counts[0] += ctx.x; return counts[0]
const spec: ProgramSpec = {
  name: 'count',
  dialect: 'rfc',
  insns: parseAsm(`ldxdw %r6, [%r1]
    stw [%r10-4], 0
    lddw %r1, map_idx(0)
    mov %r2, %r10
    add %r2, -4
    call 1
    jeq %r0, 0, out
    ldxdw %r1, [%r0]
    add %r1, %r6
    stxdw [%r0], %r1
    mov %r0, %r1
    exit
    out:
    mov %r0, 0
    exit`),
  maps: [{ name: 'counts', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }],
  license: 'GPL',
};

describe('jit-wasm in a Runtime', () => {
  it.each(['auto', 'jit-wasm'])('runs a map program with engine %s', (engine) => {
    const container = createContainer();
    registerWasm(container);
    const rt = new Runtime({ container, memorySize: 1 << 20 });
    const prog = rt.load(spec, { subsystem, engine });
    expect(prog.engine).toBe('jit-wasm');
    if (engine === 'auto') expect(prog.engineReason).toMatch(/^auto: jit-wasm/);
    const ctx = rt.vm.mem.alloc(8, { kind: 'context', name: 'ctx' });
    rt.vm.mem.view.setBigUint64(ctx.offset, 5n, true);
    expect(prog.run(ctx.address)).toBe(5n);
    expect(prog.run(ctx.address)).toBe(10n);
    expect(prog.runnable.runLow32(Number(ctx.address), 0)).toBe(15);
    expect(prog.map('counts')!.lookup(Uint8Array.of(0, 0, 0, 0))).toEqual(Uint8Array.of(15, 0, 0, 0, 0, 0, 0, 0));
    prog.dispose();
    rt.dispose();
  });
});
