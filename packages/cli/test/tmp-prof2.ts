import { traceSetup } from '../src/commands/trace.js';
import { SimNetStack } from '@ebpf/trace';
const { tracer } = await traceSetup('auto', 4096);
const net = new SimNetStack(tracer, { skbCapacity: 16 });
const lo = net.device('lo');
const N = 2_000_000;
net.kfreeSkb.enable();
tracer.setFilter(net.kfreeSkb, process.argv[2] ?? 'name==eth5', { mode: 'bpf', engine: process.argv[3] ?? 'jit-wasm' });
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) net.freeSkb(net.allocSkb(lo, 128));
  console.log(((performance.now() - t0) * 1e6 / N).toFixed(1), 'ns');
}
