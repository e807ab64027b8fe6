/**
 * `pnpm fuzz:checker [--count N] [--seed S] [--mutate P]`: the long checker soundness round —
 * generated and mutated programs checked, every accepted one run in the interpreter's oracle
 * mode; progress on stderr, then the count, the acceptance rate, the refusal reasons and every
 * failure (seed and program). Exit 1 when an accepted program misbehaved. The CI round is the
 * vitest test `packages/fuzz/test/checker-fuzz.test.ts`.
 */
import { readFuzzArgs, startProgress, type FuzzCommand } from './cli-args.js';
import { runCheckerRound } from './checker-round.js';

interface Args {
  count: number;
  seed: number;
  mutate: number;
}

const COMMAND: FuzzCommand<Args> = {
  name: 'fuzz:checker',
  synopsis: '[--count N] [--seed S] [--mutate SHARE]',
  options: {
    '--count': { kind: 'number', set: (args, v) => { args.count = Math.floor(v); } },
    '--seed': { kind: 'number', set: (args, v) => { args.seed = Math.floor(v); } },
    '--mutate': { kind: 'number', set: (args, v) => { args.mutate = Math.min(1, v); } },
  },
};

function main(): number {
  const args = readFuzzArgs(COMMAND, { count: 200_000, seed: (Date.now() >>> 0) % 1_000_000_000, mutate: 0.3 });
  if (args === undefined) return 2;
  process.stderr.write(`fuzz:checker: ${args.count} programs from seed ${args.seed}\n`);
  const bar = startProgress('fuzz:checker [{bar}] {value}/{total} programs | {eta_formatted} left', args.count);
  const t0 = performance.now();
  const stats = runCheckerRound({
    seed: args.seed,
    count: args.count,
    mutateShare: args.mutate,
    onProgress: (n) => { if (n % 250 === 0 || n === args.count) bar.update(n); },
  });
  bar.stop();
  const secs = (performance.now() - t0) / 1000;
  const reasons = [...stats.rejected.entries()].sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${r}: ${n}`).join('\n');
  process.stdout.write(
    `checked ${stats.generated} programs in ${secs.toFixed(1)} s (seed ${args.seed})\n` +
    `accepted ${stats.accepted} (${((100 * stats.accepted) / Math.max(1, stats.generated)).toFixed(1)}%), ` +
    `mutants ${stats.mutatedAccepted}/${stats.mutated} accepted, ${stats.runs} oracle runs\n` +
    `refusals:\n${reasons}\n` +
    `failures: ${stats.failures.length}\n`,
  );
  for (const f of stats.failures) process.stdout.write(`\nseed ${f.seed}: ${f.error}\n${f.program}\n`);
  return stats.failures.length > 0 ? 1 : 0;
}

process.exitCode = main();
