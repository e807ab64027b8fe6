import { lower, parseAsm, Vm } from '@ebpf/core';
import { BENCH_PROGRAMS } from '../../bench/src/programs.js';
import { compileNative } from '../src/compile.js';
import { bufferAddress } from '../src/native/memory.js';
const vm = new Vm({ size: 1 << 22, base: (m) => bufferAddress(m.buffer) });
const out: string[] = [];
for (const name of ['checksum', 'compute']) {
  const b = BENCH_PROGRAMS.find((p) => p.name === name)!;
  const mem = b.memory();
  const reg = vm.mem.alloc(Math.max(mem.length, 1), { kind: 'context', name: 'm' });
  vm.mem.bytes.set(mem, reg.offset);
  const r = compileNative({ lowered: lower(parseAsm(b.asm)), helpers: new Map(), maps: [], name }, vm);
  const a = Number(reg.address);
  let best = Infinity;
  for (let k = 0; k < 7; k++) {
    const n = name === 'compute' ? 2000 : 20000;
    const t = performance.now();
    for (let i = 0; i < n; i++) r.runLow32(a, mem.length);
    best = Math.min(best, ((performance.now() - t) * 1e6) / n);
  }
  out.push(`${name} ${best.toFixed(0)}ns`);
  r.dispose();
}
console.log(`pad ${process.env.JIT_PAD ?? 0}: ${out.join(' ')}`);
