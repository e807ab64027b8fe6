/**
 * `WasmEngine` (engine name `jit-wasm`): compiles a VerifiedProgram to a wasm module over the
 * VM's own `WebAssembly.Memory`, instantiates it synchronously, and wraps the exported entry
 * points as a Runnable. Helpers become imported JS functions; a helper that throws, or a wasm
 * trap, ends the run with a VmError and leaves the VM usable. Code generation is `codegen.ts`'s.
 */
import {
  NotSupportedError,
  VmError,
  EbpfError,
  type BpfMap,
  type CompileOptions,
  type Engine,
  type HelperDef,
  type HelperEnv,
  type HelperInline,
  type LoweredProgram,
  type Runnable,
  type VerifiedProgram,
  type Vm,
} from '@ebpf/core';
import { generateModule, IMPORTS, findFuncs, type FuncRange, type GeneratedModule, type VmLayout } from './codegen.js';
import { callxImport, faultImport, helperImport, RunExit, stopsRun } from './helpers.js';

/** The engine's registry name. */
export const WASM_ENGINE_NAME = 'jit-wasm';

/** Options of the wasm engine beyond the core's `CompileOptions`. */
export interface WasmCompileOptions extends CompileOptions {
  /** Use the dispatch loop for every function instead of structured control flow (testing). */
  readonly forceDispatch?: boolean;
  /** Inline `bpf_map_lookup_elem` on array maps (default true). */
  readonly inlineLookups?: boolean;
  /** Emit helpers that declare `HelperDef.inline` as wasm code instead of calls (default true). */
  readonly inlineHelpers?: boolean;
}

/** A program compiled by {@link WasmEngine}. */
export interface WasmRunnable extends Runnable {
  /** Code generation figures (functions, dispatch-loop fallbacks, nesting depth). */
  readonly stats: GeneratedModule['stats'];
  /** The module's bytes (for `ebpf disasm --jited`-style inspection and tests). */
  readonly wasm: Uint8Array;
}

/** Compiles verified programs to WebAssembly. */
export class WasmEngine implements Engine {
  /** `jit-wasm`. */
  readonly name = WASM_ENGINE_NAME;

  /** Undefined when WebAssembly is available here, else why not. */
  unavailable(): NotSupportedError | undefined {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') {
      return new NotSupportedError('jit-wasm: this JavaScript host has no WebAssembly');
    }
    return undefined;
  }

  /**
   * Compiles `program` for `vm`.
   * @throws `NotSupportedError` when WebAssembly is missing or the program uses something this
   * engine cannot run (kfunc calls, legacy packet loads).
   */
  compile(program: VerifiedProgram, vm: Vm, options: WasmCompileOptions = {}): WasmRunnable {
    const why = this.unavailable();
    if (why) throw why;
    return compileLowered(vm, program.lowered, {
      funcs: program.funcs,
      helpers: program.helpers,
      maps: program.maps,
      name: program.spec.name,
      ...(options.forceDispatch !== undefined ? { forceDispatch: options.forceDispatch } : {}),
      ...(options.inlineLookups !== undefined ? { inlineLookups: options.inlineLookups } : {}),
      ...(options.inlineHelpers !== undefined ? { inlineHelpers: options.inlineHelpers } : {}),
    });
  }
}

/** Inputs of {@link compileLowered} besides the program. */
export interface LoweredCompileInput {
  /** Use the dispatch loop for every function (tests compare it with structured code). */
  readonly forceDispatch?: boolean;
  /** Function ranges, main first; derived from local calls when absent. */
  readonly funcs?: readonly FuncRange[];
  /** Helpers by id (direct calls and callx targets). */
  readonly helpers?: ReadonlyMap<number, HelperDef>;
  /** The program's maps (what helpers see). */
  readonly maps?: readonly BpfMap[];
  /** Program name for helpers and messages. */
  readonly name?: string;
  /** Inline `bpf_map_lookup_elem` on array maps (default true). */
  readonly inlineLookups?: boolean;
  /** Emit helpers that declare `HelperDef.inline` as wasm code instead of calls (default true). */
  readonly inlineHelpers?: boolean;
}

/** The layout of `vm` as the code generator needs it. */
export function vmLayout(vm: Vm): VmLayout {
  return {
    base: vm.mem.baseNumber,
    stackTopOffset: vm.stackTopOffset,
    stackBottomOffset: vm.stack.offset,
    argsOffset: vm.argsRegion.offset,
    memoryPages: vm.mem.size / 65536,
  };
}

/**
 * Compiles a lowered (resolved) program without the checker's seal. The engine's own entry is
 * {@link WasmEngine.compile}; this exists for tests and the differential fuzzer, which feed
 * generated programs whose safety they establish themselves.
 * @internal
 */
