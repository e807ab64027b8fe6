import { parseAsm } from '@ebpf/core/asm';
import { check, CheckerError } from '@ebpf/core';
import { linuxTrace } from '../fixtures.js';
const n = Number(process.argv[2] ?? 1000);
const lines = ['mov %r6, %r1', 'mov %r7, 0', 'mov %r0, 0', 'loop:'];
for (let i = 0; i < n; i++) lines.push('ja +0');
lines.push('add %r7, 1', 'jlt %r7, 100000, loop', 'mov %r0, 0', 'exit');
const spec = { name: 'x', dialect: 'rfc' as const, insns: parseAsm(lines.join('\n')), maps: [], license: 'GPL' };
const t = performance.now();
try { const v = check(spec, linuxTrace(), [], {}); console.log('accepted', v.stats); } catch (e) { console.log((e as CheckerError).reason, (e as CheckerError).insn); }
console.log((performance.now() - t).toFixed(0), 'ms', (process.memoryUsage().rss / 1e6).toFixed(0), 'MB rss');
