/**
 * Crossing the native boundary through koffi (with `memory.ts`, the only FFI user): calling
 * generated code through a function pointer, and the helper trampoline native code calls back
 * into JS with. What a helper call means (argument block, error recording) is the engine's.
 */
import { EbpfError } from '@ebpf/core';
import { ffi, type Koffi } from './memory.js';

/** Calls generated code (arguments are in memory: no FFI conversion); r0 out (Number when exact, else BigInt). */
export type NativeEntry = () => number | bigint;
/** Calls generated code and keeps only the low 32 bits of r0. */
export type NativeEntry32 = () => number;

/**
 * The helper trampoline's JS side (no arguments: the caller leaves what it needs in memory);
 * returns 0 to continue, non-zero to end the run.
 */
export type TrampolineHandler = () => number;

type TypeObject = ReturnType<Koffi['proto']>;
let types: { entry: TypeObject; entry32: TypeObject; helper: TypeObject } | undefined;

function protos(): { entry: TypeObject; entry32: TypeObject; helper: TypeObject } {
  if (!types) {
    const k = ffi();
    types = {
      entry: k.proto('uint64_t ebpf_jit_entry(void)'),
      entry32: k.proto('uint32_t ebpf_jit_entry32(void)'),
      helper: k.pointer(k.proto('int32_t ebpf_jit_helper(void)')),
    };
  }
  return types;
}

/**
 * JS functions that call the System V function `uint64_t f(void)` at `address` (generated code's
 * argument-less entry: an FFI call without arguments costs about half as much).
 */
export function nativeEntry(address: bigint): { run: NativeEntry; run32: NativeEntry32 } {
  const k = ffi();
  const t = protos();
  return {
    run: k.decode(address, t.entry) as NativeEntry,
    run32: k.decode(address, t.entry32) as NativeEntry32,
  };
}

/** A registered FFI callback: a native function pointer that runs a JS handler. */
export class HelperTrampoline {
  /** Native address of `int32_t f(void)`. */
  readonly address: bigint;
  private handle: bigint | undefined;

  /** @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) when koffi has no callback slot left. */
  constructor(handler: TrampolineHandler) {
    const k = ffi();
    try {
      this.handle = k.register(handler, protos().helper);
    } catch (e) {
      throw new EbpfError('RUNTIME', `jit-x86_64: cannot register the helper trampoline (koffi allows 8192 live callbacks; dispose programs you no longer run): ${(e as Error).message}`, { cause: e });
    }
    this.address = this.handle;
  }

  /** Releases the callback slot (koffi has 8192). Idempotent. */
  dispose(): void {
    if (this.handle === undefined) return;
    ffi().unregister(this.handle);
    this.handle = undefined;
  }
}
