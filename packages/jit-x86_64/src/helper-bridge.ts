/**
 * The JS side of helper calls from native code. Generated code writes r1..r5 into the VM's
 * argument block and the helper id and slot into the program's data words, then calls one FFI
 * callback (without arguments: cheaper to cross); this bridge runs the helper,
 * puts its result in the block's r0 slot and answers "continue" or "end the run now". Errors are
 * caught and recorded (an exception must never cross the native frames); the runnable throws
 * them once native code has returned. Tail calls and uBPF's unwind extension end the run with the
 * r0 slot as the result. Pure JS: the callback itself is made in `native/call.ts`.
 */
import { VmError, type HelperDef, type HelperEnv, type Vm } from '@ebpf/core';
import { DATA } from './codegen.js';

/** Trampoline answers: what native code does after the call. */
export const BridgeStatus = {
  /** Go on: r0 = the argument block's r0 slot. */
  CONTINUE: 0,
  /** End the run now and return the r0 slot (tail call taken, unwind), or fail (error recorded). */
  END: 1,
} as const;

/** Linux's `bpf_tail_call` helper id: engines perform it through `vm.tailCall`. */
export const TAIL_CALL_HELPER = 12;

/** Runs helpers for one compiled program. */
export class HelperBridge {
  /** The error of the current run, when a helper failed. */
  error: VmError | undefined;
  private readonly byId: Array<HelperDef | undefined> = [];

  /**
   * @param words the program's data words (see `DATA` in codegen.ts), where native code leaves
   * the helper id and slot before calling the trampoline.
   */
  constructor(
    private readonly vm: Vm,
    helpers: ReadonlyMap<number, HelperDef>,
    private readonly env: HelperEnv,
    private readonly words: Uint32Array,
  ) {
    for (const [id, def] of helpers) this.byId[id] = def;
  }

  /** The trampoline handler: reads (id, slot) from the data words, returns a status. Never throws. */
  readonly handle = (): number => {
    const w = this.words;
    const id = w[DATA.HELPER_ID >> 2]!;
    const slot = w[DATA.HELPER_SLOT >> 2]!;
    const def = w[(DATA.HELPER_ID >> 2) + 1] === 0 ? this.byId[id] : undefined;
    if (def === undefined) {
      const full = (BigInt(w[(DATA.HELPER_ID >> 2) + 1]!) << 32n) | BigInt(id);
      this.error = new VmError('VM_FAULT', `call to helper ${full}, which is not a helper this program may call`, slot);
      return BridgeStatus.END;
    }
    const args = this.vm.args;
    try {
      if (def.id === TAIL_CALL_HELPER && def.name === 'bpf_tail_call') {
        const index = args.hi(3) === 0 ? args.u32(3) : 0xffffffff;
        const r = this.vm.tailCall(args.num(2), index, args.num(1));
        args.set(0, r.r0);
        return r.taken ? BridgeStatus.END : BridgeStatus.CONTINUE;
      }
      args.set(0, def.impl(args, this.env));
      if (def.unwindOnZero === true && args.u32(0) === 0 && args.hi(0) === 0) return BridgeStatus.END;
      return BridgeStatus.CONTINUE;
    } catch (e) {
      this.error = new VmError('HELPER', `helper ${def.name} failed: ${e instanceof Error ? e.message : String(e)}`, slot, { cause: e });
      return BridgeStatus.END;
    }
  };

  /** Takes (and clears) the recorded error. */
  takeError(): VmError | undefined {
    const e = this.error;
    this.error = undefined;
    return e;
  }
}
