/**
 * Load (decode) and verify time of every committed ELF example object (`examples/*.o`), median
 * of N runs, and the same for any extra objects given on the command line. A measurement for the
 * notes, not a test. Programs are verified against the trace subsystem; objects for other
 * subsystems (the socket example) are loaded only, and show `-` for verify.
 *   node --conditions=@ebpf/source --import tsx packages/bench/src/elf-timing.ts [N] [extra.o ...]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { check, decodeElf, Vm } from '@ebpf/core';
import { TraceSubsystem } from '@ebpf/trace';

const dir = join(import.meta.dirname, '../../../examples');
const runs = Number(process.argv[2] ?? 200);
const files = [...readdirSync(dir).filter((f) => f.endsWith('.o')).sort().map((f) => join(dir, f)), ...process.argv.slice(3)];
const subsystem = new TraceSubsystem();
const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;

for (const f of files) {
  const bytes = new Uint8Array(readFileSync(f));
  const load: number[] = [];
  const verify: number[] = [];
  let insns = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const specs = decodeElf(bytes, { subsystems: [subsystem] });
    const t1 = process.hrtime.bigint();
    const vm = new Vm({ size: 4 << 20 });
    let t = 0n;
    for (const spec of specs) {
      if (spec.subsystemHint !== 'trace') { t = -1n; continue; }
      const maps = spec.maps.map((m) => vm.createMap(m));
      const a = process.hrtime.bigint();
      check(spec, subsystem, maps);
      t += process.hrtime.bigint() - a;
    }
    load.push(Number(t1 - t0) / 1000);
    verify.push(t < 0n ? NaN : Number(t) / 1000);
    insns = specs.reduce((n, s) => n + s.insns.length, 0);
  }
  const name = f.startsWith(dir) ? f.slice(dir.length + 1) : f;
  console.log(`${name.padEnd(32)} ${String(statSync(f).size).padStart(7)} B ${String(insns).padStart(6)} insns  load ${median(load).toFixed(1).padStart(8)} µs  verify ${Number.isNaN(verify[0]) ? '       -' : median(verify).toFixed(1).padStart(8)} µs`);
}
