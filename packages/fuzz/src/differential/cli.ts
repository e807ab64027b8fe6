/**
 * `pnpm fuzz:diff [--count N] [--seed S] [--no-loops] [--no-calls]`: a long differential round
 * on demand — random checked programs through the interpreter, jit-wasm and jit-x86_64 (where it
 * can run), with a progress bar on stderr and a summary; exit 1 when any engine disagrees (each
 * disagreement is printed with its seed and program). The short CI round is the vitest suite.
 */
import { check } from '@ebpf/core';
import { SingleBar, Presets } from 'cli-progress';
import { differentialEngines } from './engines.js';
import { DifferentialHarness } from './harness.js';
import { runRound } from './round.js';

interface Args {
  count: number;
  seed: number;
  loops: boolean;
  localCalls: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { count: 20_000, seed: (Date.now() >>> 0) % 1_000_000, loops: true, localCalls: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      return v;
    };
    if (a === '--count') args.count = value();
    else if (a === '--seed') args.seed = value();
    else if (a === '--no-loops') args.loops = false;
    else if (a === '--no-calls') args.localCalls = false;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: pnpm fuzz:diff [--count N] [--seed S] [--no-loops] [--no-calls]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return args;
}

function main(): number {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz:diff: ${(e as Error).message}\n`);
    return 2;
  }
  const { engines, skipped } = differentialEngines();
  for (const s of skipped) process.stderr.write(`fuzz:diff: skipping ${s.name}: ${s.reason}\n`);
  if (engines.length < 2) {
    process.stderr.write('fuzz:diff: fewer than two engines can run here\n');
    return 2;
  }
  process.stderr.write(`fuzz:diff: ${args.count} programs from seed ${args.seed} through ${engines.map((e) => e.name).join(', ')}\n`);
  const harness = new DifferentialHarness(engines, (spec, subsystem, maps) => check(spec, subsystem, maps));
  const bar = new SingleBar({ format: ' {bar} {value}/{total} | accepted {accepted} | mismatches {bad}', stream: process.stderr }, Presets.shades_classic);
  bar.start(args.count, 0, { accepted: 0, bad: 0 });
  const started = performance.now();
  const stats = runRound(harness, {
    seed: args.seed,
    count: args.count,
    generate: { loops: args.loops, localCalls: args.localCalls },
    onProgress: (done, s) => {
      if (done % 50 === 0 || done === args.count) bar.update(done, { accepted: s.accepted, bad: s.mismatches.length });
    },
  });
  bar.stop();
  const secs = (performance.now() - started) / 1000;
  for (const m of stats.mismatches) process.stdout.write(`\nMISMATCH seed ${m.seed}: ${m.mismatch}\n${m.program}\n`);
  const pct = stats.generated === 0 ? 0 : (100 * stats.accepted) / stats.generated;
  process.stdout.write(
    `\n${stats.generated} programs in ${secs.toFixed(1)} s: ${stats.accepted} accepted (${pct.toFixed(1)}%), ${stats.mismatches.length} mismatches\n`,
  );
  const reasons = [...stats.rejected].sort((a, b) => b[1] - a[1]);
  for (const [why, n] of reasons.slice(0, 10)) process.stdout.write(`  rejected ${n}x: ${why}\n`);
  return stats.mismatches.length > 0 ? 1 : 0;
}

process.exitCode = main();
