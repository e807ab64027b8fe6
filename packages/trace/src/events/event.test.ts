import { describe, expect, it } from 'vitest';
import { Vm } from '@ebpf/core';
import { Tracer, type ProgramLoader } from '../tracer.js';
import { SimNetStack } from '../sim/netstack.js';
import { defineStruct } from '../host-structs.js';

function tracer(bufferEntries = 1000): Tracer {
  const vm = new Vm({ size: 4 << 20 });
  const loader: ProgramLoader = { vm, load: () => { throw new Error('no engines in this test'); } };
  return new Tracer({ runtime: loader, bufferEntries, task: { pid: 4242, uid: 0, gid: 0, comm: 'node' } });
}

async function lines(t: Tracer): Promise<string[]> {
  const out: string[] = [];
  for await (const l of t.pipe({ follow: false })) out.push(l);
  return out;
}

describe('tracepoints', () => {
  it('record nothing while disabled, then every firing with its fields', async () => {
    const t = tracer();
    const net = new SimNetStack(t);
    net.traffic(5);
    expect(t.buffer.length).toBe(0);
    net.netifReceiveSkb.enable();
    net.traffic(3);
    const out = await lines(t);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^ +node-4242 \[000\] \.\.\.\.\. +\d+\.\d{6}: netif_receive_skb: dev=lo skbaddr=0x[0-9a-f]+ len=60$/);
    expect(out.map((l) => /dev=(\w+)/.exec(l)![1])).toEqual(['lo', 'lo', 'lo']);
    expect(net.netifReceiveSkb.stats()).toMatchObject({ hits: 3, recorded: 3, discarded: 0 });
  });

  it('filter with predicates on the recorded entry (record, evaluate, discard)', async () => {
    const t = tracer();
    const net = new SimNetStack(t);
    net.netifReceiveSkb.enable();
    t.setFilter('net:netif_receive_skb', 'name == eth5 || (name ~ "eth*" && len < 200)');
    net.traffic(100);
    const out = await lines(t);
    const devs = out.map((l) => /dev=(\w+) .* len=(\d+)/.exec(l)!).map((m) => [m[1], Number(m[2])] as const);
    expect(devs.filter(([d]) => d === 'eth5')).toHaveLength(20);
    expect(devs.every(([d, len]) => d === 'eth5' || (d === 'eth0' && len < 200))).toBe(true);
    expect(net.netifReceiveSkb.stats().discarded).toBe(100 - out.length);
    t.setFilter('net:netif_receive_skb', '');
    net.traffic(10);
    expect(await lines(t)).toHaveLength(10);
  });

  it('print their format description like ftrace', () => {
    const t = tracer();
    const net = new SimNetStack(t);
    expect(net.netifReceiveSkb.format()).toBe(
      [
        'name: netif_receive_skb',
        'ID: 1',
        'format:',
        '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;',
        '\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;',
        '\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;',
        '\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;',
        '',
        '\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;',
        '\tfield:unsigned int len;\toffset:16;\tsize:4;\tsigned:0;',
        '\tfield:char name[16];\toffset:24;\tsize:16;\tsigned:0;',
        '',
        'print fmt: "dev=%s skbaddr=%p len=%u", REC->name, REC->skbaddr, REC->len',
        '',
      ].join('\n'),
    );
  });

  it('keep a bounded buffer: the oldest entries are dropped and counted', () => {
    const t = tracer(10);
    const net = new SimNetStack(t);
    net.netifReceiveSkb.enable();
    net.traffic(25);
    expect(t.buffer.length).toBe(10);
    expect(t.buffer.dropped).toBe(15);
    expect(t.buffer.entries()[0]!.seq).toBe(15);
  });

  it('marshal strings, numbers, booleans, bigints and plain objects by the declared types', async () => {
    const t = tracer();
    t.structs.add(defineStruct('req', [{ name: 'id', type: 'u32' }, { name: 'path', type: 'char *' }, { name: 'tag', type: 'char[8]' }]));
    const tp = t.tracepoint({
      name: 'app:request',
      args: [{ name: 'r', type: 'struct req *' }, { name: 'who', type: 'char *' }, { name: 'n', type: 'long' }, { name: 'ok', type: 'bool' }, { name: 'big', type: 'u64' }],
      fields: [
        { name: 'id', type: 'u32', assign: 'r->id' },
        { name: 'path', type: 'char[32]', assign: 'r->path' },
        { name: 'tag', type: 'char[8]', assign: 'r->tag' },
        { name: 'who', type: 'char[8]' },
        { name: 'n', type: 'long' },
        { name: 'ok', type: 'bool' },
        { name: 'big', type: 'u64' },
        { name: 'upper', type: 'char[8]', assign: (a) => String(a[1]).toUpperCase() },
      ],
    });
    tp.enable();
    tp.emit({ id: 7, path: '/index.html', tag: 'GET' }, 'alice-and-bob', -3, true, 2n ** 64n - 1n);
    tp.emit(null, undefined, 1.9, false, 5);
    const e = t.buffer.entries();
    expect(e[0]!.values!.slice(4)).toEqual([7, '/index.html', 'GET', 'alice-a', -3, 1, 2n ** 64n - 1n, 'ALICE-AN']);
    expect(e[1]!.values!.slice(4)).toEqual([0, '', '', '', 1, 0, 5, 'UNDEFINE']);
    expect((await lines(t))[0]).toContain('id=7 path=/index.html tag=GET who=alice-a n=-3 ok=1 big=18446744073709551615 upper=ALICE-AN');
  });

  it('reject bad declarations with clear errors', () => {
    const t = tracer();
    expect(() => t.tracepoint({ name: 'nocolon' })).toThrow(/system:event/);
    expect(() => t.tracepoint({ name: 'a:b', args: [{ name: 'x', type: 'float' }] })).toThrow(/unknown C type 'float'/);
    expect(() => t.tracepoint({ name: 'a:b', args: [{ name: 's', type: 'struct nope *' }] })).toThrow(/struct nope has no known layout/);
    expect(() => t.tracepoint({ name: 'a:b', args: [{ name: 's', type: 'struct sk_buff *' }], fields: [{ name: 'x', type: 'int', assign: 's->nope' }] })).toThrow(/no field 'nope'/);
    expect(() => t.tracepoint({ name: 'a:b', args: [{ name: 'n', type: 'int' }], fields: [{ name: 'x', type: 'int', assign: 'n->len' }] })).toThrow(/not a struct pointer/);
    expect(() => t.tracepoint({ name: 'a:b', args: Array.from({ length: 6 }, (_, i) => ({ name: `a${i}`, type: 'int' })) })).toThrow(/at most 5 arguments/);
    t.tracepoint({ name: 'a:b' });
    expect(() => t.tracepoint({ name: 'a:b' })).toThrow(/already exists/);
    expect(() => t.setFilter('a:b', 'x == 1')).toThrow(/'x' is not a field/);
  });

  it('enable and disable by glob', () => {
    const t = tracer();
    new SimNetStack(t);
    expect(t.enable('skb:*')).toBe(2);
    expect(t.events().filter((e) => e.enabled).map((e) => e.fullName)).toEqual(['skb:kfree_skb', 'skb:consume_skb']);
    expect(t.disable('*')).toBe(3);
  });
});

