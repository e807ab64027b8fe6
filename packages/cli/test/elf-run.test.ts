/**
 * The clang-built examples end to end: every committed object (clang-19 -mcpu=v3/v4, clang-14)
 * decoded, checked against the trace subsystem, compiled and run on every engine through a
 * Runtime, with the results each example's source promises (map counts, `.bss` counters,
 * `.rodata` tables, subprogram loops, tail calls, ring buffer records, CO-RE offsets, the seed
 * filters' printed lines). Engines must agree with each other on every case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContainer, decodeElf, Runtime, type BpfMap, type LoadedProgram, type Subsystem } from '@ebpf/core';
import { SK_BUFF, SocketSubsystem, writeSkBuff } from '@ebpf/socket';
import { registerInterp } from '@ebpf/interp';
import { registerWasm } from '@ebpf/jit-wasm';
import { registerX86 } from '@ebpf/jit-x86_64';
import { PT_REGS, PT_REGS_SIZE, TraceSubsystem } from '@ebpf/trace';
import { afterEach, describe, expect, it } from 'vitest';

const EXAMPLES = join(import.meta.dirname, '../../../examples');
const BUILDS = ['clang19-v3', 'clang19-v4', 'clang14'] as const;
// The native JIT needs x86-64; elsewhere it is not registered (interfaces.md: skip only there).
const ENGINES = ['interp', 'jit-wasm', ...(process.arch === 'x64' ? ['jit-x86_64'] : [])] as const;

/** One runtime per test with every engine and a trace subsystem whose printed lines we keep. */
class Harness {
  readonly subsystem = new TraceSubsystem();
  readonly runtime: Runtime;
  private ctxOffset = -1;

  /** @param native register the native JIT (which moves VM memory to a native address) */
  constructor(native = process.arch === 'x64') {
    const container = createContainer();
    registerInterp(container);
    registerWasm(container);
    if (native) registerX86(container);
    this.runtime = new Runtime({ container, memorySize: 4 << 20 });
  }

  /** Loads every program of an example object on `engine`, maps shared within the object. */
  load(name: string, build: string, engine: string, subsystem: Subsystem = this.subsystem): LoadedProgram[] {
    const bytes = new Uint8Array(readFileSync(join(EXAMPLES, `${name}.${build}.o`)));
    const specs = decodeElf(bytes, { subsystems: [subsystem] });
    return this.runtime.loadAll(specs, { subsystem, engine });
  }

  /** A `pt_regs` context in VM memory with the given registers; returns its address. */
  ctx(regs: Partial<Record<keyof typeof PT_REGS, bigint | number>>): bigint {
    const mem = this.runtime.vm.mem;
    if (this.ctxOffset < 0) this.ctxOffset = mem.alloc(PT_REGS_SIZE, { kind: 'context', name: 'pt_regs' }).offset;
    mem.bytes.fill(0, this.ctxOffset, this.ctxOffset + PT_REGS_SIZE);
    for (const [reg, v] of Object.entries(regs)) mem.view.setBigUint64(this.ctxOffset + PT_REGS[reg as keyof typeof PT_REGS], BigInt(v), true);
    return mem.addressOf(this.ctxOffset);
  }

  /** Lays out the seed's sk_buff (dev at +32) and net_device (name at +0); returns the skb address. */
  skb(devName: string): { skb: bigint; dev: bigint } {
    const mem = this.runtime.vm.mem;
    const dev = mem.alloc(64, { kind: 'host', name: `net_device ${devName}` });
    const skb = mem.alloc(112, { kind: 'host', name: 'sk_buff' });
    mem.bytes.set(new TextEncoder().encode(devName + '\0'), dev.offset);
    mem.view.setBigUint64(skb.offset + 32, dev.address, true);
    return { skb: skb.address, dev: dev.address };
  }

  dispose(): void {
    this.runtime.dispose();
  }
}

const u64 = (n: number | bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n), true); return b; };
const readU64 = (b: Uint8Array, at = 0) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);
const one = (progs: LoadedProgram[], name: string) => progs.find((p) => p.spec.name === name)!;
const map = (p: LoadedProgram, name: string): BpfMap => p.map(name)!;

/**
 * Engines a case runs on when not all: `__sk_buff.data/data_end` are 32-bit fields, so socket
 * packets need VM memory based at 0, which the native JIT's runtime is not (the socket issue
 * will give that subsystem its own packet addressing).
 */
const ONLY: Record<string, readonly string[]> = { socket_ethertype: ['interp', 'jit-wasm'] };

