/**
 * The control protocol between a traced application and `ebpf prog|map ...`: one JSON request
 * per line, one JSON response per line. This file holds the message shapes and the handler that
 * answers requests from a Tracer; sockets are `server.ts`'s and `client.ts`'s business.
 */
import { EbpfError, formatProgram, type BpfMap } from '@ebpf/core';
import type { AttachedProgram, Tracer } from '../tracer.js';

/** Operations the control socket answers. */
export type ControlOp = 'ping' | 'prog.list' | 'prog.dump' | 'map.list' | 'map.dump' | 'map.clear' | 'event.list';

/** A request line. */
export interface ControlRequest {
  /** Echoed in the response. */
  readonly id?: number;
  /** What to do. */
  readonly op: ControlOp;
  /** Program or map id for `*.dump` / `map.clear`. */
  readonly target?: number;
}

/** A response line. */
export type ControlResponse = { readonly id?: number; readonly ok: true; readonly result: unknown } | { readonly id?: number; readonly ok: false; readonly error: string };

/** One program as `prog list` shows it. */
export interface ProgInfo {
  /** Tracer-wide program id. */
  readonly id: number;
  /** Program name (file or filter name). */
  readonly name: string;
  /** The event it is attached to (`system:event`). */
  readonly event: string;
  /** `program` (attached bytecode) or `filter` (a compiled filter string). */
  readonly kind: 'program' | 'filter';
  /** The filter string of a compiled filter. */
  readonly filter?: string;
  /** `seed` or `rfc`. */
  readonly dialect: string;
  /** Engine that runs it. */
  readonly engine: string;
  /** License string. */
  readonly license: string;
  /** Instruction slots. */
  readonly insns: number;
  /** VM ids of its maps. */
  readonly maps: readonly number[];
  /** Runs so far. */
  readonly runs: number;
  /** Runs that failed. */
  readonly errors: number;
  /** Message of the last failure. */
  readonly lastError?: string;
  /** When it was attached (ISO time). */
  readonly attachedAt: string;
}

/** A program as `prog dump` shows it: its info, disassembly and maps. */
export interface ProgDump extends ProgInfo {
  /** Kernel-syntax disassembly, one line per instruction with its slot index. */
  readonly disassembly: readonly string[];
  /** Its maps. */
  readonly mapInfo: readonly MapInfo[];
}

/** One map as `map list` shows it. */
export interface MapInfo {
  /** VM map id. */
  readonly id: number;
  /** Map name (`table0` for seed tables). */
  readonly name: string;
  /** Map type (`hash`, `array`, ...). */
  readonly type: string;
  /** Key bytes. */
  readonly keySize: number;
  /** Value bytes. */
  readonly valueSize: number;
  /** Maximum entries. */
  readonly maxEntries: number;
  /** Entries present. */
  readonly count: number;
  /** Ids of the attached programs using it. */
  readonly programs: readonly number[];
}

/** A map's entries as hex strings (bytes in memory order). */
export interface MapDump extends MapInfo {
  /** Entries, keys and values as space-separated hex bytes. */
  readonly entries: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** The info line of an attached program. */
export function progInfo(p: AttachedProgram): ProgInfo {
  const spec = p.loaded.spec;
  return {
    id: p.id,
    name: p.name,
    event: p.event.fullName,
    kind: p.kind,
    ...(p.filter !== undefined ? { filter: p.filter } : {}),
    dialect: spec.dialect,
    engine: p.engine,
    license: spec.license,
    insns: spec.insns.reduce((n, i) => n + (i.code === 0x18 ? 2 : 1), 0),
    maps: p.loaded.maps.map((m) => m.id),
    runs: p.runs,
    errors: p.errors,
    ...(p.lastError !== undefined ? { lastError: p.lastError } : {}),
    attachedAt: p.attachedAt.toISOString(),
  };
}

/** The dump of an attached program (disassembly in the kernel syntax, helper names resolved). */
export function progDump(p: AttachedProgram): ProgDump {
  const sub = p.loaded.verified?.subsystem;
  const helperName = (id: number) => sub?.getFuncProto(id)?.name;
  const disassembly = formatProgram(p.loaded.spec.insns, { syntax: 'kernel', helperName });
  return { ...progInfo(p), disassembly, mapInfo: p.loaded.maps.map((m) => mapInfo(m, [p.id])) };
}

/** The info line of a map. */
export function mapInfo(m: BpfMap, programs: readonly number[]): MapInfo {
  const s = m.spec;
  return { id: m.id, name: s.name, type: s.type, keySize: s.keySize, valueSize: s.valueSize, maxEntries: s.maxEntries, count: m.count, programs };
}

/** A map's entries (at most `limit`). */
export function mapDump(m: BpfMap, programs: readonly number[], limit = 10000): MapDump {
  const entries: Array<{ key: string; value: string }> = [];
  for (const [k, v] of m.entries()) {
    if (entries.length >= limit) break;
    entries.push({ key: hex(k), value: hex(v) });
  }
  return { ...mapInfo(m, programs), entries };
}

/** Answers one request from `tracer`. Never throws: errors become `{ ok: false }`. */
export function handleControl(tracer: Tracer, req: ControlRequest): ControlResponse {
  const id = req.id;
  try {
    const target = () => {
      if (typeof req.target !== 'number' || !Number.isInteger(req.target)) throw new EbpfError('USAGE', `${req.op} needs a numeric target id`);
      return req.target;
    };
    const programsOf = (m: BpfMap) => tracer.maps().find((x) => x.map === m)?.programs.map((p) => p.id) ?? [];
    let result: unknown;
    switch (req.op) {
      case 'ping':
        result = { pid: (globalThis as { process?: { pid?: number } }).process?.pid ?? 0, events: tracer.events().length, programs: tracer.programs().length };
        break;
      case 'prog.list':
        result = tracer.programs().map(progInfo);
        break;
      case 'prog.dump':
        result = progDump(tracer.program(target()));
        break;
      case 'map.list':
        result = tracer.maps().map((x) => mapInfo(x.map, x.programs.map((p) => p.id)));
        break;
      case 'map.dump': {
        const m = tracer.map(target());
        result = mapDump(m, programsOf(m));
        break;
      }
      case 'map.clear': {
        const m = tracer.map(target());
        const before = m.count;
        m.clear();
        result = { id: m.id, cleared: before };
        break;
      }
      case 'event.list':
        result = tracer.events().map((e) => ({ id: e.id, name: e.fullName, kind: e.kind, enabled: e.enabled, filter: e.predicateFilter ?? null, ...e.stats() }));
        break;
      default:
        throw new EbpfError('USAGE', `unknown operation '${String((req as { op?: unknown }).op)}'`);
    }
    return { id, ok: true, result };
  } catch (e) {
    return { id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
