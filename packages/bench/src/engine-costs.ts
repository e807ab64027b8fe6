/**
 * Measures what the `auto` engine rule is built on: for every engine that can run here, the
 * cost of one call of an empty program (entry cost), the per-instruction speed of a dependent
 * 64-bit xorshift loop and of a 1500-byte Internet checksum, the cost of one helper call, and
 * the time each JIT takes to compile a 4096-instruction program (first and median of 20).
 * Run: `node --conditions=@ebpf/source --import tsx packages/bench/src/engine-costs.ts`
 * (prints a table; `--json` prints JSON). Not part of the test suite.
 */
import { check, parseAsm, SimpleSubsystem, Vm, type Engine, type ProgramSpec } from '@ebpf/core';
import { InterpEngine } from '@ebpf/interp';
import { X86Engine } from '@ebpf/jit-x86_64';
import { WasmEngine } from '@ebpf/jit-wasm';

const CTX = 1500;

const subsystem = new SimpleSubsystem({
  name: 'bench',
  context: { size: CTX, fields: [{ name: 'data', offset: 0, size: CTX, access: 'readwrite', sizes: [1, 2, 4, 8] }] },
  helpers: [{ id: 1, name: 'noop', proto: { ret: 'integer', args: [] }, impl: () => 0 }],
});
// The context is one 1500-byte field: allow any aligned access inside it.
subsystem.getContextAccess = (off, size) => (off >= 0 && off + size <= CTX && [1, 2, 4, 8].includes(size) ? { field: subsystem.context.fields[0]!, type: 'scalar' } : undefined);

/** Programs: name, assembler text, instructions executed per run. */
const PROGRAMS: Array<{ name: string; asm: string; insns: number }> = [
  { name: 'empty', asm: 'mov %r0, 0\nexit', insns: 2 },
  {
    name: 'xorshift (10000 iters)',
    asm: `mov %r0, 1
          mov %r2, 0
          loop:
          mov %r3, %r0
          lsh %r3, 13
          xor %r0, %r3
          mov %r3, %r0
          rsh %r3, 7
          xor %r0, %r3
          mov %r3, %r0
          lsh %r3, 17
          xor %r0, %r3
          add %r2, 1
          jlt %r2, 10000, loop
          exit`,
    insns: 2 + 10000 * 11 + 1,
  },
  {
    name: 'checksum 1500 B',
    asm: `mov %r0, 0
          mov %r3, 0
          loop:
          mov %r4, %r1
          add %r4, %r3
          ldxh %r5, [%r4]
          add %r0, %r5
          add %r3, 2
          jlt %r3, 1500, loop
          mov %r1, %r0
          rsh %r1, 16
          and %r0, 0xffff
          add %r0, %r1
          mov %r1, %r0
          rsh %r1, 16
          and %r0, 0xffff
          add %r0, %r1
          xor %r0, 0xffff
          exit`,
    insns: 2 + 750 * 6 + 9,
  },
  { name: '10 helper calls', asm: 'call 1\n'.repeat(10) + 'mov %r0, 0\nexit', insns: 12 },
];

function measure(engine: Engine, vm: Vm, ctx: { address: bigint }, spec: ProgramSpec): { ns: number; r0: number } {
  const verified = check(spec, subsystem, [], { maxProcessed: 10_000_000 } as never);
  const r = engine.compile(verified, vm);
  const addr = Number(ctx.address);
  let r0 = r.runLow32(addr, CTX);
  // Calibrate to ~100 ms per sample, take the best of 5.
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) r0 = r.runLow32(addr, CTX);
    if (performance.now() - t > 20) break;
    n *= 2;
  }
  n *= 5;
  let best = Infinity;
  for (let s = 0; s < 5; s++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) r0 = r.runLow32(addr, CTX);
    best = Math.min(best, ((performance.now() - t) * 1e6) / n);
  }
  r.dispose();
  return { ns: best, r0 };
}

const engines: Engine[] = [new InterpEngine(), new WasmEngine(), new X86Engine()].filter((e) => !e.unavailable());
const rows: Array<Record<string, number | string>> = [];
for (const p of PROGRAMS) {
  const spec: ProgramSpec = { name: p.name, dialect: 'rfc', insns: parseAsm(p.asm), maps: [], license: 'GPL' };
  const row: Record<string, number | string> = { program: p.name };
  for (const engine of engines) {
    const vm = new Vm({ size: 1 << 20, ...(engine.memoryBase ? { base: (m: WebAssembly.Memory) => engine.memoryBase!(m) } : {}) });
    const ctx = vm.mem.alloc(CTX, { kind: 'context', name: 'ctx' });
    for (let i = 0; i < CTX; i++) vm.mem.bytes[ctx.offset + i] = (i * 7) & 0xff;
    const { ns } = measure(engine, vm, ctx, spec);
    row[`${engine.name} ns/run`] = Number(ns.toFixed(2));
    row[`${engine.name} ns/insn`] = Number((ns / p.insns).toFixed(3));
  }
  rows.push(row);
}
/** A 4096-slot straight-line-and-branches program (different immediates each time). */
function bigProgram(seed: number): ProgramSpec {
  const lines: string[] = ['mov %r0, 0', 'mov %r3, 0'];
  let n = 2;
  while (n < 4094) {
    const k = (n * 7 + seed) % 5;
    if (k === 0) lines.push(`ldxw %r3, [%r1+${(n % 15) * 4}]`);
    else if (k === 1) {
      lines.push(`jgt %r3, ${n + seed}, +1`, 'add %r0, %r3');
      n++;
    } else if (k === 2) lines.push(`xor %r0, ${n + seed}`);
    else if (k === 3) lines.push(`stxdw [%r10-${8 + (n % 8) * 8}], %r0`);
    else lines.push('lsh %r0, 3');
    n++;
  }
  lines.push('exit');
  return { name: 'big', dialect: 'rfc', insns: parseAsm(lines.join('\n')), maps: [], license: 'GPL' };
}

const compileRows: Array<Record<string, number | string>> = [];
for (const engine of engines.filter((e) => e.name !== 'interp')) {
  const vm = new Vm({ size: 1 << 20, ...(engine.memoryBase ? { base: (m: WebAssembly.Memory) => engine.memoryBase!(m) } : {}) });
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const verified = check(bigProgram(i), subsystem, []);
    const t = performance.now();
    engine.compile(verified, vm).dispose();
    times.push(performance.now() - t);
  }
  const first = times[0]!;
  const sorted = [...times].sort((a, b) => a - b);
  compileRows.push({ engine: engine.name, slots: 4096, 'first ms': Number(first.toFixed(2)), 'median ms': Number(sorted[10]!.toFixed(2)) });
}

if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ run: rows, compile: compileRows }, null, 2) + '\n');
else {
  console.table(rows);
  console.table(compileRows);
}
