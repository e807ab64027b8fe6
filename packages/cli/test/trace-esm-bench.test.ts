// Dynamic probes on ESM exports (a child process with the loader hook registered at start-up),
// and the shape of the seed benchmark's result on a tiny run (no timing assertions).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BENCH_FILTER, runTraceBench, TEN_CONDITIONS } from '@ebpf/trace';
import { benchJson, traceSetup } from '../src/commands/trace.js';

describe('ESM export probes', () => {
  it('swap live bindings every importer sees, and detach restores them', () => {
    const main = fileURLToPath(new URL('./fixtures/esm-probe/main.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--conditions=@ebpf/source', '--import', 'tsx', main], { encoding: 'utf8', timeout: 60_000 });
    const r = JSON.parse(out);
    expect(r.during).toEqual(['long', 'handled hello']);
    expect(r.after).toEqual(['short', 'handled hi']);
    expect(r.lines).toEqual(['app.mjs_parse: text=hello limit=3', expect.stringMatching(/^handler: arg0=\d+$/)]);
    expect(r.err).toMatch(/export 'version' of .*app\.mjs was not named/);
  });
});

describe('the seed benchmark', () => {
  it('produces every row and the interfaces.md JSON shape', async () => {
    const { tracer, engines } = await traceSetup('auto', 1024);
    const r = runTraceBench({ tracer, engines, events: 2000, runs: 1, warmup: 100 });
    expect(r.rows.map((x) => x.name)).toEqual([
      'no tracing',
      'tracing every event',
      `filter string '${BENCH_FILTER}' (predicates)`,
      ...engines.map((e) => `bpf filter (${e})`),
    ]);
    expect(r.tenConditions.rows).toHaveLength(2 + engines.length);
    expect(r.tenConditions.filter).toBe(TEN_CONDITIONS);
    const j = benchJson(r) as { events: number; rows: Array<Record<string, unknown>>; ratio: number; tenConditions: { rows: unknown[]; ratio: number } };
    expect(Object.keys(j)).toEqual(['events', 'rows', 'ratio', 'tenConditions']);
    expect(Object.keys(j.rows[0]!)).toEqual(['name', 'totalMs', 'nsPerEvent', 'overheadNsPerEvent']);
    expect(j.rows[0]!.overheadNsPerEvent).toBe(0);
    // The ratio is only meaningful in a full-size run: on 2,000 noisy events it may be anything.
    expect(typeof j.ratio).toBe("number");
    expect(Object.keys(j.tenConditions)).toEqual(['rows', 'ratio']);
  });
});
