// Interleaved interp vs native timing of the bench programs; median ratio over rounds.
import { check, lower, parseAsm, Vm, type ProgramSpec } from '@ebpf/core';
import { CONFORMANCE_HELPERS, conformanceSubsystem } from '@ebpf/core/testing';
import { Interpreter } from '@ebpf/interp';
import { BENCH_PROGRAMS } from '../../bench/src/programs.js';
import { X86Engine } from '../src/engine.js';
const engine = new X86Engine();
for (const name of ['empty', 'filter', 'compute', 'checksum']) {
  const b = BENCH_PROGRAMS.find((p) => p.name === name)!;
  const spec: ProgramSpec = { name, dialect: 'rfc', insns: parseAsm(b.asm), maps: [], license: 'GPL' };
  const mem = b.memory();
  const vm = new Vm({ size: 1 << 20, base: (m) => engine.memoryBase(m) });
  const reg = vm.mem.alloc(Math.max(mem.length, 1), { kind: 'context', name: 'm' });
  vm.mem.bytes.set(mem, reg.offset);
  const r1 = Number(reg.address), r2 = mem.length;
  const it = new Interpreter(vm, lower(spec.insns), { helpers: CONFORMANCE_HELPERS });
  const nat = engine.compile(check(spec, conformanceSubsystem(mem.length), []), vm);
  if (it.run(r1, r2) !== nat.run(r1, r2)) throw new Error('mismatch');
  const steps = it.steps;
  const time = (f: () => unknown, n: number) => { const t = performance.now(); for (let i = 0; i < n; i++) f(); return (performance.now() - t) * 1e6 / n; };
  const ni = name === 'empty' || name === 'filter' ? 200000 : Math.max(20, Math.round(2e6 / steps));
  const nn = ni * 10;
  for (let w = 0; w < 3; w++) { time(() => it.run(r1, r2), ni); time(() => nat.run(r1, r2), nn); }
  const ti: number[] = [], tn: number[] = [], ratio: number[] = [];
  for (let k = 0; k < 15; k++) { const a = time(() => it.run(r1, r2), ni); const c = time(() => nat.run(r1, r2), nn); ti.push(a); tn.push(c); ratio.push(a / c); }
  const med = (x: number[]) => x.slice().sort((p, q) => p - q)[x.length >> 1]!;
  const mi = med(ti), mn = med(tn);
  console.log(`${name.padEnd(9)} insns ${String(steps).padStart(5)}  interp ${mi.toFixed(1).padStart(8)} ns (${(mi / steps).toFixed(2)} ns/insn)  native ${mn.toFixed(1).padStart(7)} ns (${(mn / steps).toFixed(3)} ns/insn)  ratio median ${med(ratio).toFixed(1)}x (min ${Math.min(...ratio).toFixed(1)}, max ${Math.max(...ratio).toFixed(1)})`);
  nat.dispose();
}
