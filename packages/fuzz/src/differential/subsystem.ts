/**
 * The subsystem differential programs run under: a 64-byte context readable and writable at
 * every naturally aligned offset and size, helpers that record every call (id and r1..r5) into
 * a trace and return a value mixed from their arguments (so engines that pass arguments or
 * results differently disagree visibly), the map lookup/update helpers, and the two maps every
 * program declares. Comparing traces, memory and maps is `harness.ts`'s job.
 */
import {
  mapLookupElemHelper,
  mapUpdateElemHelper,
  SimpleSubsystem,
  type ContextField,
  type HelperArgs,
  type HelperDef,
  type MapSpec,
} from '@ebpf/core';

/** Context size of differential programs. */
export const DIFF_CTX_SIZE = 64;

/** Helper ids the generator calls. */
export const DiffHelper = {
  /** `bpf_map_lookup_elem` (jit-wasm inlines it for arrays). */
  LOOKUP: 1,
  /** `bpf_map_update_elem`. */
  UPDATE: 2,
  /** Returns a 64-bit mix of r1..r5 (a BigInt). */
  MIX: 200,
  /** Returns a small negative Number derived from r1. */
  NEG: 201,
} as const;

/** Value size of the differential maps (16: two u64 words). */
export const DIFF_VALUE_SIZE = 16;

/** The maps every differential program declares: an array (index 0) and a hash (index 1). */
export const DIFF_MAPS: readonly MapSpec[] = Object.freeze([
  { name: 'arr', type: 'array', keySize: 4, valueSize: DIFF_VALUE_SIZE, maxEntries: 8, flags: 0 },
  { name: 'tab', type: 'hash', keySize: 4, valueSize: DIFF_VALUE_SIZE, maxEntries: 8, flags: 0 },
]);

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
    this.addHelper(mapLookupElemHelper);
    this.addHelper(mapUpdateElemHelper);
  }

  /** Clears the trace. */
  reset(): void {
    this.trace = [];
  }
}