export function compileLowered(vm: Vm, p: LoweredProgram, input: LoweredCompileInput = {}): WasmRunnable {
  const funcs = input.funcs && input.funcs.length > 0 ? input.funcs : findFuncs(p);
  const helpers = input.helpers ?? new Map<number, HelperDef>();
  const hasLocalCalls = funcs.length > 1;
  if (hasLocalCalls && vm.maxCallFrames < 2) {
    throw new NotSupportedError(`jit-wasm: program ${input.name ?? 'prog'} makes local calls but the VM has one stack frame`);
  }
  const stoppingHelpers = new Set<number>();
  for (const [id, def] of helpers) if (stopsRun(id, def)) stoppingHelpers.add(id);
  const inlineLookups = new Set<number>();
  if (input.inlineLookups !== false) {
    for (const [id, def] of helpers) if (def.name === 'bpf_map_lookup_elem' && !stoppingHelpers.has(id)) inlineLookups.add(id);
  }
  const inlineHelpers = new Map<number, HelperInline>();
  if (input.inlineHelpers !== false) {
    for (const [id, def] of helpers) if (def.inline !== undefined && !stoppingHelpers.has(id)) inlineHelpers.set(id, def.inline);
  }
  const gen = generateModule(p, funcs, vmLayout(vm), { forceDispatch: input.forceDispatch ?? false, stoppingHelpers, inlineLookups, inlineHelpers });
  const env: HelperEnv = { vm, maps: input.maps ?? [], program: input.name ?? 'prog' };

  const helperImports: Record<string, (pc: number) => void | number> = {};
  for (const id of gen.helperIds) helperImports[String(id)] = helperImport(id, helpers.get(id), env);
  const envImports = {
    [IMPORTS.memory]: vm.mem.memory,
    [IMPORTS.fault]: faultImport(vm),
    [IMPORTS.callx]: callxImport(helpers, env),
  };

  let module: WebAssembly.Module;
  let instance: WebAssembly.Instance;
  try {
    module = new WebAssembly.Module(gen.bytes as BufferSource);
    instance = new WebAssembly.Instance(module, { [IMPORTS.module]: envImports, [IMPORTS.helperModule]: helperImports });
  } catch (e) {
    throw new EbpfError('RUNTIME', `jit-wasm: the generated module for ${input.name ?? 'prog'} did not compile: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const run64 = instance.exports['run'] as (r1: bigint, r2: bigint) => bigint;
  const run32 = instance.exports['run32'] as (r1: number, r2: number) => number;
  const runF = instance.exports['runF'] as (r1: number, r2: number) => number;
  const args = vm.args;

  let disposed = false;
  const runnable: WasmRunnable = {
    engine: WASM_ENGINE_NAME,
    stats: gen.stats,
    wasm: gen.bytes,
    run(r1: bigint | number = 0n, r2: bigint | number = 0n): bigint {
      if (disposed) throw new EbpfError('RUNTIME', 'jit-wasm: program was disposed');
      try {
        if (typeof r1 === 'number' && typeof r2 === 'number' && Number.isSafeInteger(r1) && Number.isSafeInteger(r2)) {
          // No BigInt going in; one coming out (from the argument block when r0 ≥ 2^53).
          const x = runF(r1, r2);
          // Filters mostly return 0 or 1: constants, no allocation.
          return x === 0 ? 0n : x === 1 ? 1n : x <= Number.MAX_SAFE_INTEGER ? BigInt(x) : args.u64(0);
        }
        return BigInt.asUintN(64, run64(toBigInt(r1), toBigInt(r2)));
      } catch (e) {
        if (e instanceof RunExit) return e.r0;
        throw runError(e);
      }
    },
    runLow32(r1: number, r2: number): number {
      if (disposed) throw new EbpfError('RUNTIME', 'jit-wasm: program was disposed');
      try {
        return run32(r1, r2);
      } catch (e) {
        if (e instanceof RunExit) return Number(e.r0 & 0xffffffffn);
        throw runError(e);
      }
    },
    dispose(): void {
      disposed = true;
    },
  };
  return runnable;
}

function toBigInt(v: bigint | number): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** A run's exception as the caller sees it: our errors pass, wasm traps become VM faults. */
function runError(e: unknown): unknown {
  if (EbpfError.is(e)) return e;
  if (e instanceof WebAssembly.RuntimeError) return new VmError('VM_FAULT', `jit-wasm: ${e.message}`, -1, { cause: e });
  if (e instanceof RangeError) return new VmError('VM_FAULT', `jit-wasm: ${e.message}`, -1, { cause: e });
  return e;
}
