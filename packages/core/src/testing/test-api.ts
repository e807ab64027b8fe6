/**
 * The few test-runner functions the harnesses need, passed in by the caller (`{ describe, it }`
 * from vitest, or any runner with the same shape), so `@ebpf/core/testing` depends on no runner.
 */

/** The test-runner functions a harness registers its cases with. */
export interface TestApi {
  /** Groups tests (vitest `describe`). */
  describe(name: string, fn: () => void): void;
  /** Defines one test (vitest `it`). */
  it(name: string, fn: () => void | Promise<void>): void;
}

/** A short, one-line test name from assembler text. */
export function caseName(asm: string, max = 60): string {
  const flat = asm
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('//'))
    .join('; ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
