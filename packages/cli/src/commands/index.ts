/**
 * The list of command modules. Each module exports `register(program)` that adds one command.
 * Add one line here per command.
 */
import type { Command } from 'commander';

/** Registers one command on the program. */
export type RegisterCommand = (program: Command) => void;

/** Every command, in help order. */
export const commands: RegisterCommand[] = [];
