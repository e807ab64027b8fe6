// Shared by the inline-helper differential tests (trace-inline-helpers*.test.ts): a VM with the
// trace helpers counting their JS calls and a patterned source region, the edge addresses the
// cases walk, and one run's outcome (r0 or the error, the stack's top bytes, JS calls). Each test
// file compiles and runs with its own engine.
import { GUARD_SIZE, Vm, type HelperDef, type VmOptions } from '@ebpf/core';
import { traceHelpers } from '@ebpf/trace';

/** The VM memory size of every case. */
export const MEM = 1 << 20;

/** `v` as an unsigned 64-bit value. */
export const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** One VM with the trace helpers (counting JS calls) and a patterned source region. */
export function setup(base?: VmOptions['base']) {
  const vm = new Vm({ size: MEM, ...(base ? { base } : {}) });
  const calls = { n: 0 };
  const helpers = new Map<number, HelperDef>();
  for (const h of traceHelpers({ sink: { printk: () => {}, dumpStack: () => {} } })) {
    helpers.set(h.id, { ...h, impl: (a, env) => (calls.n++, h.impl(a, env)) });
  }
  const src = vm.mem.alloc(256, { kind: 'host', name: 'source', readOnly: true });
  for (let i = 0; i < 256; i++) vm.mem.bytes[src.offset + i] = (i * 37 + 11) & 0xff;
  const scratch = vm.mem.alloc(256, { kind: 'scratch', name: 'writable' });
  return { vm, calls, helpers, src, scratch };
}

/** What {@link setup} returns. */
export type Setup = ReturnType<typeof setup>;

/** The entry registers r1, r2 of a case, computed on its VM. */
export type CaseArgs = (s: Setup) => [bigint, bigint];

/** One run: r0 (or `error: ...`), the stack's top 128 bytes and the JS helper calls made. */
export interface Outcome {
  readonly r0: bigint | string;
  readonly stack: number[];
  readonly calls: number;
}

/**
 * Patterns the stack's top 128 bytes, runs `run` with the case's r1, r2 and collects the outcome;
 * a thrown error becomes `error: <errorText(e)>`.
 */
export function runPatterned(s: Setup, args: CaseArgs, run: (r1: bigint, r2: bigint) => bigint, errorText: (e: unknown) => string): Outcome {
  const top = s.vm.stackTopOffset;
  for (let i = 0; i < 128; i++) s.vm.mem.bytes[top - 128 + i] = 0xa0 + (i & 0x1f);
  const [r1, r2] = args(s);
  let r0: bigint | string;
  try {
    r0 = run(r1, r2);
  } catch (e) {
    r0 = `error: ${errorText(e)}`;
  }
  return { r0, stack: Array.from(s.vm.mem.bytes.subarray(top - 128, top)), calls: s.calls.n };
}

/**
 * Edge addresses as VM offsets (possibly outside memory) and raw 64-bit values; `native` adds the
 * byte just below the base and the source region with bit 63 set (for native address translation).
 */
export function edges(s: Setup, native = false): bigint[] {
  const b = BigInt(s.vm.mem.baseNumber);
  const offs = [0, 8, GUARD_SIZE - 8, GUARD_SIZE - 7, GUARD_SIZE - 1, GUARD_SIZE, GUARD_SIZE + 3, s.src.offset, s.src.offset + 5, MEM - 64, MEM - 9, MEM - 8, MEM - 7, MEM - 1, MEM, MEM + 8];
  const src = b + BigInt(s.src.offset);
  return [
    ...offs.map((o) => U64(b + BigInt(o))),
    U64(b - 8n),
    ...(native ? [U64(b - 1n)] : []),
    2n ** 32n + src,
    2n ** 63n,
    ...(native ? [2n ** 63n + src] : []),
    U64(-1n),
    0n,
  ];
}

/**
 * Source addresses for the string helpers: a NUL-terminated string, its NUL, bytes without a NUL
 * up to the end of memory, then `edgeList` (computed on the same VM, which this writes to first).
 */
export function stringSources(s: Setup, edgeList: (s: Setup) => bigint[]): bigint[] {
  const b = s.vm.mem.baseNumber;
  const at = s.src.offset + 100;
  s.vm.mem.bytes.set(new TextEncoder().encode('eth5\0tail'), at);
  s.vm.mem.bytes.fill(0x41, MEM - 6, MEM); // no NUL before the end of memory
  return [BigInt(b + at), BigInt(b + at + 4), BigInt(b + MEM - 6), BigInt(b + MEM - 1), ...edgeList(s)];
}
