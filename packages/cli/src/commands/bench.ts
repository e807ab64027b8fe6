/**
 * `ebpf bench FILE --mem FILE --engine NAME [--time MS] [--json]`: measures ns per run of a raw
 * program with r1 = the memory's address and r2 = its length (as uBPF and bpf_conformance run
 * programs). JSON on stdout only: `{"program", "engine", "runs", "nsPerRun", "r0"}`; the resolved
 * engine and progress go to stderr.
 */
import type { Command } from 'commander';
import { usage } from '../exit.js';
import { measure } from './measure.js';
import { readBytes, readProgram } from './program-file.js';
import { prepareRun } from './prepared-run.js';

/** Upper bound of `--time` (ten minutes), so that a mistyped value cannot hang the process. */
export const MAX_TIME_MS = 600_000;

interface BenchOptions {
  mem?: string;
  engine: string;
  time: string;
  json?: boolean;
  dialect?: 'rfc' | 'seed';
}

/** Registers `ebpf bench`. */
export function register(program: Command): void {
  program
    .command('bench')
    .description('measure ns per run of a program over a memory file (median of timed batches)')
    .argument('<file>', 'program file (format chosen by magic)')
    .option('--mem <file>', 'raw memory: r1 = its address, r2 = its length')
    .option('--engine <name>', 'interp, jit-wasm, jit-x86_64 or auto', 'auto')
    .option('--time <ms>', 'time to spend measuring', '1000')
    .option('--dialect <d>', 'raw bytecode dialect: rfc or seed')
    .option('--json', 'print {"program", "engine", "runs", "nsPerRun", "r0"} on stdout')
    .action(async (file: string, opts: BenchOptions) => {
      const timeMs = Number(opts.time);
      if (!(timeMs > 0 && timeMs <= MAX_TIME_MS)) usage(`bench: --time must be a number of ms above 0 and at most ${MAX_TIME_MS} (got '${opts.time}')`);
      if (opts.dialect !== undefined && opts.dialect !== 'rfc' && opts.dialect !== 'seed') usage(`bench: --dialect must be rfc or seed`);
      const spec = readProgram(file, opts.dialect !== undefined ? { dialect: opts.dialect } : {});
      const prepared = await prepareRun(spec, {
        engine: opts.engine,
        ...(opts.mem !== undefined ? { mem: readBytes(opts.mem, 'memory') } : {}),
        report: (line) => process.stderr.write(line + '\n'),
      });
      try {
        process.stderr.write(`engine: ${prepared.engine}\n`);
        const m = measure(() => prepared.run(), { timeMs, label: `${spec.name} on ${prepared.engine}` });
        const result = { program: spec.name, engine: prepared.engine, runs: m.runs, nsPerRun: Math.round(m.nsPerRun * 100) / 100, r0: '0x' + m.r0.toString(16) };
        if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
        else process.stdout.write(`${result.program}: ${result.nsPerRun} ns/run on ${result.engine} (median of batches, ${result.runs} runs), r0 ${result.r0}\n`);
      } finally {
        prepared.dispose();
      }
    });
}
