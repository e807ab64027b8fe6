/**
 * The engines a differential run compares: the interpreter (the oracle, always first), jit-wasm,
 * and jit-x86_64 where native code can run here. An engine that cannot run is left out with
 * its reason, so callers can report what was skipped.
 */
import type { Engine } from '@ebpf/core';
import { InterpEngine } from '@ebpf/interp';
import { WasmEngine } from '@ebpf/jit-wasm';
import { X86Engine } from '@ebpf/jit-x86_64';

/** Engines available here (oracle first) and those left out, with why. */
export function differentialEngines(): { engines: Array<{ name: string; engine: Engine }>; skipped: Array<{ name: string; reason: string }> } {
  const all: Engine[] = [new InterpEngine(), new WasmEngine(), new X86Engine()];
  const engines: Array<{ name: string; engine: Engine }> = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const engine of all) {
    const why = engine.unavailable();
    if (why) skipped.push({ name: engine.name, reason: why.message });
    else engines.push({ name: engine.name, engine });
  }
  return { engines, skipped };
}
