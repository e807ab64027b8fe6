/**
 * Entry of `pnpm bench` (through scripts/bench.mjs): runs the benchmark and prints the table on
 * stdout, or JSON with `--json`. Progress goes to stderr (cli-progress). Options: `--time MS`
 * per measurement, `--only a,b` programs, `--engines a,b`, `--registers` (the register
 * representation measurement instead).
 */
import { Presets, SingleBar } from 'cli-progress';
import { compareRegisterRepresentations } from './registers.js';
import { runBench } from './run-bench.js';
import { formatTable } from './table.js';

/** Runs the bench CLI with `argv`; returns the exit code. */
export async function benchMain(argv: readonly string[]): Promise<number> {
  let json = false;
  let timeMs = 300;
  let only: string[] | undefined;
  let engines: string[] | undefined;
  let registers = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--registers') registers = true;
    else if (a === '--time') timeMs = Number(argv[++i]);
    else if (a === '--only') only = (argv[++i] ?? '').split(',');
    else if (a === '--engines') engines = (argv[++i] ?? '').split(',');
    else {
      process.stderr.write(`bench: unknown argument '${a}' (options: --json, --time MS, --only a,b, --engines a,b, --registers)\n`);
      return 2;
    }
  }
  if (!(timeMs > 0)) {
    process.stderr.write('bench: --time must be a positive number of ms\n');
    return 2;
  }
  if (registers) {
    const rows = compareRegisterRepresentations(timeMs);
    if (json) process.stdout.write(JSON.stringify({ compute: rows }, null, 2) + '\n');
    else for (const r of rows) process.stdout.write(`${r.representation.padEnd(28)} ${r.nsPerInsn.toFixed(2)} ns/insn  r0 ${r.r0}\n`);
    return 0;
  }
  const bar = new SingleBar({ format: 'bench {bar} {value}/{total} {label}', stream: process.stderr, clearOnComplete: true }, Presets.shades_classic);
  let started = false;
  const report = await runBench({
    timeMs,
    ...(only ? { only } : {}),
    ...(engines ? { engines } : {}),
    onProgress: (done, total, label) => {
      if (!started) {
        bar.start(total, 0, { label });
        started = true;
      }
      bar.update(done, { label });
    },
  });
  if (started) bar.stop();
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(formatTable(report).join('\n') + '\n');
  const wrong = report.rows.some((r) => Object.values(r.engines).some((e) => 'correct' in e && !e.correct));
  return wrong ? 1 : 0;
}
