/**
 * `pnpm fuzz:diff [--count N] [--seed S] [--no-loops] [--no-calls]`: a long differential round
 * on demand — random checked programs through the interpreter, jit-wasm and jit-x86_64 (where it
 * can run), with a progress bar on stderr and a summary; exit 1 when any engine disagrees (each
 * disagreement is printed with its seed and program). The short CI round is the vitest suite.
 */
import { check } from '@ebpf/core';
import { readFuzzArgs, startProgress, type FuzzCommand } from '../cli-args.js';
import { differentialEngines } from './engines.js';
import { DifferentialHarness } from './harness.js';
import { runRound } from './round.js';

interface Args {
  count: number;
  seed: number;
  loops: boolean;
  localCalls: boolean;
}

const COMMAND: FuzzCommand<Args> = {
  name: 'fuzz:diff',
  synopsis: '[--count N] [--seed S] [--no-loops] [--no-calls]',
  options: {
    '--count': { kind: 'integer', set: (args, v) => { args.count = v; } },
    '--seed': { kind: 'integer', set: (args, v) => { args.seed = v; } },
    '--no-loops': { kind: 'flag', set: (args) => { args.loops = false; } },
    '--no-calls': { kind: 'flag', set: (args) => { args.localCalls = false; } },
  },
};

function main(): number {
  const args = readFuzzArgs(COMMAND, { count: 20_000, seed: (Date.now() >>> 0) % 1_000_000, loops: true, localCalls: true });
  if (args === undefined) return 2;
  const { engines, skipped } = differentialEngines();
  for (const s of skipped) process.stderr.write(`fuzz:diff: skipping ${s.name}: ${s.reason}\n`);
  if (engines.length < 2) {
    process.stderr.write('fuzz:diff: fewer than two engines can run here\n');
    return 2;
  }
  process.stderr.write(`fuzz:diff: ${args.count} programs from seed ${args.seed} through ${engines.map((e) => e.name).join(', ')}\n`);
  const harness = new DifferentialHarness(engines, (spec, subsystem, maps) => check(spec, subsystem, maps));
  const bar = startProgress(' {bar} {value}/{total} | accepted {accepted} | mismatches {bad}', args.count, { accepted: 0, bad: 0 });
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
