/**
 * The JS side of the module's imports: helper thunks (run the helper on the VM's argument
 * block, write r0 back), the two helpers that may end a run — uBPF's unwind extension and
 * `bpf_tail_call` through the VM's tail-call protocol (docs/runtime.md) — plus `callx` and the
 * `fault` import. Which imports a module has is `codegen.ts`'s decision.
 */
import { VmError, type HelperDef, type HelperEnv, type Vm } from '@ebpf/core';
import { Fault } from './codegen/emitter.js';

/** Linux's helper id of `bpf_tail_call`. */
export const TAIL_CALL_ID = 12;

/** True when `def`, called as helper `id`, follows the tail-call protocol. */
export function isTailCall(id: number, def: HelperDef): boolean {
  return id === TAIL_CALL_ID && def.name === 'bpf_tail_call';
}

/** True when calling `def` as helper `id` may end the run (its import returns an i32). */
export function stopsRun(id: number, def: HelperDef): boolean {
  return def.unwindOnZero === true || isTailCall(id, def);
}

/** Thrown out of a subprogram when a helper ended the run; the engine returns `r0`. */
export class RunExit {
  /** @param r0 the run's result, unsigned. */
  constructor(readonly r0: bigint) {}
}

/** Runs `def` on the argument block (r1..r5 already stored); r0 goes to slot 0. */
export function callHelper(def: HelperDef, env: HelperEnv, pc: number): void {
  const args = env.vm.args;
  let r: number | bigint;
  try {
    r = def.impl(args, env);
  } catch (e) {
    throw new VmError('HELPER', `helper ${def.name} failed: ${e instanceof Error ? e.message : String(e)}`, pc, { cause: e });
  }
  args.set(0, r ?? 0);
}

/** `bpf_tail_call(r1 ctx, r2 prog_array, r3 index)`; returns 1 when taken (the run ends). */
function tailCall(env: HelperEnv, pc: number): number {
  const args = env.vm.args;
  const index = args.hi(3) === 0 ? args.u32(3) : 0xffffffff;
  let result;
  try {
    result = env.vm.tailCall(args.num(2), index, args.u64(1));
  } catch (e) {
    throw new VmError('HELPER', `bpf_tail_call: ${e instanceof Error ? e.message : String(e)}`, pc, { cause: e });
  }
  args.set(0, result.r0);
  return result.taken ? 1 : 0;
}

/**
 * Calls `def` as helper `id` and says whether the run ends: 1 for a taken tail call or an
 * unwinding helper that returned 0, else 0.
 */
function callStopping(id: number, def: HelperDef, env: HelperEnv, pc: number): number {
  if (isTailCall(id, def)) return tailCall(env, pc);
  callHelper(def, env, pc);
  const args = env.vm.args;
  return def.unwindOnZero === true && args.u32(0) === 0 && args.hi(0) === 0 ? 1 : 0;
}

/**
 * The import for helper `id`: `(pc) => void`, or `(pc) => i32` when it may end the run. A call
 * to an id the program may not call (a branch the checker proved dead) faults if ever run.
 */
export function helperImport(id: number, def: HelperDef | undefined, env: HelperEnv): (pc: number) => void | number {
  if (!def) {
    return (pc: number) => {
      throw new VmError('VM_FAULT', `call to helper ${id}, which is not a helper this program may call`, pc);
    };
  }
  if (stopsRun(id, def)) return (pc: number) => callStopping(id, def, env, pc);
  return (pc: number) => callHelper(def, env, pc);
}

/** The `callx` import: `(id as f64, pc) => i32` (1: the run ends). */
export function callxImport(helpers: ReadonlyMap<number, HelperDef>, env: HelperEnv): (id: number, pc: number) => number {
  return (id: number, pc: number): number => {
    const def = Number.isInteger(id) ? helpers.get(id) : undefined;
    if (!def) throw new VmError('VM_FAULT', `callx to 0x${id.toString(16)}, which is not a helper this program may call`, pc);
    return callStopping(id, def, env, pc);
  };
}

/** The `fault` import: throws the error for `code` (or the {@link RunExit} marker). */
export function faultImport(vm: Vm): (code: number, pc: number) => never {
  return (code: number, pc: number): never => {
    if (code === Fault.EXIT_RUN) throw new RunExit(vm.args.u64(0));
    if (code === Fault.CALL_DEPTH) throw new VmError('VM_FAULT', `call depth exceeds ${vm.maxCallFrames} frames`, pc);
    throw new VmError('VM_FAULT', `fault ${code}`, pc);
  };
}
