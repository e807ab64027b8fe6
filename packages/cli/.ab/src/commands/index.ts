/**
 * The list of command modules. Each module exports `register(program)` that adds one command.
 * Add one line here per command.
 */
import type { Command } from 'commander';
import { register as asm } from './asm.js';
import { register as disasm } from './disasm.js';
import { register as checkCmd } from './check.js';
import { register as run } from './run.js';
import { register as bench } from './bench.js';
import { register as conformance } from './conformance.js';
import { register as conformancePlugin } from './conformance-plugin.js';
import { register as trace } from './trace.js';
import { register as prog } from './prog.js';
import { register as map } from './map.js';
import { register as demo } from './demo.js';

/** Registers one command on the program. */
export type RegisterCommand = (program: Command) => void;

/** Every command, in help order. */
export const commands: RegisterCommand[] = [checkCmd, disasm, asm, run, bench, conformance, conformancePlugin, trace, prog, map, demo];
