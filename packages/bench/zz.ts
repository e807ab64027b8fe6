import { lower, parseAsm } from '@ebpf/core';
import { buildBlocks, orderBlocks, structure } from '../jit-wasm/src/cfg/index.js';
function prog(seed: number): string {
  let t = ''; let n = 0;
  while (n < 4090) {
    const k = (n * 7 + seed) % 5;
    if (k === 0) { t += `ldxw %r3, [%r1+${(n % 15) * 4}]\n`; n++; }
    else if (k === 1) { t += `jgt %r3, ${n + seed}, +1\n`; t += `add %r0, %r3\n`; n += 2; }
    else if (k === 2) { t += `xor %r0, ${n}\n`; n++; }
    else if (k === 3) { t += `stxdw [%r10-${8 + (n % 8) * 8}], %r0\n`; n++; }
    else { t += `lsh %r0, 3\n`; n++; }
  }
  return 'mov %r0, 0\nmov %r3, 0\n' + t + 'exit\n';
}
const p = lower(parseAsm(prog(0)));
for (let k = 0; k < 8; k++) {
  let t = performance.now();
  const g = buildBlocks(p, 0, p.length);
  const t1 = performance.now() - t; t = performance.now();
  const o = orderBlocks(g);
  const t2 = performance.now() - t; t = performance.now();
  const s = structure(g, o);
  const t3 = performance.now() - t;
  console.log(`blocks ${g.blocks.length} build ${t1.toFixed(2)} order ${t2.toFixed(2)} structure ${t3.toFixed(2)} ops ${s.ops.length} depth ${s.maxDepth}`);
}
