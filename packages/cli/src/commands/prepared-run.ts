/**
 * Prepares a program for `ebpf run` and `ebpf bench`: one call of `run()` per execution, with
 * everything else (engine choice, checking, compiling, memory layout) done once up front.
 * Raw memory mode (`--mem`, or no input): r1 = the memory's address, r2 = its length, the
 * `conformance` subsystem's helpers; the interpreter runs a program without maps unverified
 * (bounds checks and budget guard it); every other case goes through a Runtime, which creates
 * the program's maps in its VM, checks and compiles. Context mode (`--ctx`): the Runtime loads
 * it for the subsystem named, and r1 = a context buffer holding the file's bytes.
 */
import {
  DEFAULT_VM_MEMORY,
  Runtime,
  Vm,
  createContainer,
  lower,
  registerEngine,
  type ProgramSpec,
} from '@ebpf/core';
import { CONFORMANCE_HELPERS, conformanceSubsystem } from '@ebpf/core/testing';
import { Interpreter } from '@ebpf/interp';
import { usage } from '../exit.js';
import { ENGINE_ENTRIES, loadEngine } from './engines.js';
import { SUBSYSTEM_ENTRIES } from './subsystems.js';

/** A program ready to run repeatedly. */
export interface PreparedRun {
  /** The engine that runs it (resolved: never `auto`). */
  readonly engine: string;
  /** Runs once; returns r0, unsigned. */
  run(): bigint;
  /** Instructions executed by the last run, when the engine counts them (the interpreter). */
  steps(): number | undefined;
  /** Frees what preparing allocated. */
  dispose(): void;
}

/** What to run the program on. */
export interface RunInput {
  /** Engine name or `auto`. */
  readonly engine: string;
  /** Raw memory (r1 = its address, r2 = its length). */
  readonly mem?: Uint8Array;
  /** Context bytes for `subsystem`. */
  readonly ctx?: Uint8Array;
  /** Subsystem of context mode (default: the program's own hint, `trace` for seed images). */
  readonly subsystem?: string;
  /** Where `auto` reports its choice. */
  readonly report?: (line: string) => void;
}

/**
 * Prepares `spec` for repeated runs.
 * @throws {@link @ebpf/core!CheckerError} when the checker rejects it; {@link @ebpf/core!NotSupportedError} for an
 * engine that cannot run here; {@link CliExit} (2) for an unknown subsystem.
 */
export async function prepareRun(spec: ProgramSpec, input: RunInput): Promise<PreparedRun> {
  return input.ctx !== undefined ? prepareContextRun(spec, input, input.ctx) : prepareMemoryRun(spec, input, input.mem ?? new Uint8Array(0));
}

async function prepareMemoryRun(spec: ProgramSpec, input: RunInput, mem: Uint8Array): Promise<PreparedRun> {
  const engine = await loadEngine(input.engine, input.report);
  if (engine.name === 'interp' && spec.maps.length === 0) {
    // Unverified, as bpf_conformance runs its interpreter: no maps to resolve, so no checker.
    const size = Math.max(1 << 20, mem.length * 2 + (1 << 20));
    const vm = new Vm({ size });
    const region = vm.mem.alloc(mem.length, { kind: 'context', name: 'memory' });
    vm.mem.bytes.set(mem, region.offset);
    const r1 = region.address;
    const r2 = BigInt(mem.length);
    const it = new Interpreter(vm, lower(spec.insns), { helpers: CONFORMANCE_HELPERS, name: spec.name });
    return { engine: 'interp', run: () => it.run(r1, r2), steps: () => it.steps, dispose: () => {} };
  }
  // The Runtime creates the program's maps in its VM (lddw map_fd / map_value then resolve),
  // checks against the conformance subsystem and compiles, as in context mode.
  const container = createContainer();
  registerEngine(container, engine);
  const runtime = new Runtime({ container, memorySize: DEFAULT_VM_MEMORY + mem.length * 2 });
  try {
    const loaded = runtime.load(spec, { subsystem: conformanceSubsystem(mem.length), engine: engine.name });
    const region = runtime.vm.mem.alloc(mem.length, { kind: 'context', name: 'memory' });
    runtime.vm.mem.bytes.set(mem, region.offset);
    const r1 = region.address;
    const r2 = BigInt(mem.length);
    const runnable = loaded.runnable;
    const counted = runnable as Partial<{ steps: number }>;
    return {
      engine: loaded.engine,
      run: () => runnable.run(r1, r2),
      steps: () => (typeof counted.steps === 'number' ? counted.steps : undefined),
      dispose: () => runtime.dispose(),
    };
  } catch (e) {
    runtime.dispose();
    throw e;
  }
}

async function prepareContextRun(spec: ProgramSpec, input: RunInput, ctx: Uint8Array): Promise<PreparedRun> {
  const name = input.subsystem ?? spec.subsystemHint ?? (spec.dialect === 'seed' ? 'trace' : undefined);
  if (name === undefined) usage(`--ctx needs --subsystem NAME for ${spec.name} (known: ${SUBSYSTEM_ENTRIES.map((s) => s.name).join(', ')})`);
  const entry = SUBSYSTEM_ENTRIES.find((s) => s.name === name);
  if (!entry) usage(`unknown subsystem '${name}' (known: ${SUBSYSTEM_ENTRIES.map((s) => s.name).join(', ')})`);
  const container = createContainer();
  await entry.register(container);
  if (input.engine === 'auto') {
    for (const e of ENGINE_ENTRIES) {
      try {
        registerEngine(container, await e.load());
      } catch {
        // Not a candidate for auto.
      }
    }
  } else {
    registerEngine(container, await loadEngine(input.engine));
  }
  const runtime = new Runtime({ container });
  const loaded = runtime.load(spec, { subsystem: name, engine: input.engine });
  if (input.engine === 'auto') input.report?.(loaded.engineReason);
  const size = Math.max(ctx.length, loaded.subsystem.context.size);
  const region = runtime.vm.mem.alloc(size, { kind: 'context', name: `${name} context` });
  runtime.vm.mem.bytes.set(ctx.subarray(0, size), region.offset);
  const r1 = region.address;
  const interp = loaded.runnable as Partial<{ steps: number }>;
  return {
    engine: loaded.engine,
    run: () => loaded.run(r1),
    steps: () => (typeof interp.steps === 'number' ? interp.steps : undefined),
    dispose: () => runtime.dispose(),
  };
}
