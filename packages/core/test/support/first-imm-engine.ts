/**
 * A test engine for wiring tests (runtime, harnesses): the programs it compiles return the
 * immediate of their first instruction (`mov %r0, 7` → 7), which tells programs apart without
 * executing them. Real execution is tested with the real engines.
 */
import type { VerifiedProgram } from '../../src/check/verified.js';
import type { Engine, Runnable } from '../../src/engine/engine.js';
import { NotSupportedError } from '../../src/errors.js';
import type { Vm } from '../../src/runtime/vm.js';

/** See the file header. */
export class FirstImmEngine implements Engine {
  compiled: VerifiedProgram[] = [];
  disposed = 0;
  constructor(
    readonly name: string,
    private readonly why?: string,
    readonly memoryBase?: (m: WebAssembly.Memory) => bigint,
  ) {}
  unavailable() {
    return this.why ? new NotSupportedError(this.why) : undefined;
  }
  compile(program: VerifiedProgram, _vm: Vm): Runnable {
    this.compiled.push(program);
    const r0 = BigInt(program.lowered.imm[0]!);
    return {
      engine: this.name,
      run: () => r0,
      runLow32: () => Number(r0 & 0xffffffffn),
      dispose: () => void this.disposed++,
    };
  }
}
