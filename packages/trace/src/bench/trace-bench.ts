/**
 * The seed's tracing benchmark, reproduced: 1M skb alloc/free on `lo` with `skb:kfree_skb`
 * (1) not traced, (2) traced, (3) filtered by the string `name==eth5` with predicates (record,
 * evaluate, discard), (4) the same string compiled to BPF in the interpreter, (5) in each JIT;
 * then the thread's ten OR-ed `location == 0x100 || ...` conditions. Reports totals and the
 * overhead per event over (1). Which engines exist is the caller's business (the CLI wires them).
 */
import type { Tracer } from '../tracer.js';
import { SimNetStack } from '../sim/netstack.js';

/** One row of the benchmark. */
export interface BenchRow {
  readonly name: string;
  /** Best total of the runs, in milliseconds. */
  readonly totalMs: number;
  readonly nsPerEvent: number;
  /** `nsPerEvent` minus the no-tracing row's. */
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

/** The whole result (`pnpm bench:trace --json` prints it). */
export interface TraceBenchResult {
  readonly events: number;
  readonly rows: readonly BenchRow[];
  readonly ratio: number;
  readonly fastest: string;
  readonly filter: string;
  readonly tenConditions: BenchTable;
}

/** Options of {@link runTraceBench}. */
export interface TraceBenchOptions {
  /** A tracer whose runtime has the engines registered. */
  readonly tracer: Tracer;
  /** Engines for the BPF rows, interpreter first (`['interp', 'jit-wasm', 'jit-x86_64']`). */
  readonly engines: readonly string[];
  /** Events per run (default 1,000,000). */
  readonly events?: number;
  /** Runs per row; the best is kept (default 3). */
  readonly runs?: number;
  /** Events run before measuring each row (default 100,000). */
  readonly warmup?: number;
  /** Progress lines (stderr in the CLI). */
  readonly progress?: (line: string) => void;
}

/** The seed's filter string. */
export const BENCH_FILTER = 'name==eth5';
/** The thread's ten OR-ed conditions (the ktap comparison), on kfree_skb's `location`. */
export const TEN_CONDITIONS = [0x100, 0x200, 0x300, 0x400, 0x500, 0x600, 0x700, 0x800, 0x900, 0x1000].map((v) => `location == 0x${v.toString(16)}`).join(' || ');

/** Runs the benchmark. */
export function runTraceBench(options: TraceBenchOptions): TraceBenchResult {
  const { tracer } = options;
  const events = options.events ?? 1_000_000;
  const runs = options.runs ?? 3;
  const warmup = options.warmup ?? 100_000;
  const progress = options.progress ?? (() => {});
  const net = new SimNetStack(tracer, { skbCapacity: 16 });
  const tp = net.kfreeSkb;
  const lo = net.device('lo');
  const loop = (n: number) => {
    for (let i = 0; i < n; i++) net.freeSkb(net.allocSkb(lo, 128));
  };
  const measure = (name: string, setup: () => void, engine?: string): { name: string; totalMs: number; engine?: string } => {
    progress(`bench: ${name}`);
    setup();
    loop(warmup);
    let best = Infinity;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      loop(events);
      best = Math.min(best, performance.now() - t0);
      tracer.buffer.clear();
    }
    tracer.setFilter(tp, undefined);
    tp.disable();
    tracer.buffer.clear();
    return { name, totalMs: best, ...(engine ? { engine } : {}) };
  };
  const finish = (raw: Array<{ name: string; totalMs: number; engine?: string }>, base: number): BenchRow[] =>
    raw.map((r) => {
      const ns = (r.totalMs * 1e6) / events;
      return { ...r, totalMs: round(r.totalMs), nsPerEvent: round(ns), overheadNsPerEvent: round(ns - base) };
    });
  const table = (filter: string, baseline: { name: string; totalMs: number }, extra: Array<{ name: string; totalMs: number }>): BenchTable & { rows: BenchRow[] } => {
    const predsRow = measure(`filter string '${filter}' (predicates)`, () => {
      tp.enable();
      tracer.setFilter(tp, filter, { mode: 'preds' });
    });
    const bpfRows = options.engines.map((engine) =>
      measure(`bpf filter (${engine})`, () => {
        tp.enable();
        tracer.setFilter(tp, filter, { mode: 'bpf', engine });
      }, engine),
    );
    const base = (baseline.totalMs * 1e6) / events;
    const rows = finish([baseline, ...extra, predsRow, ...bpfRows], base);
    const preds = rows.find((r) => r.name === predsRow.name)!;
    const bpf = rows.filter((r) => r.engine !== undefined);
    const fastest = bpf.reduce((a, b) => (b.overheadNsPerEvent < a.overheadNsPerEvent ? b : a), bpf[0]!);
    return { filter, rows, ratio: round(fastest.overheadNsPerEvent / preds.overheadNsPerEvent, 3), fastest: fastest.name };
  };
  try {
    const baseline = measure('no tracing', () => tp.disable());
    const all = measure('tracing every event', () => tp.enable());
    const main = table(BENCH_FILTER, baseline, [all]);
    const ten = table(TEN_CONDITIONS, baseline, []);
    return { events, rows: main.rows, ratio: main.ratio, fastest: main.fastest, filter: BENCH_FILTER, tenConditions: ten };
  } finally {
    net.dispose();
  }
}

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
  return [
    `${r.events} skb alloc/free events on lo, skb:kfree_skb`,
    section(`filter '${r.filter}':`, r.rows, r.ratio, r.fastest),
    section(`ten OR-ed conditions '${r.tenConditions.filter}':`, r.tenConditions.rows, r.tenConditions.ratio, r.tenConditions.fastest),
  ].join('\n\n');
}
