/**
 * `ebpf run FILE [--engine NAME] [--mem FILE | --ctx FILE] [--subsystem NAME] [--repeat N]
 * [--json]`: runs a program and prints `Return value: 0x...` and `duration: N ns` (the mean ns
 * per run, as `bpftool prog run` prints); JSON `{"r0": "0x...", "nsPerRun": n, "engine": "..."}`.
 * A failed run (fault, helper error, rejected program) exits 1.
 */
import type { Command } from 'commander';
import { usage } from '../exit.js';
import { readBytes, readProgram } from './program-file.js';
import { prepareRun } from './prepared-run.js';

/** Upper bound of `--repeat`, so that a mistyped count cannot keep the process busy for days. */
export const MAX_REPEAT = 100_000_000;

interface RunOptions {
  engine: string;
  mem?: string;
  ctx?: string;
  subsystem?: string;
  repeat: string;
  json?: boolean;
  dialect?: 'rfc' | 'seed';
  license?: string;
  section?: string;
  program?: string;
}

/** Registers `ebpf run`. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run a program (raw bytecode, seed image or ELF object) once or --repeat N times')
    .argument('<file>', 'program file (format chosen by magic)')
    .option('--engine <name>', 'interp, jit-wasm, jit-x86_64 or auto', 'auto')
    .option('--mem <file>', 'raw memory: r1 = its address, r2 = its length (as bpf_conformance)')
    .option('--ctx <file>', 'context bytes for the subsystem (see --subsystem)')
    .option('--subsystem <name>', 'subsystem of --ctx (default: from the ELF section; trace for seed images)')
    .option('--repeat <n>', 'run N times and report the mean duration', '1')
    .option('--dialect <d>', 'raw bytecode dialect: rfc or seed')
    .option('--license <str>', 'license for formats without one (default GPL)')
    .option('--section <s>', 'ELF: the section of the program')
    .option('--program <p>', 'ELF: the program name')
    .option('--json', 'print {"r0", "nsPerRun", "engine"}')
    .action(async (file: string, opts: RunOptions) => {
      if (opts.mem !== undefined && opts.ctx !== undefined) usage('run: give --mem or --ctx, not both');
      const repeat = /^\d+$/.test(opts.repeat) ? Number(opts.repeat) : NaN;
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) usage(`run: --repeat must be an integer from 1 to ${MAX_REPEAT} (got '${opts.repeat}')`);
      if (opts.dialect !== undefined && opts.dialect !== 'rfc' && opts.dialect !== 'seed') usage(`run: --dialect must be rfc or seed`);
      const spec = readProgram(file, opts);
      const prepared = await prepareRun(spec, {
        engine: opts.engine,
        ...(opts.mem !== undefined ? { mem: readBytes(opts.mem, 'memory') } : {}),
        ...(opts.ctx !== undefined ? { ctx: readBytes(opts.ctx, 'context') } : {}),
        ...(opts.subsystem !== undefined ? { subsystem: opts.subsystem } : {}),
        report: (line) => process.stderr.write(line + '\n'),
      });
      try {
        let r0 = 0n;
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < repeat; i++) r0 = prepared.run();
        const nsPerRun = Math.round(Number(process.hrtime.bigint() - t0) / repeat);
        if (opts.json) {
          process.stdout.write(JSON.stringify({ r0: '0x' + r0.toString(16), nsPerRun, engine: prepared.engine }) + '\n');
        } else {
          process.stdout.write(`Return value: 0x${r0.toString(16)}\nduration: ${nsPerRun} ns\n`);
        }
      } finally {
        prepared.dispose();
      }
    });
}
