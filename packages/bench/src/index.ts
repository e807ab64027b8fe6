/**
 * `@ebpf/bench` (internal): the benchmark programs, their JS baselines, the engine list and the
 * runner behind `pnpm bench`.
 * @packageDocumentation
 */
export { BENCH_PROGRAMS, type BenchProgram } from './programs.js';
export { BENCH_ENGINES, type BenchEngineEntry } from './engines.js';
export { runBench, type BenchReport, type BenchRow, type EngineResult, type RunBenchOptions } from './run-bench.js';
export { formatTable } from './table.js';
export { measure, type Measurement, type MeasureOptions } from './measure.js';
export { compareRegisterRepresentations } from './registers.js';
export { benchMain } from './cli.js';
