import { createContainer, Runtime } from '@ebpf/core';
import { registerWasm } from '@ebpf/jit-wasm';
import { registerTrace, Tracer, SimNetStack } from '@ebpf/trace';
const c = createContainer(); registerTrace(c); registerWasm(c);
const rt = new Runtime({ container: c, memorySize: 64 << 20 });
const tracer = new Tracer({ runtime: rt, engine: 'jit-wasm' });
const net = new SimNetStack(tracer, { skbCapacity: 16 });
const lo = net.device('lo'); const tp = net.kfreeSkb;
const filt = process.argv[2] ?? 'name==eth5';
const att = tracer.setFilter(tp, filt, { mode: 'bpf', engine: 'jit-wasm' })!;
const N = 1_000_000;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function time(name: string, f: () => void) { let best = Infinity; for (let r = 0; r < 5; r++) { const t = cpu(); f(); best = Math.min(best, cpu() - t); } console.log(name.padEnd(30), (best * 1e6 / N).toFixed(1), 'ns'); }
const skb = net.allocSkb(lo, 128);
tp.enabled = true;
time('emit only (enabled)', () => { for (let i = 0; i < N; i++) tp.emit(skb, 0x4242); });
tp.enabled = false;
time('emit disabled', () => { for (let i = 0; i < N; i++) tp.emit(skb, 0x4242); });
const ctx = (tp as any).ctxAddress as number;
const run = (att as any).run as (n: number) => boolean;
time('attachment.run', () => { for (let i = 0; i < N; i++) run(ctx); });
const r = (att as any).loaded.runnable;
time('runLow32', () => { for (let i = 0; i < N; i++) r.runLow32(ctx, 0); });
const m = (tp as any).marshaller; const u32 = (tp as any).u32; const base = (tp as any).ctx.offset; const offs = (tp as any).argOffsets;
const vals = [skb, 0x4242, undefined, undefined, undefined];
time('toContext', () => { for (let i = 0; i < N; i++) m.toContext(vals, u32, base, offs); });
tp.enabled = true;
time('fire', () => { for (let i = 0; i < N; i++) tp.fire(vals); });
time('emit again', () => { for (let i = 0; i < N; i++) tp.emit(skb, 0x4242); });
time('alloc+free (enabled)', () => { for (let i = 0; i < N; i++) net.freeSkb(net.allocSkb(lo, 128)); });
tp.enabled = false;
time('alloc+free (disabled)', () => { for (let i = 0; i < N; i++) net.freeSkb(net.allocSkb(lo, 128)); });
{
  const HostRefC = skb.constructor as any;
  const bh = 0, bl = 0;
  function tc(values: ArrayLike<unknown>, u32: Uint32Array, ctxOff: number, offsets: readonly number[], n: number) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const idx = (ctxOff + offsets[i]!) >> 2;
      if (typeof v === 'number' && v >= 0 && v <= 0xffffffff && v === (v >>> 0)) { u32[idx] = v; u32[idx + 1] = 0; }
      else if (v instanceof HostRefC) { const lo = bl + (v as any).offset; u32[idx] = lo >>> 0; u32[idx + 1] = bh + (lo >= 4294967296 ? 1 : 0); }
    }
  }
  time('tc copy', () => { for (let i = 0; i < N; i++) tc(vals, u32, base, offs, 2); });
  const u32b = new Uint32Array(1 << 24);
  time('tc plain buffer', () => { for (let i = 0; i < N; i++) tc(vals, u32b, base, offs, 2); });
  time('write only', () => { for (let i = 0; i < N; i++) { u32[(base + 104) >> 2] = i; u32[(base + 108) >> 2] = 0; } });
  time('write only plain', () => { for (let i = 0; i < N; i++) { u32b[(base + 104) >> 2] = i; u32b[(base + 108) >> 2] = 0; } });
  console.log(u32.length, (u32.buffer as any).constructor.name, (u32.buffer as any).resizable, typeof SharedArrayBuffer);
}
{
  const HostRefC = skb.constructor as any;
  class M2 {
    overflows = 0;
    private readonly baseHi: number = 0;
    private readonly baseLo: number = 0;
    private resetPending = true;
    constructor(private readonly args: readonly unknown[]) {}
    toContext(values: ArrayLike<unknown>, u32: Uint32Array, ctxOff: number, offsets: readonly number[]): void {
      const n = this.args.length;
      this.resetPending = true;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const idx = (ctxOff + offsets[i]!) >> 2;
        if (typeof v === 'number' && v >= 0 && v <= 0xffffffff && v === (v >>> 0)) { u32[idx] = v; u32[idx + 1] = 0; }
        else if (v instanceof HostRefC) { const lo = this.baseLo + (v as any).offset; u32[idx] = lo >>> 0; u32[idx + 1] = this.baseHi + (lo >= 4294967296 ? 1 : 0); }
        else throw new Error('x');
      }
    }
  }
  const m2 = new M2([1, 2]);
  time('M2', () => { for (let i = 0; i < N; i++) m2.toContext(vals, u32, base, offs); });
  const vals2 = [skb, 0x4242];
  time('M2 vals2', () => { for (let i = 0; i < N; i++) m2.toContext(vals2, u32, base, offs); });
  time('orig vals2', () => { for (let i = 0; i < N; i++) m.toContext(vals2, u32, base, offs); });
  const offs2 = [104, 96];
  time('orig offs2', () => { for (let i = 0; i < N; i++) m.toContext(vals, u32, base, offs2); });
  console.log(offs, Object.isFrozen(offs), (tp as any).argOffsets === offs);
}
