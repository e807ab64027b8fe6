/**
 * `ebpf trace ...`: the tracing subsystem in-process. `trace demo` attaches a seed image, raw
 * bytecode or a filter string to `net:netif_receive_skb` of the simulated network stack and
 * prints the pipe, then the tables; `trace bench` reproduces the seed's 1M skb benchmark;
 * `trace format` prints the simulated events' format descriptions. The tracing itself is
 * @ebpf/trace's; this file wires engines and prints.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { CheckerError, createContainer, ParseError, registerEngine, Runtime, type Dialect, type Engine } from '@ebpf/core';
import {
  assembleBench,
  benchRows,
  caretMessage,
  formatTraceBench,
  measureRow,
  registerTrace,
  runDemo,
  SimNetStack,
  Tracer,
  type BenchRowSpec,
  type DemoResult,
  type RowMeasure,
  type TraceBenchResult,
} from '@ebpf/trace';
import { CliExit, usage } from '../exit.js';
import { ENGINE_ENTRIES, engineNames, loadEngine } from './engines.js';
import { readProgram } from './program-file.js';

/** A runtime with the trace subsystem and every engine that can run here. */
export interface TraceSetup {
  readonly runtime: Runtime;
  readonly tracer: Tracer;
  /** Engines registered (usable), in ENGINE_ENTRIES order. */
  readonly engines: readonly string[];
}

/**
 * Builds a Runtime with `trace` and the available engines (or only `only`), and a Tracer on it.
 * A named engine that cannot run here fails now, with the reason. The VM's memory base is the
 * native JIT's when that engine is registered, else 0.
 * @throws {@link @ebpf/core!NotSupportedError} for an unknown or unavailable named engine.
 */
export async function traceSetup(engine = 'auto', bufferEntries?: number, only?: readonly string[]): Promise<TraceSetup> {
  if (engine !== 'auto') await loadEngine(engine);
  const container = createContainer();
  registerTrace(container);
  const engines: string[] = [];
  for (const e of ENGINE_ENTRIES) {
    if (only && !only.includes(e.name)) continue;
    let made: Engine;
    try {
      made = await e.load();
    } catch {
      continue;
    }
    if (made.unavailable()) continue;
    registerEngine(container, made);
    engines.push(e.name);
  }
  const runtime = new Runtime({ container, memorySize: 64 << 20 });
  const tracer = new Tracer({ runtime, engine, ...(bufferEntries ? { bufferEntries } : {}) });
  return { runtime, tracer, engines };
}

/** The directory holding the seed's two example images (shipped with @ebpf/trace). */
export function seedExamplesDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@ebpf/trace/package.json')), 'seed-examples');
}

/** Reports a checker rejection with its log on stderr (exit 1). */
export function checkerExit(e: CheckerError): never {
  throw new CliExit(1, `${e.message}\n${e.log.join('\n')}`);
}

/** Upper bound of counts such as `--events`, so that a mistyped value cannot hang the process. */
const MAX_COUNT = 100_000_000;

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n <= 0 || n > MAX_COUNT) usage(`${name} must be a positive integer up to ${MAX_COUNT}, got '${v}'`);
    return n;
  };
}

/** Prints a demo run: pipe lines (at most `maxLines`), then the tables. */
export function printDemo(r: DemoResult, maxLines: number, out: (s: string) => void): void {
  const counts = Object.entries(r.packets).map(([d, n]) => `${d} ${n}`).join(', ');
  out(`traffic: ${Object.values(r.packets).reduce((a, b) => a + b, 0)} packets (${counts}); devices: ${Object.entries(r.devices).map(([d, a]) => `${d}=${a}`).join(' ')}`);
  out(`trace_pipe: ${r.lines.length} lines${r.dropped ? ` (${r.dropped} dropped by the bounded buffer)` : ''}`);
  for (const l of r.lines.slice(0, maxLines)) out(l);
  if (r.lines.length > maxLines) out(`  ... ${r.lines.length - maxLines} more lines (--max-lines to see them)`);
  if (r.tables.length === 0) {
    out('tables: none');
    return;
  }
  for (const t of r.tables) {
    out(`table ${t.id} '${t.name}' (${t.type}, key ${t.keySize} bytes, value ${t.valueSize} bytes): ${t.rows.length} entries`);
    for (const row of t.rows) out(`  key ${row.key}${row.note ? ` (${row.note})` : ''} -> value ${row.value}`);
  }
}

