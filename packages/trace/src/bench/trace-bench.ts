/**
 * The seed's tracing benchmark, reproduced: 1M skb alloc/free on `lo` with `skb:kfree_skb`
 * (1) not traced, (2) traced, (3) filtered by the string `name==eth5` with predicates (record,
 * evaluate, discard), (4) the same string compiled to BPF in the interpreter, (5) in each JIT;
 * then the thread's ten OR-ed `location == 0x100 || ...` conditions. Each row's runs alternate
 * with untraced runs, so its overhead is measured against a baseline taken in the same
 * conditions; times are the process's CPU time where available (see {@link benchClock}). Which engines exist, and whether each row gets its own process, is the caller's
 * business (the CLI wires both).
 */
import type { Tracer } from '../tracer.js';
import { SimNetStack } from '../sim/netstack.js';

/** One row of the benchmark. */
export interface BenchRow {
  readonly name: string;
  /** Best total of the runs, in milliseconds. */
  readonly totalMs: number;
  readonly nsPerEvent: number;
  /** Per-event cost over the untraced loop (measured alternately with this row's runs). */
  readonly overheadNsPerEvent: number;
  /** Engine of a BPF row. */
  readonly engine?: string;
}

/** One table: rows and the ratio fastest BPF overhead / predicate overhead. */
export interface BenchTable {
  readonly filter: string;
  readonly rows: readonly BenchRow[];
  /** Overhead of the fastest BPF row over the overhead of the predicate row (the seed: 0.34). */
  readonly ratio: number;
  /** The BPF row the ratio uses. */
  readonly fastest: string;
}

/** The whole result (`pnpm bench:trace --json` prints the interfaces.md subset of it). */
export interface TraceBenchResult {
  readonly events: number;
  readonly rows: readonly BenchRow[];
  readonly ratio: number;
  readonly fastest: string;
  readonly filter: string;
  readonly tenConditions: BenchTable;
}

/** The seed's filter string. */
export const BENCH_FILTER = 'name==eth5';
/** The thread's ten OR-ed conditions (the ktap comparison), on kfree_skb's `location`. */
export const TEN_CONDITIONS = [0x100, 0x200, 0x300, 0x400, 0x500, 0x600, 0x700, 0x800, 0x900, 0x1000].map((v) => `location == 0x${v.toString(16)}`).join(' || ');

/** What one row measures. */
export interface BenchRowSpec {
  /** Index in {@link benchRows}' list. */
  readonly id: number;
  readonly table: 'main' | 'ten';
  readonly name: string;
  readonly kind: 'baseline' | 'trace' | 'preds' | 'bpf';
  readonly filter?: string;
  readonly engine?: string;
}

/** The rows for these BPF engines (interpreter first), in table order. */
export function benchRows(engines: readonly string[]): BenchRowSpec[] {
  const out: Array<Omit<BenchRowSpec, 'id'>> = [
    { table: 'main', name: 'no tracing', kind: 'baseline' },
    { table: 'main', name: 'tracing every event', kind: 'trace' },
  ];
  for (const [table, filter] of [['main', BENCH_FILTER], ['ten', TEN_CONDITIONS]] as const) {
    out.push({ table, name: `filter string '${filter}' (predicates)`, kind: 'preds', filter });
    for (const engine of engines) out.push({ table, name: `bpf filter (${engine})`, kind: 'bpf', filter, engine });
  }
  return out.map((r, id) => ({ ...r, id }));
}

/** The measurement of one row: its best run and the best untraced run alternating with it. */
export interface RowMeasure {
  readonly id: number;
  readonly totalMs: number;
  readonly baselineMs: number;
}

/** Options of {@link measureRow}. */
export interface MeasureOptions {
  /** A tracer whose runtime can run the row's engine. */
  readonly tracer: Tracer;
  /** Events per run (default 1,000,000). */
  readonly events?: number;
  /** Runs of the row (and as many untraced runs); the best of each is kept (default 3). */
  readonly runs?: number;
  /** Events run before measuring (default 100,000). */
  readonly warmup?: number;
}

/** Measures one row on a fresh simulated stack of `tracer` (its events are removed after). */
export function measureRow(row: BenchRowSpec, options: MeasureOptions): RowMeasure {
  const { tracer } = options;
  const events = options.events ?? 1_000_000;
  const runs = options.runs ?? 3;
  const net = new SimNetStack(tracer, { skbCapacity: 16 });
  const lo = net.device('lo');
  const tp = net.kfreeSkb;
  const loop = (n: number) => {
    for (let i = 0; i < n; i++) net.freeSkb(net.allocSkb(lo, 128));
  };
  const timed = (n: number) => {
    const t0 = clock();
    loop(n);
    return clock() - t0;
  };
  try {
    if (row.kind === 'preds') tracer.setFilter(tp, row.filter, { mode: 'preds' });
    if (row.kind === 'bpf') tracer.setFilter(tp, row.filter, { mode: 'bpf', ...(row.engine ? { engine: row.engine } : {}) });
    const on = row.kind !== 'baseline';
    let best = Infinity;
    let base = Infinity;
    tp.enabled = on;
    loop(options.warmup ?? 100_000);
    tp.enabled = false;
    loop(options.warmup ?? 100_000);
    for (let r = 0; r < runs; r++) {
      tp.enabled = false;
      base = Math.min(base, timed(events));
      tp.enabled = on;
      best = Math.min(best, timed(events));
      tracer.buffer.clear();
    }
    return { id: row.id, totalMs: best, baselineMs: base };
  } finally {
    tracer.buffer.clear();
    net.dispose();
  }
}

