import { Vm, insn, lower } from '@ebpf/core';
import { Interpreter } from '@ebpf/interp';
const vm = new Vm({ size: 1 << 20 });
const empty = new Interpreter(vm, lower([insn({ code: 0xb7, dst: 0, imm: 0 }), insn({ code: 0x95 })]), { budget: Infinity });
const M = 3_000_000;
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  for (let i = 0; i < M; i++) empty.run(65536, 0);
  const a = ((performance.now() - t) * 1e6) / M;
  t = performance.now();
  for (let i = 0; i < M; i++) empty.runLow32(65536, 0);
  const b = ((performance.now() - t) * 1e6) / M;
  console.log('run', a.toFixed(1), 'runLow32', b.toFixed(1));
}
