// `ebpf trace demo|format`, `ebpf demo`, and `ebpf prog|map` through a control socket: outputs
// and exit codes, driven through main().
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeSeedImage } from '@ebpf/core';
import { SimNetStack } from '@ebpf/trace';
import { main } from '../src/main.js';
import { seedExamplesDir, traceSetup } from '../src/commands/trace.js';
import { readFileSync } from 'node:fs';
import { captureOutput } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'ebpf-trace-cli-'));
const ex1 = join(seedExamplesDir(), 'filter_ex1.bpf');
const ex2 = join(seedExamplesDir(), 'filter_ex2.bpf');
const io = captureOutput();

describe('ebpf trace demo', () => {
  it('attaches a seed image and prints the pipe', async () => {
    expect(await main(['trace', 'demo', '--prog', ex1, '--events', '10', '--engine', 'interp'])).toBe(0);
    expect(io.stdout).toMatch(/attached program 1 'filter_ex1' to net:netif_receive_skb \(engine interp\)/);
    expect(io.stdout).toMatch(/trace_pipe: 5 lines/);
    expect(io.stdout.match(/netif_receive_skb: skb [0-9a-f]{16} dev [0-9a-f]{16} /g)).toHaveLength(5);
    expect(io.stdout).toMatch(/tables: none/);
  });

  it('prints the tables of filter_ex2', async () => {
    expect(await main(['trace', 'demo', '--prog', ex2, '--events', '1000', '--engine', 'interp'])).toBe(0);
    expect(io.stdout).toMatch(/table 0 'table0' \(hash, key 8 bytes, value 8 bytes\): 3 entries/);
    expect(io.stdout).toMatch(/key [0-9a-f]{16} \(lo\) -> value 499/);
  });

  it.each(['bpf', 'preds'])('runs a filter string (%s) and records only what matches', async (mode) => {
    expect(await main(['trace', 'demo', '--filter', 'name == eth5 && len > 1000', '--mode', mode, '--events', '200', '--json'])).toBe(0);
    const r = JSON.parse(io.stdout) as { lines: string[] };
    expect(r.lines.length).toBeGreaterThan(0);
    for (const l of r.lines) {
      const m = /dev=(\w+) skbaddr=0x[0-9a-f]+ len=(\d+)$/.exec(l)!;
      expect(m[1]).toBe('eth5');
      expect(Number(m[2])).toBeGreaterThan(1000);
    }
  });

  it('records the events an RFC program returns non-zero for, and its helpers print', async () => {
    // call bpf_dump_stack(ctx); r0 = 1; exit
    const prog = join(tmp, 'keep.bin');
    writeFileSync(prog, Uint8Array.of(0x85, 0, 0, 0, 0xeb, 0x03, 0, 0, 0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0));
    expect(await main(['trace', 'demo', '--prog', prog, '--events', '3', '--engine', 'interp', '--json'])).toBe(0);
    const r = JSON.parse(io.stdout) as { lines: string[]; program: { runs: number; errors: number } };
    expect(r.program).toMatchObject({ runs: 3, errors: 0 });
    expect(r.lines.filter((l) => /netif_receive_skb: <stack trace>/.test(l))).toHaveLength(3);
    expect(r.lines.filter((l) => /netif_receive_skb: dev=\w+ skbaddr=0x[0-9a-f]+ len=\d+$/.test(l))).toHaveLength(3);
  });

  it('points at the column of a bad filter (exit 2)', async () => {
    expect(await main(['trace', 'demo', '--filter', 'name == eth5 && lenn > 1'])).toBe(2);
    expect(io.stderr).toContain('name == eth5 && lenn > 1\n                ^\nparse_error: \'lenn\' is not a field');
  });

  it('reports a program the checker refuses with its log (exit 1)', async () => {
    // ldxdw r0, [r1+4] (a misaligned pt_regs read); exit
    const bad = join(tmp, 'bad.bin');
    writeFileSync(bad, Uint8Array.of(0x79, 0x10, 0x04, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0));
    expect(await main(['trace', 'demo', '--prog', bad, '--events', '1'])).toBe(1);
    expect(io.stderr).toMatch(/check: /);
  });

  it.each([
    [['trace', 'demo'], /exactly one of --prog FILE or --filter STRING/],
    [['trace', 'demo', '--prog', join(tmp, 'missing.bpf')], /cannot read program file/],
    [['trace', 'demo', '--filter', 'len > 1', '--events', '0'], /--events must be a positive integer/],
  ])('usage errors exit 2: %j', async (argv, msg) => {
    expect(await main(argv as string[])).toBe(2);
    expect(io.stderr).toMatch(msg);
  });
});

