/**
 * `X86Engine`: the `jit-x86_64` engine. It compiles only VerifiedPrograms (the checker's word
 * is what makes running them natively safe) into real x86-64 code run through koffi. Where
 * native code cannot run (another CPU or OS, koffi missing) {@link X86Engine.unavailable} says
 * why and `compile` throws that reason; choosing another engine is the runtime's job.
 */
import type { CompileOptions, Engine, NotSupportedError, VerifiedProgram, Vm } from '@ebpf/core';
import { ENGINE_NAME, compileNative, type X86Runnable } from './compile.js';
import { bufferAddress, nativeUnavailable } from './native/memory.js';

/** Options of an {@link X86Engine}. */
export interface X86EngineOptions {
  /** Blind immediates in every program this engine compiles (also per compile). */
  readonly blindConstants?: boolean;
  /** Inline `bpf_map_lookup_elem` on array maps (default true). */
  readonly inlineLookups?: boolean;
  /** Emit helpers that declare `HelperDef.inline` as native code instead of calls (default true). */
  readonly inlineHelpers?: boolean;
}

/** The native x86-64 JIT engine. */
export class X86Engine implements Engine {
  readonly name = ENGINE_NAME;

  constructor(private readonly options: X86EngineOptions = {}) {}

  /** Why native code cannot run here (not x86-64 Linux, koffi missing), or undefined. */
  unavailable(): NotSupportedError | undefined {
    return nativeUnavailable();
  }

  /**
   * The real address of the memory's buffer: with it as the VM's base, pointers in registers
   * are native addresses and memory accesses need no translation.
   * @throws {@link @ebpf/core!NotSupportedError} when native code cannot run here.
   */
  memoryBase(memory: WebAssembly.Memory): bigint {
    return bufferAddress(memory.buffer);
  }

  /**
   * Compiles a verified program to native code.
   * @throws {@link @ebpf/core!NotSupportedError} when native code cannot run here or the program uses an
   * instruction this JIT does not compile.
   */
  compile(program: VerifiedProgram, vm: Vm, options: CompileOptions = {}): X86Runnable {
    const why = this.unavailable();
    if (why) throw why;
    return compileNative(
      {
        lowered: program.lowered,
        funcStarts: program.funcs.length > 0 ? program.funcs.map((f) => f.start) : [0],
        helpers: program.helpers,
        maps: program.maps,
        name: program.spec.name,
      },
      vm,
      {
        blindConstants: options.blindConstants ?? this.options.blindConstants ?? false,
        inlineLookups: this.options.inlineLookups ?? true,
        inlineHelpers: this.options.inlineHelpers ?? true,
      },
    );
  }
}
