import { describe, expect, it } from 'vitest';
import { parseAsm, type ProgramSpec } from '@ebpf/core';
import { Runtime, createContainer } from '@ebpf/core/runtime';
import { registerInterp } from '@ebpf/interp';
import { REQUEST, registerRequests } from './requests.js';

// Keep slow requests (r0 = 1) and count them per status code in a hash map.
const slowRequests: ProgramSpec = {
  name: 'slow_requests',
  dialect: 'rfc',
  license: 'GPL',
  maps: [{ name: 'slow_by_status', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 64, flags: 0 }],
  insns: parseAsm(`
    ldxw %r6, [%r1+${REQUEST.STATUS}]
    ldxdw %r7, [%r1+${REQUEST.LATENCY_NS}]
    call 0x10000
    jgt %r7, %r0, slow
    mov %r0, 0
    exit
  slow:
    stxw [%r10-4], %r6
    stdw [%r10-16], 1
    lddw %r1, map_fd(0)
    mov %r2, %r10
    add %r2, -4
    mov %r3, %r10
    add %r3, -16
    mov %r4, 1
    call 2
    jeq %r0, 0, keep
    lddw %r1, map_fd(0)
    mov %r2, %r10
    add %r2, -4
    call 1
    jeq %r0, 0, keep
    mov %r1, 1
    lock add [%r0+0], %r1
  keep:
    mov %r0, 1
    exit
  `),
};

describe('a custom subsystem through the Runtime', () => {
  it('loads, checks and runs a program on the requests subsystem', () => {
    const container = createContainer();
    registerInterp(container);
    registerRequests(container, 100);
    const runtime = new Runtime({ container, memorySize: 1 << 20 });
    const prog = runtime.load(slowRequests, { subsystem: 'requests', engine: 'interp' });

    const request = runtime.vm.mem.alloc(REQUEST.SIZE, { kind: 'context', name: 'request' });
    const view = runtime.vm.mem.view;
    const send = (status: number, latencyNs: number) => {
      view.setUint32(request.offset + REQUEST.STATUS, status, true);
      view.setBigUint64(request.offset + REQUEST.LATENCY_NS, BigInt(latencyNs), true);
      return prog.run(request.address);
    };
    expect([send(200, 50), send(200, 150), send(500, 999), send(200, 101), send(404, 100)]).toEqual([0n, 1n, 1n, 1n, 0n]);

    const counts = new Map([...prog.map('slow_by_status')!.entries()].map(([k, v]) => [
      new DataView(k.buffer).getUint32(0, true),
      new DataView(v.buffer).getBigUint64(0, true),
    ]));
    expect(counts).toEqual(new Map([[200, 2n], [500, 1n]]));
  });

  it('refuses a program that writes the read-only request', () => {
    const container = createContainer();
    registerInterp(container);
    registerRequests(container);
    const runtime = new Runtime({ container, memorySize: 1 << 20 });
    const bad = { ...slowRequests, maps: [], insns: parseAsm('stw [%r1+0], 1\nmov %r0, 0\nexit') };
    expect(() => runtime.load(bad, { subsystem: 'requests', engine: 'interp' })).toThrow(/check:/);
  });
});
