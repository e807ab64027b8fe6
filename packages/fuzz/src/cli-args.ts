/**
 * What the on-demand fuzz commands (`pnpm fuzz:checker`, `pnpm fuzz:diff`) share: reading their
 * options from a table (numbers and flags, `--help`), reporting a bad option as `<command>: ...`
 * with exit 2, and the progress bar on stderr. Each command keeps its own options, defaults,
 * round and summary.
 */
import { Presets, SingleBar } from 'cli-progress';

/**
 * One option of a fuzz command: a flag, or an option taking a non-negative number (`number`
 * accepts fractions, `integer` does not).
 */
export type FuzzOption<A> =
  | { readonly kind: 'flag'; readonly set: (args: A) => void }
  | { readonly kind: 'number' | 'integer'; readonly set: (args: A, value: number) => void };

/** A fuzz command's name, synopsis and option table. */
export interface FuzzCommand<A> {
  /** The name used in messages, e.g. `fuzz:diff`. */
  readonly name: string;
  /** The options after `pnpm <name>`, printed by `--help`. */
  readonly synopsis: string;
  /** The options by their spelling (`--count`). */
  readonly options: Readonly<Record<string, FuzzOption<A>>>;
}

/**
 * Applies `argv` to `args` (the defaults, changed in place) by the command's option table;
 * `--help`/`-h` prints the usage line and exits 0.
 * @throws Error naming the option when it is unknown or its value is not a non-negative number.
 */
export function parseFuzzArgs<A>(command: FuzzCommand<A>, argv: readonly string[], args: A): A {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: pnpm ${command.name} ${command.synopsis}\n`);
      process.exit(0);
    }
    const option = Object.hasOwn(command.options, a) ? command.options[a] : undefined;
    if (option === undefined) throw new Error(`unknown option ${a}`);
    if (option.kind === 'flag') {
      option.set(args);
      continue;
    }
    const v = Number(argv[++i]);
    if (option.kind === 'integer' ? !Number.isInteger(v) || v < 0 : !Number.isFinite(v) || v < 0) {
      throw new Error(`${a} needs a non-negative ${option.kind}`);
    }
    option.set(args, v);
  }
  return args;
}

/**
 * {@link parseFuzzArgs} on the process's arguments; a bad option is reported on stderr as
 * `<name>: <message>`.
 * @returns the arguments, or undefined after a bad option (the caller exits 2).
 */
export function readFuzzArgs<A>(command: FuzzCommand<A>, defaults: A): A | undefined {
  try {
    return parseFuzzArgs(command, process.argv.slice(2), defaults);
  } catch (e) {
    process.stderr.write(`${command.name}: ${(e as Error).message}\n`);
    return undefined;
  }
}

/** Starts a progress bar on stderr over `total` items, with `payload` for its format's tokens. */
export function startProgress(format: string, total: number, payload?: Record<string, unknown>): SingleBar {
  const bar = new SingleBar({ format, stream: process.stderr }, Presets.shades_classic);
  bar.start(total, 0, payload);
  return bar;
}
