import { traceSetup } from '../src/commands/trace.js';
import { SimNetStack } from '@ebpf/trace';
const engine = process.argv[2] ?? 'jit-wasm';
const { tracer } = await traceSetup('auto', 4096, [engine]);
const net = new SimNetStack(tracer, { skbCapacity: 16 });
const skb = net.allocSkb(net.device('lo'), 128);
const vm = tracer.vm;
const N = 3_000_000;
function time(name: string, f: () => void) { f(); let best = 1e9; for (let k = 0; k < 3; k++) { const t0 = process.cpuUsage(); f(); const u = process.cpuUsage(t0); best = Math.min(best, (u.user + u.system) / 1000); } console.log(name.padEnd(30), (best * 1e6 / N).toFixed(1), 'ns'); }
time('empty loop', () => { let s = 0; for (let i = 0; i < N; i++) s += i; if (s === 1) console.log(s); });
const tp = net.kfreeSkb; tp.enable();
for (const f of ['location==0x100', 'name==eth5']) {
  tracer.setFilter(tp, f, { mode: 'bpf', engine });
  time(`emit ${f}`, () => { for (let i = 0; i < N; i++) tp.emit(skb, 5); });
  const r = tracer.programs()[0]!.loaded.runnable;
  const ctx = Number(vm.mem.regions().find((x) => x.name === 'ctx skb:kfree_skb')!.address);
  time(`runLow32 ${f}`, () => { for (let i = 0; i < N; i++) r.runLow32(ctx, 0); });
}
{
  const m = (net.kfreeSkb as any).marshaller;
  const u32 = new Uint32Array(vm.mem.memory.buffer);
  const argv = [skb, 5, undefined, undefined, undefined];
  const offs = net.kfreeSkb.argOffsets;
  time('toContext', () => { for (let i = 0; i < N; i++) m.toContext(argv, u32, 100000, offs); });
  const p = tracer.programs()[0]! as any;
  time('attachment.run', () => { for (let i = 0; i < N; i++) p.run(Number(vm.stackTop) - 512); });
  time('emit disabled', () => { tp.disable(); for (let i = 0; i < N; i++) tp.emit(skb, 5); tp.enable(); });
}
