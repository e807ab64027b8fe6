// Shared by the CLI tests that drive main() in-process: captures what the CLI writes to stdout
// and stderr for each test, and resets the exit code it may leave behind.
import { afterEach, beforeEach, vi } from 'vitest';

/** What the CLI printed during the current test. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
}

/** Installs per-test capture of process.stdout/stderr writes; read the fields inside a test. */
export function captureOutput(): CapturedOutput {
  const io: CapturedOutput = { stdout: '', stderr: '' };
  beforeEach(() => {
    io.stdout = '';
    io.stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((io.stdout += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((io.stderr += String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return io;
}
