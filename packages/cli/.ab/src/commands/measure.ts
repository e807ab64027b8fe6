/**
 * Timing for `ebpf bench`: warm up, then time batches of runs and take
 * the median ns per run (robust against a noisy, shared machine). Progress goes to stderr only.
 */
import { SingleBar, Presets } from 'cli-progress';

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Total time to spend measuring, in ms (default 1000). */
  readonly timeMs?: number;
  /** Number of timed batches (default 15). */
  readonly batches?: number;
  /** Show a progress bar on stderr when measuring takes long (default: when stderr is a TTY). */
  readonly progress?: boolean;
  /** Label of the progress bar. */
  readonly label?: string;
}

/** What {@link measure} found. */
export interface Measurement {
  /** Median ns per run over the batches. */
  readonly nsPerRun: number;
  /** Runs timed (warm-up excluded). */
  readonly runs: number;
  /** r0 of the last run. */
  readonly r0: bigint;
}

/** Runs `fn` repeatedly and returns the median ns per run. */
export function measure(fn: () => bigint, options: MeasureOptions = {}): Measurement {
  const timeMs = options.timeMs ?? 1000;
  const batches = Math.max(1, options.batches ?? 15);
  // Warm up for a third of the time (at least 100 runs) so the JIT has compiled the hot paths
  // before anything is timed, then calibrate how many runs fit in one batch.
  let r0 = fn();
  const warmUntil = process.hrtime.bigint() + BigInt(Math.round((timeMs * 1e6) / 3));
  for (let i = 0; i < 100 || process.hrtime.bigint() < warmUntil; i++) r0 = fn();
  let perBatch = 1;
  const target = (timeMs * 2e6) / 3 / (batches + 2);
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) r0 = fn();
    const dt = Number(process.hrtime.bigint() - t0);
    if (dt >= target / 4 || perBatch >= 1 << 30) {
      perBatch = Math.max(1, Math.round((perBatch * target) / Math.max(dt, 1)));
      break;
    }
    perBatch *= 2;
  }
  const showBar = options.progress ?? (process.stderr.isTTY === true && timeMs >= 2000);
  const bar = showBar ? new SingleBar({ format: `${options.label ?? 'bench'} {bar} {value}/{total} batches`, stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(batches, 0);
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) r0 = fn();
    samples.push(Number(process.hrtime.bigint() - t0) / perBatch);
    bar?.update(b + 1);
  }
  bar?.stop();
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const nsPerRun = samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return { nsPerRun, runs: perBatch * batches, r0 };
}
