import { check, parseAsm, Vm } from '@ebpf/core';
import { conformanceSubsystem } from '@ebpf/core/testing';
import { generateModule } from '../jit-wasm/src/codegen.js';
import { vmLayout } from '../jit-wasm/src/engine.js';
function bigProgram(seed: number) {
  const lines: string[] = ['mov %r0, 0', 'mov %r3, 0'];
  let n = 2;
  while (n < 4094) {
    const k = (n * 7 + seed) % 5;
    if (k === 0) lines.push(`ldxw %r3, [%r1+${(n % 15) * 4}]`);
    else if (k === 1) { lines.push(`jgt %r3, ${n + seed}, +1`, 'add %r0, %r3'); n++; }
    else if (k === 2) lines.push(`xor %r0, ${n + seed}`);
    else if (k === 3) lines.push(`stxdw [%r10-${8 + (n % 8) * 8}], %r0`);
    else lines.push('lsh %r0, 3');
    n++;
  }
  lines.push('exit');
  return { name: 'big', dialect: 'rfc' as const, insns: parseAsm(lines.join('\n')), maps: [], license: 'GPL' };
}
const vm = new Vm({ size: 1 << 20 });
const vs = [0,1,2,3].map((i) => check(bigProgram(i), conformanceSubsystem(64), []));
(globalThis as any).gc?.();
console.log('--- start');
for (let i = 0; i < 200; i++) generateModule(vs[i % 4]!.lowered, vs[i % 4]!.funcs, vmLayout(vm));
const t = performance.now();
for (let i = 0; i < 200; i++) generateModule(vs[i % 4]!.lowered, vs[i % 4]!.funcs, vmLayout(vm));
console.log('--- end', ((performance.now() - t) / 200).toFixed(2), 'ms per gen');
