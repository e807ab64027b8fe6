/** An intentional exit with a code and an optional message for stderr. */
export class CliExit extends Error {
  /** @param exitCode 0, 1 or 2 (see main.ts); @param message printed to stderr when non-empty. */
  constructor(readonly exitCode: number, message = '') {
    super(message);
  }
}

/** Throws a usage error (exit 2). */
export function usage(message: string): never {
  throw new CliExit(2, `ebpf: ${message}`);
}