describe('dynamic probes', () => {
  it('wrap a method of a live object, record its arguments, and restore it on detach', async () => {
    const t = tracer();
    class Server {
      hits = 0;
      handle(path: string, status: number): string {
        this.hits++;
        return `${status} ${path}`;
      }
    }
    const s = new Server();
    const original = Server.prototype.handle;
    const p = t.probe(s, 'handle', { args: [{ name: 'path', type: 'char *' }, { name: 'status', type: 'int' }], fields: [{ name: 'path', type: 'char[32]' }, { name: 'status', type: 'int' }] });
    expect(p.fullName).toBe('probe:handle');
    expect(s.handle('/a', 200)).toBe('200 /a'); // disabled: passes through
    p.enable();
    expect(s.handle('/b', 404)).toBe('404 /b');
    expect(s.hits).toBe(2);
    expect((await lines(t))).toEqual([expect.stringMatching(/: handle: path=\/b status=404$/)]);
    p.detach();
    expect(Object.prototype.hasOwnProperty.call(s, 'handle')).toBe(false);
    expect(s.handle).toBe(original);
  });

  it('probe CommonJS-style exports and keep constructors working', () => {
    const t = tracer();
    const exportsObj = { add: (a: number, b: number) => a + b, Point: class { constructor(readonly x: number) {} } };
    const add = exportsObj.add;
    const pa = t.probe(exportsObj, 'add').enable();
    const pp = t.probe(exportsObj, 'Point').enable();
    expect(exportsObj.add(2, 3)).toBe(5);
    expect(new exportsObj.Point(4).x).toBe(4);
    expect(t.buffer.entries().map((e) => e.values!.slice(4))).toEqual([[2, 3], [4]]);
    expect(pa.stats().recorded).toBe(1);
    expect(pp.stats().recorded).toBe(1);
    t.close();
    expect(exportsObj.add).toBe(add);
  });

  it('refuses what is not a function', () => {
    const t = tracer();
    expect(() => t.probe({ x: 1 }, 'x')).toThrow(/not a function/);
    expect(() => t.probe({}, 'missing')).toThrow(/undefined/);
  });
});
