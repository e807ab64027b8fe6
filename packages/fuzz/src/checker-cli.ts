/**
 * `pnpm fuzz:checker [--count N] [--seed S] [--mutate P]`: the long checker soundness round —
 * generated and mutated programs checked, every accepted one run in the interpreter's oracle
 * mode; progress on stderr, then the count, the acceptance rate, the refusal reasons and every
 * failure (seed and program). Exit 1 when an accepted program misbehaved. The CI round is the
 * vitest test `packages/fuzz/test/checker-fuzz.test.ts`.
 */
import { Presets, SingleBar } from 'cli-progress';
import { runCheckerRound } from './checker-round.js';

interface Args {
  count: number;
  seed: number;
  mutate: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { count: 200_000, seed: (Date.now() >>> 0) % 1_000_000_000, mutate: 0.3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    if (a === '--count') args.count = Math.floor(value());
    else if (a === '--seed') args.seed = Math.floor(value());
    else if (a === '--mutate') args.mutate = Math.min(1, value());
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: pnpm fuzz:checker [--count N] [--seed S] [--mutate SHARE]\n');
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
    process.stderr.write(`fuzz:checker: ${(e as Error).message}\n`);
    return 2;
  }
  process.stderr.write(`fuzz:checker: ${args.count} programs from seed ${args.seed}\n`);
  const bar = new SingleBar({ format: 'fuzz:checker [{bar}] {value}/{total} programs | {eta_formatted} left', stream: process.stderr }, Presets.shades_classic);
  bar.start(args.count, 0);
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
