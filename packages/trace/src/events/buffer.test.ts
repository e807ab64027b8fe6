import { describe, expect, it } from 'vitest';
import { TraceBuffer, type TraceEntry } from './buffer.js';
import { formatEntry, tracePipe } from './pipe.js';

const entry = (seq: number, message = `m${seq}`): TraceEntry => ({ seq, ts: 3779_285726_000 + seq * 1000, pid: 5913, cpu: 3, comm: 'ping', kind: 'print', event: '__netif_receive_skb_core', message });

describe('TraceBuffer', () => {
  it('keeps the newest entries and counts the dropped ones', () => {
    const b = new TraceBuffer(3);
    for (let i = 0; i < 5; i++) b.push(entry(i));
    expect(b.entries().map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(b.dropped).toBe(2);
    expect(b.shift()!.seq).toBe(2);
    b.push(entry(5));
    expect(b.entries().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(() => new TraceBuffer(0)).toThrow(RangeError);
  });

  it('formats lines like ftrace', () => {
    expect(formatEntry(entry(0, 'skb ffff880808e3a300 dev ffff88080bbf8000'))).toBe(
      '             ping-5913 [003] .....   3779.285726: __netif_receive_skb_core: skb ffff880808e3a300 dev ffff88080bbf8000',
    );
  });

  it('trace_pipe consumes, waits for new entries, and stops on abort', async () => {
    const b = new TraceBuffer(10);
    b.push(entry(0));
    const ac = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const l of tracePipe(b, { signal: ac.signal })) {
        got.push(l.replace(/^.*: /, ''));
        if (got.length === 3) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['m0']);
    b.push(entry(1));
    b.push(entry(2));
    await done;
    expect(got).toEqual(['m0', 'm1', 'm2']);
    expect(b.length).toBe(0);
  });
});
