#!/usr/bin/env node
/**
 * The `ebpf` executable: hands the arguments to `main()` and exits with its code (0 success,
 * 1 rejected or failed run, 2 usage error or unreadable/undecodable input). Whatever escapes
 * (a stream error, an error thrown from a callback) becomes one `ebpf: ...` line, never a stack.
 */
import { failureOf, reportFailure } from './exit.js';
import { main } from './main.js';

// A reader that goes away (`ebpf disasm x | head`) is not an error of ours: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.exit(reportFailure(failureOf(e)));
});
process.on('uncaughtException', (e) => process.exit(reportFailure(failureOf(e))));
process.on('unhandledRejection', (e) => process.exit(reportFailure(failureOf(e))));

process.exitCode = await main(process.argv.slice(2));
