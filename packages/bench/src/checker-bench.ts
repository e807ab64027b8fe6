/**
 * How long the checker takes ("valid programs take microseconds to verify", said the seed):
 * median and worst wall time of `check()` on the seed's two examples (trace subsystem) and on a
 * generated 4096-slot program with branches, stack traffic, context reads and map lookups.
 * `pnpm bench:checker [--json] [--runs N]` prints the table; the numbers go in docs/checker.md.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Vm, check, decodeSeedImage, parseAsm, type MapSpec, type ProgramSpec, type Subsystem } from '@ebpf/core';
import { TraceSubsystem } from '@ebpf/trace';

/** One measured program. */
export interface CheckerBenchRow {
  readonly name: string;
  /** Instruction slots. */
  readonly insns: number;
  /** Instructions the checker simulated. */
  readonly processed: number;
  readonly runs: number;
  /** Median wall time of one check, microseconds. */
  readonly medianUs: number;
  /** Worst wall time of one check (after one warm-up), microseconds. */
  readonly worstUs: number;
}

const HASH: MapSpec = { name: 'counts', type: 'hash', keySize: 8, valueSize: 8, maxEntries: 1024, flags: 0 };

/**
 * A deterministic program of exactly `slots` slots: blocks that read the context, compute,
 * spill to the stack, branch forward and look up a map with a NULL check, then exit.
 */
export function generatedProgram(slots = 4096): ProgramSpec {
  const lines = ['mov %r6, %r1', 'mov %r9, 0', 'stdw [%r10-8], 0'];
  let n = 3;
  let block = 0;
  // Each block is 22 slots.
  while (n + 22 + 2 <= slots) {
    const skip = `s${block}`;
    const miss = `m${block}`;
    lines.push(
      `ldxdw %r7, [%r6+${block % 2 === 0 ? 112 : 104}]`,
      `and %r7, ${255 - (block % 7)}`,
      'add %r9, %r7',
      `stxdw [%r10-${16 + 8 * (block % 8)}], %r9`,
      `jgt %r7, ${block % 50}, ${skip}`,
      'mov %r8, %r9',
      'rsh %r8, 3',
      'xor %r9, %r8',
      `${skip}:`,
      'stxdw [%r10-8], %r7',
      'mov %r2, %r10',
      'add %r2, -8',
      'lddw %r1, map_idx(0)',
      'call 1',
      `jeq %r0, 0, ${miss}`,
      'ldxdw %r3, [%r0+0]',
      'add %r3, 1',
      'stxdw [%r0+0], %r3',
      'add %r9, %r3',
      `${miss}:`,
      `ldxdw %r4, [%r10-${16 + 8 * (block % 8)}]`,
      'add %r9, %r4',
      'lsh %r9, 1',
    );
    n += 22;
    block++;
  }
  while (n + 2 < slots) { lines.push('add %r9, 1'); n++; }
  lines.push('mov %r0, 0', 'exit');
  return { name: `generated-${slots}`, dialect: 'rfc', insns: parseAsm(lines.join('\n')), maps: [HASH], license: 'GPL' };
}

function seedExample(name: string): ProgramSpec {
  const url = new URL(`../../core/testdata/seed/${name}`, import.meta.url);
  return decodeSeedImage(new Uint8Array(readFileSync(fileURLToPath(url))), { name });
}

function measure(spec: ProgramSpec, subsystem: Subsystem, runs: number): CheckerBenchRow {
  const vm = new Vm({ size: 8 << 20 });
  const maps = spec.maps.map((m) => vm.createMap(m));
  const first = check(spec, subsystem, maps);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    check(spec, subsystem, maps);
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  return {
    name: spec.name,
    insns: first.lowered.length,
    processed: first.stats.processed,
    runs,
    medianUs: times[Math.floor(times.length / 2)]!,
    worstUs: times[times.length - 1]!,
  };
}

/** Measures the seed examples and the generated 4096-slot program. */
export function runCheckerBench(runs = 200): CheckerBenchRow[] {
  const trace = new TraceSubsystem();
  return [
    measure(seedExample('filter_ex1.bpf'), trace, runs),
    measure(seedExample('filter_ex2.bpf'), trace, runs),
    measure(generatedProgram(4096), trace, Math.max(5, Math.floor(runs / 10))),
  ];
}

/** `pnpm bench:checker [--json] [--runs N]`; returns the exit code. */
export function checkerBenchMain(argv: readonly string[]): number {
  let json = false;
  let runs = 200;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if (argv[i] === '--runs') runs = Number(argv[++i]);
    else {
      process.stderr.write(`bench:checker: unknown argument '${argv[i]}' (options: --json, --runs N)\n`);
      return 2;
    }
  }
  if (!(Number.isInteger(runs) && runs > 0)) {
    process.stderr.write('bench:checker: --runs must be a positive integer\n');
    return 2;
  }
  const rows = runCheckerBench(runs);
  if (json) process.stdout.write(`${JSON.stringify({ rows }, null, 2)}\n`);
  else {
    process.stdout.write(`${'program'.padEnd(20)} ${'slots'.padStart(6)} ${'processed'.padStart(10)} ${'median µs'.padStart(10)} ${'worst µs'.padStart(10)}\n`);
    for (const r of rows) {
      process.stdout.write(`${r.name.padEnd(20)} ${String(r.insns).padStart(6)} ${String(r.processed).padStart(10)} ${r.medianUs.toFixed(1).padStart(10)} ${r.worstUs.toFixed(1).padStart(10)}\n`);
    }
  }
  return 0;
}
