/**
 * The seed's demo, exactly: filter_ex1.bpf attached to net:netif_receive_skb prints
 * `skb <ptr> dev <ptr>` for device lo only; filter_ex2.bpf counts packets per device in its hash
 * table and prints every 10,000th. Checked by the checker, run by every engine that runs here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSeedImage } from '@ebpf/core';
import { deviceOfPacket, runDemo, SIM_DEVICES } from '@ebpf/trace';
import { seedExamplesDir, traceSetup } from '../src/commands/trace.js';

const ex = (name: string) => decodeSeedImage(new Uint8Array(readFileSync(join(seedExamplesDir(), `${name}.bpf`))), { name });
const { engines } = await traceSetup('interp');

describe('the seed examples shipped with @ebpf/trace', () => {
  it.each(['filter_ex1.bpf', 'filter_ex2.bpf'])('%s is byte-identical to the seed thread', (f) => {
    const shipped = readFileSync(join(seedExamplesDir(), f));
    const core = readFileSync(new URL(`../../core/testdata/seed/${f}`, import.meta.url));
    expect(shipped.equals(core)).toBe(true);
  });
});

describe.each(engines)('the seed demo on %s', (engine) => {
  it('filter_ex1 prints skb and dev for device lo only', async () => {
    const { tracer } = await traceSetup(engine);
    const r = runDemo({ tracer, events: 30, attach: (net) => tracer.attach(net.netifReceiveSkb, ex('filter_ex1')) });
    expect(r.program!.engine).toBe(engine);
    expect(r.program!.errors).toBe(0);
    const lo = Array.from({ length: 30 }, (_, i) => deviceOfPacket(i)).filter((d) => d === 'lo').length;
    expect(r.lines).toHaveLength(lo);
    for (const l of r.lines) expect(l).toMatch(new RegExp(`: netif_receive_skb: skb [0-9a-f]{16} dev ${r.devices.lo} $`));
  });

  it('filter_ex2 counts packets per device and prints every 10,000th', async () => {
    const { tracer } = await traceSetup(engine);
    const events = 40_000;
    const r = runDemo({ tracer, events, attach: (net) => tracer.attach(net.netifReceiveSkb, ex('filter_ex2')) });
    expect(r.program!.errors).toBe(0);
    // The first packet of a device creates its entry with 0; each later one adds 1.
    const counts = Object.fromEntries(SIM_DEVICES.map((d) => [d, r.packets[d] - 1]));
    expect(r.tables).toHaveLength(1);
    expect(r.tables[0]!.rows.map((x) => [x.note, Number(x.value)])).toEqual(SIM_DEVICES.map((d) => [d, counts[d]]).sort());
    const want: string[] = [];
    const seen: Record<string, number> = { lo: -1, eth0: -1, eth5: -1 };
    for (let i = 0; i < events; i++) {
      const d = deviceOfPacket(i);
      if (++seen[d]! > 0 && seen[d]! % 10000 === 0) want.push(`dev ${r.devices[d]}  pkt_cnt ${seen[d]}`);
    }
    expect(want.length).toBeGreaterThan(1);
    expect(r.lines.map((l) => l.replace(/^.*netif_receive_skb: /, ''))).toEqual(want);
  });
});
