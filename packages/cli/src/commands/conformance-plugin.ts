/**
 * `ebpf conformance-plugin [MEMORY_HEX] [OPTIONS...] [--elf]`: the plugin protocol of the
 * bpf_conformance runner. The program arrives as hex bytes on stdin (or `--program HEX`), the
 * memory as hex bytes in the first argument; stdout holds only r0 in hex, errors go to stderr
 * with a non-zero exit. OPTIONS (the runner's `--plugin_options`, possibly one argument holding
 * spaces): `--interpret` (default: the interpreter, unverified), `--jit` (the native JIT,
 * `jit-x86_64`, as uBPF's plugin means it), `--engine NAME` (check with the `conformance`
 * subsystem, then run NAME). r1 = memory address, r2 = memory length.
 */
import type { Command } from 'commander';
import { encode } from '@ebpf/core/isa';
import { runConformanceProgram } from '@ebpf/interp/conformance';
import { CliExit, usage } from '../exit.js';

/** What the plugin's arguments ask for. */
export interface PluginArgs {
  /** Initial memory. */
  readonly memory: Uint8Array;
  /** Program hex from `--program`, if given. */
  readonly programHex?: string;
  /** Engine to check and run with; undefined = interpret unverified. */
  readonly engine?: string;
  /** stdin/`--program` holds an ELF object. */
  readonly elf: boolean;
}

/**
 * Parses the plugin's arguments (after the sub-command): an optional memory argument first
 * (anything not starting with `--`, possibly empty), then options, each argument split on
 * whitespace.
 * @throws {@link CliExit} (2) for an unknown option, a missing value or bad hex.
 */
export function parsePluginArgs(argv: readonly string[]): PluginArgs {
  let memoryHex = '';
  let rest = [...argv];
  if (rest.length > 0 && !rest[0]!.trimStart().startsWith('--')) {
    memoryHex = rest[0]!;
    rest = rest.slice(1);
  }
  const words = rest.flatMap((a) => a.split(/\s+/)).filter((w) => w !== '');
  let engine: string | undefined;
  let programHex: string | undefined;
  let elf = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--interpret') engine = undefined;
    else if (w === '--jit') engine = 'jit-x86_64';
    else if (w === '--elf') elf = true;
    else if (w === '--engine' || w === '--program') {
      const v = words[++i];
      if (v === undefined) usage(`conformance-plugin: ${w} needs a value`);
      if (w === '--engine') engine = v;
      else programHex = v;
    } else if (w.startsWith('--engine=')) engine = w.slice('--engine='.length);
    else usage(`conformance-plugin: unknown argument '${w}' (expected [MEMORY_HEX] [--interpret | --jit | --engine NAME] [--program HEX] [--elf])`);
  }
  return { memory: parseHex(memoryHex, 'memory'), ...(programHex !== undefined ? { programHex } : {}), ...(engine !== undefined ? { engine } : {}), elf };
}

/**
 * Hex bytes separated by whitespace (or one run of hex digits) → bytes.
 * @throws {@link CliExit} (2) for anything else.
 */
export function parseHex(text: string, what: string): Uint8Array {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const out: number[] = [];
  for (const t of tokens) {
    const clean = t.replace(/^0x/i, '');
    if (!/^[0-9a-f]+$/i.test(clean)) usage(`conformance-plugin: bad ${what} hex '${t}'`);
    if (clean.length <= 2) out.push(parseInt(clean, 16));
    else {
      if (clean.length % 2 !== 0) usage(`conformance-plugin: bad ${what} hex '${t}' (odd number of digits)`);
      for (let i = 0; i < clean.length; i += 2) out.push(parseInt(clean.slice(i, i + 2), 16));
    }
  }
  return Uint8Array.from(out);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The whole plugin run: parses `args` (what follows `conformance-plugin`), reads the program from
 * `--program` or stdin, runs it and writes r0 in hex to stdout. `main()` calls this directly,
 * without commander, so that each of the runner's spawns loads only what the plugin needs.
 * @throws {@link CliExit} 2 for bad arguments or input, 1 when the program is refused or fails.
 */
export async function runPlugin(args: readonly string[], readInput: () => Promise<string> = readStdin): Promise<void> {
  const parsed = parsePluginArgs(args);
  const programBytes = parseHex(parsed.programHex ?? (await readInput()), 'program');
  if (programBytes.length === 0) usage('conformance-plugin: no program (hex bytes on stdin or --program HEX)');
  let bytes = programBytes;
  if (parsed.elf) {
    const { decodeAny } = await import('@ebpf/core/image');
    let specs;
    try {
      specs = decodeAny(programBytes, { name: 'conformance' });
    } catch (e) {
      usage(`conformance-plugin: ELF object on stdin: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (specs.length !== 1) usage(`conformance-plugin: the ELF object holds ${specs.length} programs; expected one`);
    bytes = encode(specs[0]!.insns);
  }
  // The engine path (checker, JIT packages) is loaded only when an engine is asked for.
  const options = parsed.engine === undefined ? {} : await (await import('./conformance-engine.js')).conformanceRunOptions(parsed.engine, (line) => process.stderr.write(line + '\n'));
  let r0: bigint;
  try {
    r0 = runConformanceProgram(bytes, parsed.memory, options);
  } catch (e) {
    throw new CliExit(1, `ebpf: conformance-plugin: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.stdout.write(r0.toString(16) + '\n');
}

/** Registers `ebpf conformance-plugin` (for help; `main()` runs the plugin without commander). */
export function register(program: Command): void {
  program
    .command('conformance-plugin')
    .description('bpf_conformance plugin: program hex on stdin, memory hex as the first argument, prints r0 in hex')
    .argument('[args...]', '[MEMORY_HEX] [--interpret | --jit | --engine NAME] [--program HEX] [--elf]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[]) => runPlugin(args));
}
