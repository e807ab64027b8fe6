/**
 * Shared by `ebpf conformance` and `ebpf conformance-plugin`: turns the engine options into
 * run options for `runConformanceProgram` — no engine: interpret unverified; an engine: check
 * with the `conformance` subsystem first, then compile with that engine (never a fallback).
 */
import { check } from '@ebpf/core';
import type { ConformanceRunOptions } from '@ebpf/interp';
import { loadEngine } from './engines.js';

/**
 * Run options for `engine` (undefined = interpret unverified). `report` receives what `auto`
 * chose.
 * @throws {@link @ebpf/core!NotSupportedError} for an unknown engine or one that cannot run here.
 */
export async function conformanceRunOptions(engine: string | undefined, report?: (line: string) => void): Promise<ConformanceRunOptions> {
  if (engine === undefined) return {};
  return {
    engine: await loadEngine(engine, report),
    checker: (spec, subsystem) => check(spec, subsystem, []),
  };
}
