import { traceSetup } from '../src/commands/trace.js';
import { SimNetStack, HelperId } from '@ebpf/trace';
const { tracer } = await traceSetup('auto', 4096);
const net = new SimNetStack(tracer, { skbCapacity: 16 });
const skb = net.allocSkb(net.device('lo'), 128);
const vm = tracer.vm;
const h = tracer.subsystemFor(net.kfreeSkb).getFuncProto(HelperId.probe_read_kernel)!;
const env = { vm, maps: [], program: 'x' };
vm.args.set(1, vm.stackTop - 64n); vm.args.set(2, 8); vm.args.set(3, BigInt(skb.address + 32));
const N = 3_000_000;
function time(name: string, f: () => void) { f(); const t0 = performance.now(); f(); console.log(name.padEnd(30), ((performance.now() - t0) * 1e6 / N).toFixed(1), 'ns'); }
for (let k = 0; k < 3; k++) {
time('empty loop', () => { let s = 0; for (let i = 0; i < N; i++) s += i; if (s === 1) console.log(s); });
time('probe_read impl', () => { for (let i = 0; i < N; i++) h.impl(vm.args, env); });
time('args.u32+hi', () => { let s = 0; for (let i = 0; i < N; i++) s += vm.args.u32(3) + vm.args.hi(3); if (s === 1) console.log(s); });
}