interface DemoFlags {
  readonly prog?: string;
  readonly filter?: string;
  readonly mode: 'bpf' | 'preds';
  readonly events: number;
  readonly engine: string;
  readonly dialect?: Dialect;
  readonly license?: string;
  readonly maxLines: number;
  readonly json?: boolean;
}

async function demoCommand(flags: DemoFlags): Promise<void> {
  if (!flags.prog === !flags.filter) usage('trace demo: give exactly one of --prog FILE or --filter STRING');
  const spec = flags.prog
    ? readProgram(flags.prog, { ...(flags.dialect ? { dialect: flags.dialect } : {}), ...(flags.license ? { license: flags.license } : {}) })
    : undefined;
  const { tracer } = await traceSetup(flags.engine);
  let result: DemoResult;
  try {
    result = runDemo({
      tracer,
      events: flags.events,
      attach: (net: SimNetStack) =>
        spec ? tracer.attach(net.netifReceiveSkb, spec, flags.license ? { license: flags.license } : {}) : tracer.setFilter(net.netifReceiveSkb, flags.filter, { mode: flags.mode }),
    });
  } catch (e) {
    if (e instanceof CheckerError) checkerExit(e);
    if (e instanceof ParseError && flags.filter !== undefined) usage(`trace demo: bad filter\n${caretMessage(flags.filter, e)}`);
    throw e;
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  if (flags.json) {
    const p = result.program;
    out(JSON.stringify({
      event: result.event,
      program: p ? { id: p.id, name: p.name, kind: p.kind, engine: p.engine, runs: p.runs, errors: p.errors } : null,
      packets: result.packets,
      devices: result.devices,
      lines: result.lines,
      dropped: result.dropped,
      tables: result.tables,
    }));
    return;
  }
  const p = result.program;
  out(p ? `attached ${p.kind} ${p.id} '${p.name}' to ${result.event} (engine ${p.engine})` : `filter '${flags.filter}' on ${result.event} (predicates on the recorded entry)`);
  printDemo(result, flags.maxLines, out);
  if (p && p.errors > 0) out(`program errors: ${p.errors} (last: ${p.lastError})`);
}

/** The JSON shape of `pnpm bench:trace --json` (interfaces.md). */
export function benchJson(r: TraceBenchResult): unknown {
  const rows = (rs: TraceBenchResult['rows']) => rs.map((x) => ({ name: x.name, totalMs: x.totalMs, nsPerEvent: x.nsPerEvent, overheadNsPerEvent: x.overheadNsPerEvent }));
  return { events: r.events, rows: rows(r.rows), ratio: r.ratio, tenConditions: { rows: rows(r.tenConditions.rows), ratio: r.tenConditions.ratio } };
}

interface BenchFlags {
  readonly events: number;
  readonly runs: number;
  readonly json?: boolean;
  readonly inProcess?: boolean;
  readonly rowSpec?: string;
}

/** A tracer for one benchmark row: BPF rows get a runtime with only their engine. */
async function rowTracer(row: BenchRowSpec): Promise<Tracer> {
  const engine = row.engine ?? 'interp';
  return (await traceSetup(engine, 4096, [engine])).tracer;
}

async function benchCommand(flags: BenchFlags): Promise<void> {
  const measureOpts = { events: flags.events, runs: flags.runs, warmup: Math.min(100_000, flags.events) };
  if (flags.rowSpec !== undefined) {
    // Child mode: measure one row in this fresh process and print it.
    const row = JSON.parse(flags.rowSpec) as BenchRowSpec;
    process.stdout.write(JSON.stringify(measureRow(row, { ...measureOpts, tracer: await rowTracer(row) })) + '\n');
    return;
  }
  const available = (await traceSetup('auto', 1024)).engines;
  const engines = ['interp', ...available.filter((e) => e !== 'interp')];
  const rows = benchRows(engines);
  process.stderr.write(`bench: engines ${engines.join(', ')}; ${flags.inProcess ? 'one process' : 'one process per row'}\n`);
  const measured: RowMeasure[] = [];
  for (const row of rows) {
    process.stderr.write(`bench: ${row.name}\n`);
    if (flags.inProcess) {
      measured.push(measureRow(row, { ...measureOpts, tracer: await rowTracer(row) }));
      continue;
    }
    // Each row in a fresh process, so one row's JIT state and garbage do not tax the next.
    const args = [...process.execArgv, process.argv[1]!, 'trace', 'bench', '--events', String(flags.events), '--runs', String(flags.runs), '--row-spec', JSON.stringify(row)];
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new CliExit(1, `bench: row '${row.name}' failed: ${child.stderr.trim() || `exit ${child.status}`}`);
    measured.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as RowMeasure);
  }
  const r = assembleBench(rows, measured, flags.events);
  process.stdout.write((flags.json ? JSON.stringify(benchJson(r)) : formatTraceBench(r)) + '\n');
}

