import { parseAsm } from '@ebpf/core/asm';
import { check, CheckerError } from '@ebpf/core';
import { linuxTrace } from '../fixtures.js';
const P = (...l: string[]) => l.join('\n');
const which = process.argv[2];
const asm = which === 'reg' ? P('mov %r1, 0', 'l:', 'add32 %r1, 1', 'jne32 %r1, 0, l', 'mov %r0, 0', 'exit')
 : P('stdw [%r10-8], 0', 'l:', 'ldxdw %r1, [%r10-8]', 'add %r1, 1', 'stxdw [%r10-8], %r1', 'jne %r1, 0, l', 'mov %r0, 0', 'exit');
const spec = { name: 'x', dialect: 'rfc' as const, insns: parseAsm(asm), maps: [], license: 'GPL' };
const t = performance.now();
try { check(spec, linuxTrace(), [], { maxProcessed: 200000 }); } catch (e) { console.log((e as CheckerError).reason); }
console.log((performance.now() - t).toFixed(0), 'ms');
