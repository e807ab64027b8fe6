/**
 * Builds the commander program from the command modules and runs it, mapping errors to exit
 * codes (0 ok, 1 rejected/failed, 2 usage or bad input).
 */
import { Command, CommanderError } from 'commander';
import { EbpfError } from '@ebpf/core';
import { commands } from './commands/index.js';
import { CliExit } from './exit.js';

/** Creates the `ebpf` command tree (exported for tests). */
export function createProgram(): Command {
  const program = new Command('ebpf')
    .description('Load, check, disassemble and run eBPF programs from Node.js')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();
  for (const register of commands) register(program);
  // Every sub-command inherits exitOverride so parse errors come back as CommanderError (exit 2).
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CliExit) {
      if (e.message) process.stderr.write(e.message.endsWith('\n') ? e.message : e.message + '\n');
      return e.exitCode;
    }
    if (e instanceof CommanderError) {
      // help and version are "errors" with exit code 0 in commander
      return e.exitCode === 0 ? 0 : 2;
    }
    if (EbpfError.is(e)) {
      process.stderr.write(`ebpf: ${e.message}\n`);
      return e.code === 'CHECK' || e.code.startsWith('VM_') || e.code === 'HELPER' ? 1 : 2;
    }
    process.stderr.write(`ebpf: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
