#!/usr/bin/env node
/**
 * The `ebpf` executable: parses arguments and dispatches to one module per command.
 * Exit codes (interfaces.md): 0 success/accepted, 1 rejected or failed run, 2 usage error or
 * unreadable/undecodable input. Bad input never prints a stack trace.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
