/**
 * The CI round of checker soundness fuzzing: at least 20,000 generated and mutated programs; at
 * least 30% must be accepted (the fuzzing bites), and no accepted program may fault, misuse a
 * helper's memory or exceed its budget in the interpreter's oracle mode. The long run is
 * `pnpm fuzz:checker`.
 */
import { describe, expect, it } from 'vitest';
import { runCheckerRound } from '../src/checker-round.js';

describe('checker soundness fuzzing', () => {
  it('accepted programs never fault in oracle mode (20,000 programs)', () => {
    const stats = runCheckerRound({ seed: 4_000_000, count: Number(process.env.FUZZ_COUNT ?? 20_000) });
    const reasons = [...stats.rejected.entries()].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r}=${n}`).join(' ');
    console.log(`checker fuzz: ${stats.generated} programs, ${stats.accepted} accepted (${stats.mutatedAccepted}/${stats.mutated} mutants), ${stats.runs} runs; rejected: ${reasons}`);
    expect(stats.failures.slice(0, 3).map((f) => `seed ${f.seed}: ${f.error}\n${f.program}`)).toEqual([]);
    expect(stats.accepted / stats.generated).toBeGreaterThanOrEqual(0.3);
  });
});
