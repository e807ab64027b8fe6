/**
 * The subsystem differential programs run under: a 64-byte context readable and writable at
 * every naturally aligned offset and size, and helpers that record every call (id and r1..r5)
 * into a trace and return a value mixed from their arguments, so engines that pass arguments
 * or results differently disagree visibly. Comparing the traces is `harness.ts`'s job.
 */
import { SimpleSubsystem, type ContextField, type HelperArgs, type HelperDef } from '@ebpf/core';

/** Context size of differential programs. */
export const DIFF_CTX_SIZE = 64;

/** Helper ids the generator calls. */
export const DiffHelper = {
  /** Returns a 64-bit mix of r1..r5 (a BigInt). */
  MIX: 1,
  /** Returns a small negative Number derived from r1. */
  NEG: 2,
} as const;

/** One recorded helper call. */
export interface HelperCall {
  readonly id: number;
  readonly args: readonly bigint[];
}

/** The differential subsystem: context layout, recording helpers and their trace. */
export class DiffSubsystem extends SimpleSubsystem {
  /** Calls made since the last {@link reset}. */
  trace: HelperCall[] = [];

  constructor() {
    const fields: ContextField[] = [];
    for (let off = 0; off < DIFF_CTX_SIZE; off += 8) {
      fields.push({ name: `w${off / 8}`, offset: off, size: 8, access: 'readwrite', sizes: [1, 2, 4, 8] });
    }
    super({ name: 'differential', context: { size: DIFF_CTX_SIZE, fields } });
    const record = (id: number, a: HelperArgs): bigint[] => {
      const args = [a.u64(1), a.u64(2), a.u64(3), a.u64(4), a.u64(5)];
      this.trace.push({ id, args });
      return args;
    };
    const mix: HelperDef = {
      id: DiffHelper.MIX,
      name: 'diff_mix',
      proto: { ret: 'integer', args: ['anything', 'anything', 'anything', 'anything', 'anything'] },
      impl: (a) => {
        let h = 0xcbf29ce484222325n;
        for (const v of record(DiffHelper.MIX, a)) h = BigInt.asUintN(64, (h ^ v) * 0x100000001b3n);
        return h;
      },
    };
    const neg: HelperDef = {
      id: DiffHelper.NEG,
      name: 'diff_neg',
      proto: { ret: 'integer', args: ['anything'] },
      impl: (a) => {
        record(DiffHelper.NEG, a);
        return -1 - (a.u32(1) & 0xffff);
      },
    };
    this.addHelper(mix);
    this.addHelper(neg);
  }

  /** Clears the trace. */
  reset(): void {
    this.trace = [];
  }
}
