/**
 * The engines `pnpm bench` measures: one line per engine. An engine whose package fails to load
 * or that cannot run here simply has no column. JIT engines get each program checked with the
 * `conformance` subsystem first; a program the checker refuses shows the reason instead of a
 * figure. The interpreter runs programs unverified (same speed: the budget check is per jump).
 */
import type { Engine } from '@ebpf/core';

/** One engine column of the benchmark table. */
export interface BenchEngineEntry {
  /** Column name (the engine's registry name). */
  readonly name: string;
  /** Loads the package and makes the engine. */
  readonly load: () => Promise<Engine>;
}

/** The engines measured, in column order. Add a JIT here. */
export const BENCH_ENGINES: readonly BenchEngineEntry[] = [
  { name: 'interp', load: async () => new (await import('@ebpf/interp')).InterpEngine() },
  { name: 'jit-wasm', load: async () => new (await import('@ebpf/jit-wasm')).WasmEngine() },
  { name: 'jit-x86_64', load: async () => new (await import('@ebpf/jit-x86_64')).X86Engine() },
];
