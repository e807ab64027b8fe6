import { insn, lower, Vm } from '@ebpf/core';
import { Interpreter } from '@ebpf/interp';
import { compileNative } from '../src/compile.js';
import { bufferAddress } from '../src/native/memory.js';
import { measure } from '../../bench/src/measure.js';
const vm = new Vm({ size: 1 << 20, base: (m) => bufferAddress(m.buffer) });
const prog = lower([insn({ code: 0xb7, dst: 0, imm: 0 }), insn({ code: 0x95 })]);
const r = compileNative({ lowered: prog, helpers: new Map(), maps: [], name: 'e' }, vm);
const it = new Interpreter(vm, prog);
const a = Number(vm.stackTop);
const order = process.argv[2] ?? 'ni';
for (const o of order) {
  if (o === 'n') console.log('native', measure(() => r.run(a, 0), { timeMs: 500 }).nsPerRun.toFixed(1));
  if (o === 'i') console.log('interp', measure(() => it.run(a, 0), { timeMs: 500 }).nsPerRun.toFixed(1));
}
