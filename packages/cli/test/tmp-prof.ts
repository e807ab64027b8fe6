import { traceSetup } from '../src/commands/trace.js';
import { measureRow, benchRows } from '@ebpf/trace';
const engine = process.argv[2] ?? 'jit-wasm';
const rows = benchRows([engine]);
for (const row of rows) {
  const { tracer } = await traceSetup('auto', 4096, [row.engine ?? 'interp']);
  const m = measureRow(row, { tracer, events: 500_000, runs: 3, warmup: 100_000 });
  console.log(row.name.slice(0, 50).padEnd(52), (m.totalMs * 2).toFixed(1), 'ns', 'base', (m.baselineMs * 2).toFixed(1), 'overhead', ((m.totalMs - m.baselineMs) * 2).toFixed(1));
}
