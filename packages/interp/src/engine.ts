/**
 * InterpEngine: the `interp` engine. Compiling is pre-decoding a VerifiedProgram's lowered form
 * into an {@link Interpreter}; it runs everywhere (no native code, no wasm), so it is always
 * available. Choosing between engines is the runtime's job.
 */
import type { CompileOptions, Engine, NotSupportedError, Runnable, VerifiedProgram, Vm } from '@ebpf/core';
import { Interpreter } from './interpreter.js';

/** A program compiled by {@link InterpEngine}: a thin wrapper over its {@link Interpreter}. */
export class InterpRunnable implements Runnable {
  readonly engine = 'interp';

  /** @param interpreter the interpreter holding the pre-decoded program. */
  constructor(readonly interpreter: Interpreter) {}

  /**
   * Runs once with r1, r2; returns r0, unsigned.
   * @throws `VmError` when the run faults, exhausts its budget or a helper throws.
   */
  run(r1?: bigint | number, r2?: bigint | number): bigint {
    return this.interpreter.run(r1, r2);
  }

  /** Runs once with Number arguments; returns the low 32 bits of r0, unsigned. Same errors. */
  runLow32(r1: number, r2: number): number {
    return this.interpreter.runLow32(r1, r2);
  }

  /** Instructions executed by the last run. */
  get steps(): number {
    return this.interpreter.steps;
  }

  /** Nothing to free: the program lives in the JS heap. */
  dispose(): void {
    // Nothing outside the JS heap to free.
  }
}

/** The interpreter engine (name `interp`). */
export class InterpEngine implements Engine {
  readonly name = 'interp';

  /** Always available: the interpreter is plain JavaScript. */
  unavailable(): NotSupportedError | undefined {
    return undefined;
  }

  /**
   * Pre-decodes `program` for `vm`. The instruction budget is off unless `options.budget` sets
   * one (the checker has proved the program terminates).
   */
  compile(program: VerifiedProgram, vm: Vm, options: CompileOptions = {}): InterpRunnable {
    return new InterpRunnable(
      new Interpreter(vm, program.lowered, {
        budget: options.budget ?? Infinity,
        helpers: program.helpers,
        maps: program.maps,
        name: program.spec.name,
      }),
    );
  }
}