/** Builds the result from the measured rows (the baseline row's total is the best baseline seen). */
export function assembleBench(rows: readonly BenchRowSpec[], measured: readonly RowMeasure[], events: number): TraceBenchResult {
  const byId = new Map(measured.map((m) => [m.id, m]));
  const baselineMs = Math.min(...measured.map((m) => m.baselineMs));
  const ns = (ms: number) => (ms * 1e6) / events;
  const make = (spec: BenchRowSpec): BenchRow => {
    const m = byId.get(spec.id)!;
    const total = spec.kind === 'baseline' ? baselineMs : m.totalMs;
    const overhead = spec.kind === 'baseline' ? 0 : Math.max(0, ns(m.totalMs) - ns(m.baselineMs));
    return { name: spec.name, totalMs: round(total), nsPerEvent: round(ns(total)), overheadNsPerEvent: round(overhead), ...(spec.engine ? { engine: spec.engine } : {}) };
  };
  const base = rows.find((r) => r.kind === 'baseline')!;
  const table = (which: 'main' | 'ten', filter: string): BenchTable => {
    const list = rows.filter((r) => r.table === which && r.kind !== 'baseline');
    const out = [make(base), ...list.map(make)];
    const preds = out.find((r) => r.name.endsWith('(predicates)'))!;
    const bpf = out.filter((r) => r.engine !== undefined);
    const fastest = bpf.reduce((a, b) => (b.overheadNsPerEvent < a.overheadNsPerEvent ? b : a), bpf[0]!);
    const ratio = fastest && preds.overheadNsPerEvent > 0 ? round(fastest.overheadNsPerEvent / preds.overheadNsPerEvent, 3) : NaN;
    return { filter, rows: out, ratio, fastest: fastest?.name ?? '' };
  };
  const main = table('main', BENCH_FILTER);
  return { events, rows: main.rows, ratio: main.ratio, fastest: main.fastest, filter: BENCH_FILTER, tenConditions: table('ten', TEN_CONDITIONS) };
}

/** Options of {@link runTraceBench}. */
export interface TraceBenchOptions extends Omit<MeasureOptions, 'tracer'> {
  /** The tracer of the untraced, traced and predicate rows. */
  readonly tracer: Tracer;
  /**
   * Engines for the BPF rows, interpreter first. Each may bring its own tracer (a runtime with
   * only that engine, so the VM memory base suits it); default: {@link tracer}.
   */
  readonly engines: ReadonlyArray<string | { readonly engine: string; readonly tracer: Tracer }>;
  /** Progress lines (stderr in the CLI). */
  readonly progress?: (line: string) => void;
}

/** Runs every row in this process, one after the other. */
export function runTraceBench(options: TraceBenchOptions): TraceBenchResult {
  const engines = options.engines.map((e) => (typeof e === 'string' ? { engine: e, tracer: options.tracer } : e));
  const rows = benchRows(engines.map((e) => e.engine));
  const measured = rows.map((row) => {
    options.progress?.(`bench: ${row.name}`);
    const tracer = engines.find((e) => e.engine === row.engine)?.tracer ?? options.tracer;
    return measureRow(row, { ...options, tracer });
  });
  return assembleBench(rows, measured, options.events ?? 1_000_000);
}

/**
 * The benchmark's clock in milliseconds: the process's CPU time (user + system) where Node
 * provides it — a shared machine's other load does not count, while our GC and compiler threads
 * do — else wall time.
 */
export function benchClock(): () => number {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  if (p?.cpuUsage) {
    const cpu = p.cpuUsage.bind(p);
    return () => {
      const u = cpu();
      return (u.user + u.system) / 1000;
    };
  }
  return () => performance.now();
}

const clock = benchClock();

function round(v: number, digits = 2): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

/** The result as a text table. */
export function formatTraceBench(r: TraceBenchResult): string {
  const section = (title: string, rows: readonly BenchRow[], ratio: number, fastest: string) => {
    const w = Math.max(...rows.map((x) => x.name.length));
    return [
      title,
      `  ${'row'.padEnd(w)}  ${'total ms'.padStart(10)}  ${'ns/event'.padStart(9)}  ${'overhead ns/event'.padStart(17)}`,
      ...rows.map((x) => `  ${x.name.padEnd(w)}  ${x.totalMs.toFixed(1).padStart(10)}  ${x.nsPerEvent.toFixed(1).padStart(9)}  ${x.overheadNsPerEvent.toFixed(1).padStart(17)}`),
      `  ratio fastest BPF (${fastest}) / predicates = ${ratio.toFixed(3)}  (the seed: 54/157 = 0.34)`,
    ].join('\n');
  };
  const short = (rows: readonly BenchRow[]) => rows.map((x) => ({ ...x, name: x.name.replace(TEN_CONDITIONS, 'location == 0x100 || ... (10)') }));
  return [
    `${r.events} skb alloc/free events on lo, skb:kfree_skb; process CPU time; overhead against untraced runs alternating with each row's`,
    section(`filter '${r.filter}':`, r.rows, r.ratio, r.fastest),
    section(`ten OR-ed conditions '${r.tenConditions.filter}':`, short(r.tenConditions.rows), r.tenConditions.ratio, r.tenConditions.fastest),
  ].join('\n\n');
}
