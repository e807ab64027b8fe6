/**
 * The engines the CLI can run, by name: one line per engine package. Each entry loads its
 * package on demand, so a command that never names an engine never loads it. `auto` picks among
 * the loaded ones with the runtime's rule (`chooseEngine` in @ebpf/core). Add a JIT here.
 */
import { NotSupportedError, chooseEngine, type Engine } from '@ebpf/core';
import { usage } from '../exit.js';

/** One engine the CLI knows. */
export interface EngineEntry {
  /** Registry name (`interp`, `jit-wasm`, `jit-x86_64`). */
  readonly name: string;
  /** Loads the engine's package and makes the engine. */
  readonly load: () => Promise<Engine>;
}

/** Every engine the CLI knows, in the order they are listed and benchmarked. */
export const ENGINE_ENTRIES: readonly EngineEntry[] = [
  { name: 'interp', load: async () => new (await import('@ebpf/interp')).InterpEngine() },
  { name: 'jit-wasm', load: async () => new (await import('@ebpf/jit-wasm')).WasmEngine() },
  { name: 'jit-x86_64', load: async () => new (await import('@ebpf/jit-x86_64')).X86Engine() },
];

/** Names accepted by `--engine` (plus `auto`). */
export function engineNames(): string[] {
  return ENGINE_ENTRIES.map((e) => e.name);
}

/**
 * The engine called `name`, loaded and able to run here; `auto` picks one and says which on
 * `report`. A named engine never falls back to another.
 * @throws {@link CliExit} (2) for an unknown name; {@link @ebpf/core!NotSupportedError} for an engine that
 * cannot run here (exit 1).
 */
export async function loadEngine(name: string, report: (line: string) => void = () => {}): Promise<Engine> {
  if (name === 'auto') {
    const loaded = new Map<string, Engine>();
    for (const e of ENGINE_ENTRIES) {
      try {
        loaded.set(e.name, await e.load());
      } catch {
        // An engine whose package cannot load is simply not a candidate.
      }
    }
    const choice = chooseEngine((n) => loaded.get(n));
    report(choice.reason);
    return choice.engine;
  }
  const entry = ENGINE_ENTRIES.find((e) => e.name === name);
  if (!entry) usage(`unknown engine '${name}' (known: ${[...engineNames(), 'auto'].join(', ')})`);
  const engine = await entry.load();
  const why = engine.unavailable();
  if (why) throw new NotSupportedError(`engine '${name}' cannot run here: ${why.message}`, { cause: why });
  return engine;
}