/** Each case returns what it observed, so engines can also be compared with each other. */
const CASES: Record<string, (h: Harness, build: string, engine: string) => unknown> = {
  filter_ex1(h, b, e) {
    const [p] = h.load('filter_ex1', b, e);
    const lo = h.skb('lo');
    const eth = h.skb('eth0');
    expect(p!.run(h.ctx({ si: lo.skb }))).toBe(0n);
    expect(p!.run(h.ctx({ si: eth.skb }))).toBe(0n);
    expect(h.subsystem.lines).toHaveLength(1);
    // %p prints 16 hex digits, as the kernel's trace_printk did.
    const hex = (a: bigint) => a.toString(16).padStart(16, '0');
    expect(h.subsystem.lines[0]).toContain(`skb ${hex(lo.skb)} dev ${hex(lo.dev)}`);
    return h.subsystem.lines.length;
  },
  filter_ex2(h, b, e) {
    const [p] = h.load('filter_ex2', b, e);
    const lo = h.skb('lo');
    const eth = h.skb('eth5');
    for (let i = 0; i < 3; i++) p!.run(h.ctx({ si: lo.skb }));
    p!.run(h.ctx({ si: eth.skb }));
    const counts = map(p!, 'dev_counts');
    expect(readU64(counts.lookup(u64(lo.dev))!)).toBe(2n); // inserted at 0, then counted twice
    expect(readU64(counts.lookup(u64(eth.dev))!)).toBe(0n);
    expect(counts.count).toBe(2);
    return counts.count;
  },
  counter(h, b, e) {
    const [p] = h.load('counter', b, e);
    const got = [5, 5, 6, 5].map((di) => p!.run(h.ctx({ di })));
    expect(got).toEqual([1n, 2n, 1n, 3n]);
    expect(readU64(map(p!, '.bss').lookup(new Uint8Array(4))!)).toBe(4n);
    return got;
  },
  rodata_strings(h, b, e) {
    const [p] = h.load('rodata_strings', b, e);
    const sum = (s: string) => BigInt([...s].reduce((n, c) => n + c.charCodeAt(0), 0));
    const got = [0, 1, 2, 3, 7].map((di) => p!.run(h.ctx({ di })));
    expect(got).toEqual([sum('debug'), sum('info'), sum('warning'), sum('error'), sum('error')]);
    expect(() => map(p!, '.rodata.cst32').update(new Uint8Array(4), new Uint8Array(32))).toThrow();
    return got;
  },
  subprog_loop(h, b, e) {
    const [p] = h.load('subprog_loop', b, e);
    const got = [0, 1, 3, 15, 16].map((di) => p!.run(h.ctx({ di })));
    expect(got).toEqual([0n, 1n, 14n, 1240n, 0n]);
    return got;
  },
  tail_call(h, b, e) {
    const progs = h.load('tail_call', b, e);
    const dispatch = one(progs, 'dispatch');
    const got = [dispatch.run(h.ctx({ di: 1, si: 5 })), dispatch.run(h.ctx({ di: 2, si: 5 }))];
    expect(got).toEqual([47n, 7n]); // slot 1 holds `second`; slot 2 is empty
    return got;
  },
  ringbuf(h, b, e) {
    const [p] = h.load('ringbuf', b, e);
    const got = [p!.run(h.ctx({ di: 9, si: 4 })), p!.run(h.ctx({ di: 0, si: 1 })), p!.run(h.ctx({ di: 3, si: 2 }))];
    expect(got).toEqual([1n, 0n, 1n]);
    const ring = map(p!, 'events') as BpfMap & { drain(): Uint8Array[] };
    const records = ring.drain().map((r) => [readU64(r, 0), readU64(r, 8), new DataView(r.buffer, r.byteOffset).getUint32(16, true)]);
    expect(records).toEqual([[9n, 4n, 0], [3n, 2n, 1]]);
    return records;
  },
  maps_mix(h, b, e) {
    const [p] = h.load('maps_mix', b, e);
    const got = [1, 1, 2, 5].map((di) => p!.run(h.ctx({ di })));
    expect(got).toEqual([5n, 10n, 5n, 15n]); // slot di & 3 grows by `step` (5, from .data)
    map(p!, '.data').update(new Uint8Array(4), u64(100));
    expect(p!.run(h.ctx({ di: 2 }))).toBe(105n);
    return got;
  },
  socket_ethertype(h, b, e) {
    const [p] = h.load('socket_ethertype', b, e, new SocketSubsystem());
    const mem = h.runtime.vm.mem;
    const frame = (type: number, len: number) => {
      const pkt = mem.alloc(len, { kind: 'packet', name: 'frame' });
      mem.bytes.fill(0, pkt.offset, pkt.offset + len);
      mem.view.setUint16(pkt.offset + 12, type, false);
      const ctx = mem.alloc(SK_BUFF.SIZE, { kind: 'context', name: '__sk_buff' });
      writeSkBuff(mem.view, ctx.offset, Number(pkt.address), len);
      return ctx.address;
    };
    const got = [p!.run(frame(0x0800, 60)), p!.run(frame(0x86dd, 60)), p!.run(frame(0x0800, 13))];
    expect(got).toEqual([60n, 0n, 0n]);
    return got;
  },
  core_regs(h, b, e) {
    const [p] = h.load('core_regs', b, e);
    const got = p!.run(h.ctx({ di: 10, si: 3 }));
    expect(got).toBe(7n);
    return got;
  },
};

describe.each(Object.keys(CASES))('example %s', (name) => {
  let h: Harness | undefined;
  afterEach(() => { h?.dispose(); h = undefined; });

  it.each(BUILDS)('%s object runs on every engine with the same results', (build) => {
    const seen: Record<string, unknown> = {};
    const engines = ONLY[name] ?? ENGINES;
    for (const engine of engines) {
      h = new Harness(ONLY[name] ? false : undefined);
      try {
        seen[engine] = CASES[name]!(h, build, engine);
      } catch (e) {
        throw new Error(`${name}.${build}.o on ${engine}: ${(e as Error).message}`, { cause: e });
      } finally {
        h.dispose();
        h = undefined;
      }
    }
    for (const engine of engines) expect(seen[engine], engine).toEqual(seen.interp);
  });
});
