import { parseAsm } from '@ebpf/core/asm';
import { check, CheckerError, Vm } from '@ebpf/core';
import { linuxTrace } from '../fixtures.js';
const P = (...l: string[]) => l.join('\n');
function run(name: string, asm: string, opts = {}) {
  const spec = { name, dialect: 'rfc' as const, insns: parseAsm(asm), maps: [], license: 'GPL' };
  const vm = new Vm({ size: 1 << 20 });
  const t = performance.now();
  try { const v = check(spec, linuxTrace(), [], opts); console.log(name, 'ACCEPTED', v.stats, (performance.now() - t).toFixed(0), 'ms'); }
  catch (e) { if (CheckerError.isCheckerError(e)) console.log(name, e.reason, e.insn, (performance.now() - t).toFixed(0), 'ms'); else throw e; }
}
run('reg-counter-2^32', P('mov %r1, 0', 'l:', 'add32 %r1, 1', 'jne32 %r1, 0, l', 'mov %r0, 0', 'exit'));
run('stack-counter', P('stdw [%r10-8], 0', 'l:', 'ldxdw %r1, [%r10-8]', 'add %r1, 1', 'stxdw [%r10-8], %r1', 'jne %r1, 0, l', 'mov %r0, 0', 'exit'));
run('stack-counter-fullstack', P(...Array.from({length: 64}, (_, i) => `stdw [%r10-${512 - 8*i}], 0`), 'l:', 'ldxdw %r1, [%r10-8]', 'add %r1, 1', 'stxdw [%r10-8], %r1', 'jne %r1, 0, l', 'mov %r0, 0', 'exit'));
