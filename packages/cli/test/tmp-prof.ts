import { traceSetup } from '../src/commands/trace.js';
import { SimNetStack } from '@ebpf/trace';
const { tracer } = await traceSetup('auto', 4096);
const net = new SimNetStack(tracer, { skbCapacity: 16 });
const lo = net.device('lo');
const N = 300000;
function time(name: string, f: () => void) {
  f();
  const t0 = performance.now(); f(); const t1 = performance.now();
  console.log(name.padEnd(40), ((t1 - t0) * 1e6 / N).toFixed(1), 'ns');
}
time('alloc+free (disabled)', () => { for (let i = 0; i < N; i++) net.freeSkb(net.allocSkb(lo, 128)); });
const skb = net.allocSkb(lo, 128);
time('emit disabled', () => { for (let i = 0; i < N; i++) net.kfreeSkb.emit(skb, 1); });
net.kfreeSkb.enable();
time('emit enabled record', () => { for (let i = 0; i < N; i++) net.kfreeSkb.emit(skb, 1); tracer.buffer.clear(); });
tracer.setFilter(net.kfreeSkb, 'name==eth5', { mode: 'preds' });
time('emit preds', () => { for (let i = 0; i < N; i++) net.kfreeSkb.emit(skb, 1); });
tracer.setFilter(net.kfreeSkb, 'location == 0x100', { mode: 'bpf', engine: 'jit-wasm' });
time('emit bpf wasm location==0x100', () => { for (let i = 0; i < N; i++) net.kfreeSkb.emit(skb, 1); });
tracer.setFilter(net.kfreeSkb, 'name==eth5', { mode: 'bpf', engine: 'jit-wasm' });
time('emit bpf wasm name==eth5', () => { for (let i = 0; i < N; i++) net.kfreeSkb.emit(skb, 1); });
const p = tracer.programs()[0]!;
const r = p.loaded.runnable; const ctxAddr = Number(tracer.vm.mem.regions().find((x) => x.name === "ctx skb:kfree_skb")!.address);
time('runLow32 direct (name==eth5)', () => { for (let i = 0; i < N; i++) r.runLow32(ctxAddr, 0); });
{
  const sub = tracer.subsystemFor(net.kfreeSkb);
  const h = sub.getFuncProto(113)!;
  const vm = tracer.vm;
  const env = { vm, maps: [], program: 'x' };
  const dst = vm.stackTop - 64n;
  vm.args.set(1, dst); vm.args.set(2, 8); vm.args.set(3, BigInt(skb.address + 32));
  time('probe_read_kernel impl', () => { for (let i = 0; i < N; i++) h.impl(vm.args, env); });
  time('isValidOffset', () => { for (let i = 0; i < N; i++) vm.mem.isValidOffset(skb.offset, 8); });
  time('args.num', () => { let s = 0; for (let i = 0; i < N; i++) s += vm.args.num(3); });
  console.log(vm.mem.regions().length, 'regions');
}
