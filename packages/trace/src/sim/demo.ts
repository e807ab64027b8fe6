/**
 * The tracing demo (`ebpf trace demo`, `ebpf demo`): something attached to
 * `net:netif_receive_skb` of the simulated network stack, mixed traffic on `lo`, `eth0` and
 * `eth5`, then the trace pipe and the tables. Returns what happened as data; printing is the
 * CLI's job.
 */
import type { BpfMap } from '@ebpf/core';
import { formatEntry as formatLine } from '../events/pipe.js';
import type { AttachedProgram, Tracer } from '../tracer.js';
import { deviceOfPacket, SimNetStack, SIM_DEVICES, type SimDevice } from './netstack.js';

/** One row of a table as the demo prints it. */
export interface DemoTableRow {
  readonly key: string;
  readonly value: string;
  /** What the key is (a device's name when the key is its address). */
  readonly note?: string;
}

/** A table (map) after the run. */
export interface DemoTable {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly rows: readonly DemoTableRow[];
}

/** What a demo run did. */
export interface DemoResult {
  /** What was attached (undefined for a predicate filter). */
  readonly program?: AttachedProgram;
  readonly event: string;
  /** Packets sent per device. */
  readonly packets: Readonly<Record<SimDevice, number>>;
  /** trace_pipe lines, in order. */
  readonly lines: readonly string[];
  /** Entries the bounded buffer dropped. */
  readonly dropped: number;
  readonly tables: readonly DemoTable[];
  /** Addresses of the devices (hex, as %p prints them). */
  readonly devices: Readonly<Record<SimDevice, string>>;
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly tracer: Tracer;
  /** Attaches the program or filter to the event (called once the stack exists). */
  readonly attach: (net: SimNetStack) => AttachedProgram | undefined;
  /** Packets to send (default 100,000). */
  readonly events?: number;
}

/** Reads bytes as an unsigned little-endian integer. */
function le(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** Formats a key or value: integers up to 8 bytes as numbers, longer ones as hex bytes. */
function show(b: Uint8Array, pointer: boolean): string {
  if (b.length > 8) return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
  const v = le(b);
  return pointer ? v.toString(16).padStart(16, '0') : v.toString();
}

/** The rows of a map, keys that are device addresses annotated with the device's name. */
export function demoTable(map: BpfMap, deviceByAddress: ReadonlyMap<bigint, string>): DemoTable {
  const rows: DemoTableRow[] = [];
  for (const [k, v] of map.entries()) {
    const dev = k.length === 8 ? deviceByAddress.get(le(k)) : undefined;
    rows.push({ key: show(k, dev !== undefined), value: show(v, false), ...(dev ? { note: dev } : {}) });
  }
  rows.sort((a, b) => (a.note ?? a.key).localeCompare(b.note ?? b.key));
  const s = map.spec;
  return { id: map.id, name: s.name, type: s.type, keySize: s.keySize, valueSize: s.valueSize, rows };
}

/** Runs the demo on a fresh simulated stack (its events are removed afterwards). */
export function runDemo(options: DemoOptions): DemoResult {
  const { tracer } = options;
  const events = options.events ?? 100_000;
  const net = new SimNetStack(tracer);
  try {
    const program = options.attach(net);
    net.netifReceiveSkb.enable();
    const packets: Record<SimDevice, number> = { lo: 0, eth0: 0, eth5: 0 };
    for (let i = 0; i < events; i++) packets[deviceOfPacket(i)]++;
    const lines: string[] = [];
    // Drain the pipe as we go, the way `cat trace_pipe` keeps up with the traffic.
    const chunk = 1000;
    for (let i = 0; i < events; i += chunk) {
      net.traffic(Math.min(chunk, events - i), i);
      for (let e = tracer.buffer.shift(); e; e = tracer.buffer.shift()) lines.push(formatLine(e));
    }
    const byAddr = new Map<bigint, string>(SIM_DEVICES.map((d) => [BigInt(net.device(d).address), d]));
    const devices = Object.fromEntries(SIM_DEVICES.map((d) => [d, net.device(d).address.toString(16).padStart(16, '0')])) as Record<SimDevice, string>;
    const tables = program ? program.loaded.maps.map((m) => demoTable(m, byAddr)) : [];
    return { ...(program ? { program } : {}), event: net.netifReceiveSkb.fullName, packets, lines, dropped: tracer.buffer.dropped, tables, devices };
  } finally {
    net.dispose();
  }
}