describe('ebpf trace format', () => {
  it('prints the ftrace-style format of an event', async () => {
    expect(await main(['trace', 'format', 'net:netif_receive_skb'])).toBe(0);
    expect(io.stdout).toContain('net/netif_receive_skb/format\nname: netif_receive_skb\nID: ');
    expect(io.stdout).toContain('\tfield:char name[16];\toffset:24;\tsize:16;\tsigned:0;');
  });
});

describe('ebpf demo', () => {
  it('runs both seed examples end to end', async () => {
    expect(await main(['demo', '--engine', 'interp', '--max-lines', '3'])).toBe(0);
    expect(io.stdout).toMatch(/== filter_ex1.bpf/);
    expect(io.stdout).toMatch(/check: OK/);
    expect(io.stdout).toMatch(/call bpf_memcmp/);
    expect(io.stdout).toMatch(/== filter_ex2.bpf/);
    expect(io.stdout).toMatch(/pkt_cnt 10000/);
    expect(io.stdout).toMatch(/\(lo\) -> value 49999/);
  });
});

describe('ebpf prog / map through the control socket', () => {
  it('lists, dumps and clears what a running application attached', async () => {
    const { tracer } = await traceSetup('interp');
    const net = new SimNetStack(tracer);
    const a = tracer.attach(net.netifReceiveSkb, decodeSeedImage(new Uint8Array(readFileSync(ex2)), { name: 'filter_ex2' }));
    tracer.setFilter(net.kfreeSkb, 'name == eth0', { mode: 'bpf' });
    net.netifReceiveSkb.enable();
    net.traffic(30);
    const sock = join(tmp, 'ctl.sock');
    const server = await tracer.listen(sock);
    try {
      expect(statSync(sock).mode & 0o777).toBe(0o600);
      expect(await main(['prog', 'list', '--socket', sock])).toBe(0);
      expect(io.stdout).toMatch(new RegExp(`^${a.id}: filter_ex2  event net:netif_receive_skb  seed program  engine interp  40 insns  maps \\[\\d+\\]  runs 30  errors 0  license GPL$`, 'm'));
      expect(io.stdout).toMatch(/filter 'name == eth0'/);
      io.stdout = '';
      expect(await main(['prog', 'dump', String(a.id), '--socket', sock, '--json'])).toBe(0);
      const d = JSON.parse(io.stdout);
      expect(d.disassembly).toHaveLength(40);
      expect(d.disassembly[4]).toMatch(/call bpf_load_pointer/);
      expect(d.mapInfo[0]).toMatchObject({ type: 'hash', keySize: 8, valueSize: 8, count: 3 });
      const mapId = d.mapInfo[0].id as number;
      io.stdout = '';
      expect(await main(['map', 'dump', String(mapId), '--socket', sock])).toBe(0);
      expect(io.stdout.match(/^key: /gm)).toHaveLength(3);
      io.stdout = '';
      expect(await main(['map', 'clear', String(mapId), '--socket', sock])).toBe(0);
      expect(io.stdout).toBe(`map ${mapId}: cleared 3 entries\n`);
      expect(a.loaded.maps[0]!.count).toBe(0);
      expect(await main(['prog', 'dump', '999', '--socket', sock])).toBe(2);
      expect(io.stderr).toMatch(/no program with id 999/);
    } finally {
      await server.close();
    }
    expect(await main(['prog', 'list', '--socket', sock])).toBe(2);
    expect(io.stderr).toMatch(/no traced application is listening there/);
  });

  it('replaces a stale socket file but refuses a live one', async () => {
    const { tracer } = await traceSetup('interp');
    const sock = join(tmp, 'stale.sock');
    const first = await tracer.listen(sock);
    await expect(tracer.listen(sock)).rejects.toThrow(/another process is listening/);
    await first.close();
    writeFileSync(join(tmp, 'plain'), 'x');
    await expect(tracer.listen(join(tmp, 'plain'))).rejects.toThrow(/not a socket/);
  });

  it('needs a socket path', async () => {
    const saved = process.env.EBPF_TRACE_SOCKET;
    delete process.env.EBPF_TRACE_SOCKET;
    try {
      expect(await main(['map', 'list'])).toBe(2);
      expect(io.stderr).toMatch(/no control socket/);
    } finally {
      if (saved !== undefined) process.env.EBPF_TRACE_SOCKET = saved;
    }
  });
});