async function formatCommand(event: string | undefined): Promise<void> {
  const { tracer } = await traceSetup('interp');
  new SimNetStack(tracer);
  const events = event ? [tracer.event(event)] : tracer.events();
  process.stdout.write(events.map((e) => `${e.system}/${e.name}/format\n${e.format()}`).join('\n'));
}

/** Registers `ebpf trace`. */
export function register(program: Command): void {
  const trace = program.command('trace').description('tracing with BPF filters: the simulated network stack demo, the seed benchmark, event formats');
  trace
    .command('demo')
    .description('attach a seed image, raw bytecode or a filter string to net:netif_receive_skb of the simulated network stack; print the pipe, then the tables')
    .option('--prog <file>', 'program to attach (seed image, raw bytecode or ELF, by magic)')
    .option('--filter <string>', 'ftrace filter string over the event fields (skbaddr, len, name)')
    .addOption(new Option('--mode <mode>', 'how a filter string runs').choices(['bpf', 'preds']).default('bpf'))
    .option('--events <n>', 'packets to send (lo, eth0, eth5 mixed)', positiveInt('--events'), 100_000)
    .addOption(new Option('--engine <name>', 'engine').choices([...engineNames(), 'auto']).default('auto'))
    .addOption(new Option('--dialect <d>', 'raw bytecode dialect').choices(['rfc', 'seed']))
    .option('--license <str>', 'license for formats without one (default GPL)')
    .option('--max-lines <n>', 'pipe lines to print', positiveInt('--max-lines'), 20)
    .option('--json', 'print JSON')
    .action(async (flags: DemoFlags) => demoCommand(flags));
  trace
    .command('bench')
    .description("the seed's benchmark: 1M skb alloc/free untraced, traced, filtered by predicates and by BPF in each engine")
    .option('--events <n>', 'events per run', positiveInt('--events'), 1_000_000)
    .option('--runs <n>', 'runs per row (the best is kept)', positiveInt('--runs'), 3)
    .option('--json', 'print JSON only on stdout')
    .option('--in-process', 'measure every row in this process (default: one fresh process per row)')
    .addOption(new Option('--row-spec <json>', 'internal: measure one row and print it').hideHelp())
    .action(async (flags: BenchFlags) => benchCommand(flags));
  trace
    .command('format [event]')
    .description("print the simulated events' format descriptions (like events/<system>/<event>/format)")
    .action(async (event: string | undefined) => formatCommand(event));
}
