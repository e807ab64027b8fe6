/**
 * What the browser test runs, written once for both sides: the same module is imported by the
 * Node test and bundled (esbuild) into the Chromium page, so both compute the same results
 * from the same inputs. It runs bpf_conformance programs and the seed's two filter examples
 * through the checker and both browser-capable engines (interp, jit-wasm) and reports r0.
 * Imports only browser-safe modules (the trace package's subsystem, not its tracer).
 */
import { check, decode, decodeAny, Vm, type Engine, type ProgramSpec } from '@ebpf/core';
import { conformanceProgram, conformanceSubsystem, parseConformanceTest } from '@ebpf/core/testing';
import { WasmEngine } from '../../src/index.js';
import { InterpEngine } from '../../../interp/src/index.js';
import { TraceSubsystem } from '../../../trace/src/subsystem.js';
import { NET_DEVICE, SK_BUFF } from '../../../trace/src/host-structs.js';
import { PT_REGS } from '../../../trace/src/context.js';

/** r0 per engine (hex), or the error, for one program. */
export interface ScenarioResult {
  readonly name: string;
  readonly interp: string;
  readonly wasm: string;
}

function runBoth(name: string, run: (engine: Engine) => bigint): ScenarioResult {
  const one = (engine: Engine): string => {
    try {
      return `0x${run(engine).toString(16)}`;
    } catch (e) {
      return `error: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  return { name, interp: one(new InterpEngine()), wasm: one(new WasmEngine()) };
}

/** Runs conformance tests (`.data` texts) checked with the `conformance` subsystem. */
export function runConformanceSample(tests: ReadonlyArray<{ name: string; text: string }>): ScenarioResult[] {
  return tests.map(({ name, text }) => {
    const test = parseConformanceTest(text, name);
    const spec: ProgramSpec = { name, dialect: 'rfc', insns: decode(conformanceProgram(test)), maps: [], license: 'GPL' };
    return runBoth(name, (engine) => {
      const vm = new Vm({ size: 1 << 20 });
      const ctx = vm.mem.alloc(test.memory.length, { kind: 'context', name: 'mem' });
      vm.mem.bytes.set(test.memory, ctx.offset);
      const verified = check(spec, conformanceSubsystem(test.memory.length), []);
      return engine.compile(verified, vm).run(ctx.address, BigInt(test.memory.length));
    });
  });
}

/**
 * Runs a seed image (filter_ex1/ex2) as the seed's netif_receive_skb tracepoint would: an
 * `sk_buff` whose `dev` names `devName`, and `pt_regs` with the skb in `si`. Runs it `times`
 * times (filter_ex2 counts packets in its table) and reports the last r0 and the printed lines.
 */
export function runSeedExample(name: string, image: Uint8Array | readonly number[], devName: string, times = 3): ScenarioResult & { lines: Record<string, string[]> } {
  const lines: Record<string, string[]> = {};
  const result = runBoth(name, (engine) => {
    const [spec] = decodeAny(Uint8Array.from(image), { name });
    if (!spec) throw new Error(`${name}: no program`);
    const printed: string[] = [];
    const subsystem = new TraceSubsystem({ sink: { printk: (m) => printed.push(m), dumpStack: () => printed.push('<stack>') } });
    const vm = new Vm({ size: 1 << 20 });
    const maps = spec.maps.map((m) => vm.createMap(m));
    const verified = check(spec, subsystem, maps);
    const dev = vm.mem.alloc(NET_DEVICE.size, { kind: 'host', name: 'net_device' });
    const nameBytes = new TextEncoder().encode(devName);
    vm.mem.bytes.set(nameBytes.subarray(0, 15), dev.offset + NET_DEVICE.fields.find((f) => f.name === 'name')!.offset);
    const skb = vm.mem.alloc(SK_BUFF.size, { kind: 'host', name: 'sk_buff' });
    const devOff = SK_BUFF.fields.find((f) => f.name === 'dev')!.offset;
    vm.mem.view.setBigUint64(skb.offset + devOff, dev.address, true);
    const ctx = vm.mem.alloc(168, { kind: 'context', name: 'pt_regs' });
    vm.mem.view.setBigUint64(ctx.offset + PT_REGS.si, skb.address, true);
    const runnable = engine.compile(verified, vm);
    let r0 = 0n;
    for (let i = 0; i < times; i++) r0 = runnable.run(ctx.address);
    lines[engine.name] = printed;
    return r0;
  });
  return { ...result, lines };
}
