/**
 * The engine contract: compile a VerifiedProgram against a VM into a Runnable.
 * Engines: `interp`, `jit-wasm`, `jit-x86_64`; `auto` is the runtime's choice.
 */
import type { NotSupportedError } from '../errors.js';
import type { VerifiedProgram } from '../check/verified.js';
import type { Vm } from '../runtime/vm.js';

/** Names of the built-in engines. */
export const ENGINE_NAMES = ['interp', 'jit-wasm', 'jit-x86_64'] as const;
/** A built-in engine name. */
export type EngineName = (typeof ENGINE_NAMES)[number];
/** An engine name or `auto`. */
export type EngineChoice = EngineName | 'auto';

/** Options for {@link Engine.compile}. */
export interface CompileOptions {
  /** Instruction budget per run (interpreter; guards unverified use). */
  readonly budget?: number;
  /** Blind constants in generated native code (jit-x86_64). */
  readonly blindConstants?: boolean;
}

/** A compiled program ready to run. Not re-entrant: one run at a time per VM. */
export interface Runnable {
  /** The engine that compiled it. */
  readonly engine: string;
  /**
   * Runs once with r1 and r2 set (r1 is usually the context address). Returns r0 as an unsigned
   * 64-bit integer.
   * @throws {@link VmError} when the run faults or a helper throws (the VM stays usable).
   */
  run(r1?: bigint | number, r2?: bigint | number): bigint;
  /**
   * Fast path for filters: r1/r2 as Numbers (addresses and lengths below 2^53), returns the low
   * 32 bits of r0 as an unsigned Number. Same errors as {@link run}.
   */
  runLow32(r1: number, r2: number): number;
  /** Frees what compile allocated (native code, modules). */
  dispose(): void;
}

/** An execution engine. */
export interface Engine {
  readonly name: EngineName | string;
  /** Undefined when the engine can run here, else why not. */
  unavailable(): NotSupportedError | undefined;
  /**
   * The base address the VM memory must use for this engine (a native engine returns the real
   * address of the memory's buffer). Undefined: any base works.
   */
  memoryBase?(memory: WebAssembly.Memory): bigint;
  /**
   * Compiles a verified program for `vm`.
   * @throws {@link NotSupportedError} when the engine cannot run here.
   */
  compile(program: VerifiedProgram, vm: Vm, options?: CompileOptions): Runnable;
}
