/**
 * Runs the CLI: builds the commander program and maps every error to an exit code (0 ok,
 * 1 rejected/failed, 2 usage or bad input) and one stderr line (`exit.ts`). Start-up is kept
 * short: a command named first loads only its own module, and `conformance-plugin` (spawned once
 * per test by the bpf_conformance runner) skips commander altogether.
 */
import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE, failureOf, reportFailure } from './exit.js';

/** A command module: `register(program)` adds its command(s). */
interface CommandModule {
  readonly register: (program: Command) => void;
}

/**
 * Commands whose module registers exactly that one top-level command, so that `ebpf NAME ...`
 * can load just that module. Anything else (help, a command not listed) loads every command
 * through `commands/index.ts`, which stays the one list of all commands.
 */
export const LAZY_COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  check: () => import('./commands/check.js'),
  disasm: () => import('./commands/disasm.js'),
  asm: () => import('./commands/asm.js'),
  run: () => import('./commands/run.js'),
  bench: () => import('./commands/bench.js'),
  conformance: () => import('./commands/conformance.js'),
  'conformance-plugin': () => import('./commands/conformance-plugin.js'),
};

/**
 * Creates the `ebpf` command tree (exported for tests). With `only`, just that command's module
 * is registered (see {@link LAZY_COMMANDS}); otherwise every command.
 */
export async function createProgram(only?: string): Promise<Command> {
  const { Command } = await import('commander');
  const program = new Command('ebpf')
    .description('Load, check, disassemble and run eBPF programs from Node.js')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(s.startsWith('error: ') ? `ebpf: ${s.slice(7)}` : s) })
    .showHelpAfterError('(run ebpf help for the commands, ebpf help COMMAND for one command)');
  const lazy = only !== undefined ? LAZY_COMMANDS[only] : undefined;
  const registers = lazy ? [(await lazy()).register] : (await import('./commands/index.js')).commands;
  for (const register of registers) register(program);
  // Every command inherits exitOverride and the error format, so that parse errors come back as
  // CommanderError (exit 2) with an `ebpf: ` line.
  const inherit = (c: Command): void => {
    for (const sub of c.commands) {
      sub.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError(`(run ebpf ${commandPath(sub)} --help for its options)`);
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x !== null && x.parent !== null; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // Commands report "rejected" by setting process.exitCode; read it, then restore the caller's.
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    if (argv[0] === 'conformance-plugin') {
      const { runPlugin } = await import('./commands/conformance-plugin.js');
      await runPlugin(argv.slice(1));
    } else {
      const first = argv[0];
      const program = await createProgram(first !== undefined && Object.hasOwn(LAZY_COMMANDS, first) ? first : undefined);
      await program.parseAsync(argv as string[], { from: 'user' });
    }
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    // commander has already printed its message; help and version are "errors" with code 0.
    if (isCommanderError(e)) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    return reportFailure(failureOf(e));
  } finally {
    process.exitCode = saved;
  }
}

/** A commander parse error (`code` is `commander.*`), told apart without loading commander. */
function isCommanderError(e: unknown): e is { exitCode: number } {
  return e instanceof Error && String((e as { code?: unknown }).code).startsWith('commander.') && typeof (e as { exitCode?: unknown }).exitCode === 'number';
}
