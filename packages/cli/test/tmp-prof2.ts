import { traceSetup } from '../src/commands/trace.js';
import { SimNetStack } from '@ebpf/trace';
const { tracer } = await traceSetup('auto', 4096, [process.argv[3] ?? 'interp']);
const net = new SimNetStack(tracer, { skbCapacity: 16 });
const lo = net.device('lo');
const N = 2_000_000;
net.kfreeSkb.enable();
tracer.setFilter(net.kfreeSkb, 'name==eth5', { mode: (process.argv[2] ?? 'preds') as 'bpf', engine: process.argv[3] ?? 'interp' });
for (let k = 0; k < 3; k++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) net.freeSkb(net.allocSkb(lo, 128));
  const u = process.cpuUsage(t0);
  console.log(((u.user + u.system) * 1e3 / N).toFixed(1), 'ns');
}
