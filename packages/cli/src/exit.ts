/**
 * Exit codes of the `ebpf` CLI and the mapping from an error that reached the top to a code and
 * one stderr line: 0 success, 1 rejected by the checker or a failed run, 2 usage error or
 * unreadable/undecodable input. Imports nothing, so the start-up fast paths pay nothing for it.
 */

/** Exit code: success, program accepted. */
export const EXIT_OK = 0;
/** Exit code: rejected by the checker, or a run that failed (fault, budget, helper error). */
export const EXIT_FAILED = 1;
/** Exit code: usage error, or input that cannot be read or decoded. */
export const EXIT_USAGE = 2;

/** An intentional exit with a code and an optional message for stderr. */
export class CliExit extends Error {
  /** @param exitCode 0, 1 or 2 (see above); @param message printed to stderr when non-empty. */
  constructor(readonly exitCode: number, message = '') {
    super(message);
  }
}

/** Throws a usage error (exit 2). */
export function usage(message: string): never {
  throw new CliExit(EXIT_USAGE, `ebpf: ${message}`);
}

/** What to do with an error that reached the top of a command. */
export interface Failure {
  /** The process exit code. */
  readonly exitCode: number;
  /** The stderr text (one line, `ebpf: ...`), empty for none. */
  readonly message: string;
}

/**
 * The `Symbol.for` brand every `EbpfError` carries (see `EbpfError.is` in `@ebpf/core`). Checked
 * here rather than imported so that this module loads nothing from `@ebpf/core`.
 */
const EBPF_ERROR_BRAND = Symbol.for('@ebpf/core/EbpfError');

/** Error codes of `@ebpf/core` that mean "the program was refused or its run failed" (exit 1). */
const FAILED_RUN_CODES = new Set(['CHECK', 'VM_FAULT', 'VM_BUDGET', 'VM_MEMORY', 'HELPER', 'NOT_SUPPORTED']);

/**
 * Maps an error to an exit code and a one-line message, never a stack trace: {@link CliExit}
 * keeps its own; an `EbpfError` exits 1 when the checker refused the program or running it
 * failed (its code is `CHECK`, `VM_*`, `HELPER` or `NOT_SUPPORTED`: an engine that cannot run
 * here), 2 otherwise (decode, parse, image, ELF, map, usage or runtime set-up errors);
 * anything else is an internal failure (exit 1). Set `EBPF_DEBUG=1` to also get the stack of
 * an internal failure.
 */
export function failureOf(e: unknown): Failure {
  if (e instanceof CliExit) return { exitCode: e.exitCode, message: withoutStack(e.message) };
  if (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[EBPF_ERROR_BRAND] === true) {
    const { code, message } = e as { code: string; message: string };
    return { exitCode: FAILED_RUN_CODES.has(code) ? EXIT_FAILED : EXIT_USAGE, message: `ebpf: ${withoutStack(message)}` };
  }
  const text = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  const debug = typeof process !== 'undefined' && process.env['EBPF_DEBUG'] && e instanceof Error && e.stack ? `\n${e.stack}` : '';
  return { exitCode: EXIT_FAILED, message: `ebpf: internal error: ${withoutStack(text)}${debug}` };
}

/** Writes a failure's message (if any) to stderr with one trailing newline. */
export function reportFailure(f: Failure, write: (s: string) => void = (s) => void process.stderr.write(s)): number {
  if (f.message !== '') write(f.message.endsWith('\n') ? f.message : `${f.message}\n`);
  return f.exitCode;
}

/** Drops indented stack-frame lines (`    at ...`) from a message. */
function withoutStack(message: string): string {
  return message
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .join('\n')
    .trimEnd();
}
