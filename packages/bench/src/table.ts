/**
 * Formats a {@link BenchReport} as a plain-text table: one row per program, the JS baseline and
 * one column per engine with ns/run, ns/insn and the ratio to JS.
 */
import type { BenchReport } from './run-bench.js';

const fmt = (n: number, digits = 1) => (n >= 100 ? n.toFixed(0) : n.toFixed(digits));

/** The report as lines of text. */
export function formatTable(report: BenchReport): string[] {
  const header = ['program', 'insns', 'js ns/run', ...report.engines.map((e) => `${e} ns/run (ns/insn, x js)`)];
  const rows = report.rows.map((r) => [
    r.program,
    String(r.insns),
    fmt(r.js.nsPerRun),
    ...report.engines.map((e) => {
      const x = r.engines[e];
      if (!x) return '-';
      if ('skipped' in x) return `- (${x.skipped.slice(0, 60)})`;
      return `${fmt(x.nsPerRun)} (${fmt(x.nsPerInsn, 2)}, x${fmt(x.vsJs, 1)})${x.correct ? '' : ' WRONG r0 ' + x.r0}`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `node ${report.node}; ns/insn = ns/run / instructions executed (counted by the interpreter); x js = ns/run / the hand-written JS function's ns/run`];
}
