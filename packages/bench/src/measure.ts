/**
 * Timing: warm up, calibrate a batch size, then time batches and take the median ns per run
 * (robust against a noisy, shared machine). Uses `performance.now()`, so it runs anywhere.
 */

/** What {@link measure} found. */
export interface Measurement {
  /** Median ns per run over the batches. */
  readonly nsPerRun: number;
  /** Runs timed (warm-up excluded). */
  readonly runs: number;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Approximate time to spend, in ms (default 300). */
  readonly timeMs?: number;
  /** Timed batches (default 9). */
  readonly batches?: number;
}

/**
 * Runs `fn` repeatedly; returns the median ns per run over timed batches. The first third of
 * the time (and at least 100 runs) is warm-up, so the JIT has compiled `fn`'s hot paths before
 * anything is timed (on a loaded machine V8's background compiler can take tens of ms).
 */
export function measure(fn: () => unknown, options: MeasureOptions = {}): Measurement {
  const timeMs = options.timeMs ?? 300;
  const batches = Math.max(1, options.batches ?? 9);
  const warmUntil = performance.now() + timeMs / 3;
  for (let i = 0; i < 100 || performance.now() < warmUntil; i++) fn();
  const target = (timeMs * 2) / 3 / (batches + 2);
  let perBatch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= target / 4 || perBatch >= 1 << 30) {
      perBatch = Math.max(1, Math.round((perBatch * target) / Math.max(dt, 1e-3)));
      break;
    }
    perBatch *= 2;
  }
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) fn();
    samples.push(((performance.now() - t0) * 1e6) / perBatch);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  return { nsPerRun: samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2, runs: perBatch * batches };
}
