/**
 * From a lowered program to a runnable native function: lays out the runtime words, registers
 * the helper trampoline, generates code, maps it W^X and wraps the entry point in a
 * {@link X86Runnable}. The engine (`engine.ts`) calls it with a VerifiedProgram's fields; tests
 * call it directly. Deciding whether a program is safe is the checker's job, not this module's.
 */
import { EbpfError, STACK_SIZE, type BpfMap, type HelperDef, type HelperInline, type LoweredProgram, type Runnable, type Vm } from '@ebpf/core';
import { DATA, generate, localCallTargets, type ArrayMapLayout, type CodegenEnv, type NativeCode } from './codegen.js';
import { HelperBridge, TAIL_CALL_HELPER } from './helper-bridge.js';
import type { InlineHelperLayout } from './inline-helpers.js';
import { HelperTrampoline, nativeEntry, type NativeEntry, type NativeEntry32 } from './native/call.js';
import { ExecutableImage, NativeData, bufferAddress } from './native/memory.js';

/** The engine name. */
export const ENGINE_NAME = 'jit-x86_64';

/** What {@link compileNative} compiles: a VerifiedProgram's fields (or a test's). */
export interface NativeProgram {
  /** The resolved lowered program. */
  readonly lowered: LoweredProgram;
  /** First slot of each function, main (0) first; default: the local call targets. */
  readonly funcStarts?: readonly number[];
  /** Helpers the program may call, by id. */
  readonly helpers: ReadonlyMap<number, HelperDef>;
  /** The program's maps (what helpers see). */
  readonly maps: readonly BpfMap[];
  /** Name for helpers and messages. */
  readonly name: string;
}

/** Options of {@link compileNative}. */
export interface NativeOptions {
  /** Blind every immediate with a per-instruction random key. */
  readonly blindConstants?: boolean;
  /** Inline `bpf_map_lookup_elem` on array maps (default true). */
  readonly inlineLookups?: boolean;
  /** Emit helpers that declare `HelperDef.inline` as native code instead of calls (default true). */
  readonly inlineHelpers?: boolean;
}

/** What a runnable owns natively; freed by dispose, or by the GC if it was forgotten. */
interface NativeResources {
  readonly image: ExecutableImage;
  readonly data: NativeData;
  readonly trampoline: HelperTrampoline | undefined;
}

function freeResources(r: NativeResources): void {
  r.image.dispose();
  r.data.dispose();
  r.trampoline?.dispose();
}

/** Unmaps the code of runnables collected without dispose (callback slots are limited too). */
const leaked = new FinalizationRegistry<NativeResources>(freeResources);

/** A compiled program: native code plus what it needs at run time. */
export class X86Runnable implements Runnable {
  readonly engine = ENGINE_NAME;
  /** The machine code (a copy; the live copy is read-execute). */
  readonly code: Uint8Array;
  /** Code offset of each eBPF slot (-1 for the second slot of `lddw`). */
  readonly slotStart: Int32Array;
  /** Code offset of the shared early-return path. */
  readonly abortOffset: number;
  /** Code offset of the argument-less entry JS calls. */
  readonly entryOffset: number;
  /** Jump-sizing passes code generation took. */
  readonly passes: number;
  /** Native address of the entry point. */
  readonly address: bigint;
  private readonly entry: NativeEntry;
  private readonly entry32: NativeEntry32;
  private readonly words: Uint32Array;
  private readonly big: BigUint64Array;
  private disposed = false;

  /** @internal Made by {@link compileNative}. */
  constructor(
    private readonly image: ExecutableImage,
    private readonly data: NativeData,
    private readonly trampoline: HelperTrampoline | undefined,
    private readonly bridge: HelperBridge,
    generated: NativeCode,
    private readonly name: string,
  ) {
    this.code = generated.code;
    this.slotStart = generated.slotStart;
    this.abortOffset = generated.abort;
    this.entryOffset = generated.entryNoArgs;
    this.passes = generated.passes;
    this.address = image.address;
    leaked.register(this, { image, data, trampoline }, this);
    const e = nativeEntry(image.address + BigInt(generated.entryNoArgs));
    this.entry = e.run;
    this.entry32 = e.run32;
    this.words = new Uint32Array(data.view.buffer, data.view.byteOffset, DATA.SIZE / 4);
    this.big = new BigUint64Array(data.view.buffer, data.view.byteOffset, DATA.SIZE / 8);
  }

  /** Stores r1, r2 where the argument-less entry loads them. */
  private setArgs(r1: bigint | number, r2: bigint | number): void {
    this.put(DATA.R1 / 4, r1);
    this.put(DATA.R2 / 4, r2);
  }

  /**
   * Writes a 64-bit value at word `at`: a Number below 2^53 as two u32 halves, a BigInt through a
   * BigUint64Array (which wraps modulo 2^64 natively; converting BigInts in JS costs far more).
   */
  private put(at: number, v: bigint | number): void {
    if (typeof v === 'bigint') {
      this.big[at >> 1] = v;
      return;
    }
    if (v >= 0 && v <= 0x1fffffffffffff && Number.isInteger(v)) {
      const w = this.words;
      w[at] = v % 4294967296;
      w[at + 1] = v / 4294967296;
      return;
    }
    this.big[at >> 1] = BigInt(Math.trunc(v));
  }

  /**
   * Runs the native code once with r1, r2; returns r0 (unsigned 64-bit).
   * @throws {@link @ebpf/core!VmError} (`HELPER`) when a helper threw, `VM_FAULT` for a call to a helper the
   * program may not call; {@link @ebpf/core!EbpfError} (`RUNTIME`) after {@link dispose}.
   */
  run(r1: bigint | number = 0n, r2: bigint | number = 0n): bigint {
    this.live();
    this.setArgs(r1, r2);
    const r = this.entry();
    const err = this.bridge.takeError();
    if (err) throw err;
    return typeof r === 'bigint' ? r : BigInt(r);
  }

  /** Like {@link run} with Number arguments; returns the low 32 bits of r0. Same errors. */
  runLow32(r1: number, r2: number): number {
    this.live();
    this.setArgs(r1, r2);
    const r = this.entry32();
    const err = this.bridge.takeError();
    if (err) throw err;
    return r;
  }

  /** Unmaps the code and releases the helper trampoline. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    leaked.unregister(this);
    freeResources({ image: this.image, data: this.data, trampoline: this.trampoline });
  }

  /** True once {@link dispose} ran. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private live(): void {
    if (this.disposed) throw new EbpfError('RUNTIME', `jit-x86_64: program ${this.name} was disposed`);
  }
}



/**
 * Compiles a lowered program to native code for `vm`, without the checker's seal: the engine's
 * entry is `X86Engine.compile`; tests and differential suites, which establish the safety
 * of what they feed, call this directly.
 * @throws {@link @ebpf/core!NotSupportedError} when native code cannot run here or the program uses an
 * instruction this JIT does not compile; {@link @ebpf/core!EbpfError} (`ENCODE`) for malformed instructions.
 */
export function compileNative(program: NativeProgram, vm: Vm, options: NativeOptions = {}): X86Runnable {
  const native = bufferAddress(vm.mem.memory.buffer);
  const delta = native - vm.mem.base;
  const data = NativeData.create(DATA.SIZE);
  const words = new Uint32Array(data.view.buffer, data.view.byteOffset, DATA.SIZE / 4);
  const bridge = new HelperBridge(vm, program.helpers, { vm, maps: program.maps, program: program.name }, words);
  let trampoline: HelperTrampoline | undefined;
  let image: ExecutableImage | undefined;
  try {
    // Only programs that call helpers need a callback (koffi has 8192 slots).
    if (callsHelpers(program.lowered)) trampoline = new HelperTrampoline(bridge.handle);
    const blindKeys = options.blindConstants ? randomKeys(program.lowered.length) : undefined;
    const lookup = options.inlineLookups === false ? undefined : lookupFastPath(program, vm);
    const inline = options.inlineHelpers === false ? undefined : inlineHelperLayout(program, vm);
    const funcStarts = program.funcStarts ?? localCallTargets(program.lowered);
    checkCallDepth(program.lowered, funcStarts, vm);
    const gen = generate(
      program.lowered,
      {
        delta,
        stackTop: vm.stackTop,
        argsNative: native + BigInt(vm.argsRegion.offset),
        trampoline: trampoline?.address ?? 0n,
        dataNative: data.address,
        ...(lookup ? { lookupFastPath: lookup } : {}),
        ...(inline ? { inlineHelpers: inline } : {}),
        ...(blindKeys ? { blindKeys } : {}),
      },
      funcStarts,
    );
    image = ExecutableImage.create(gen.code);
    return new X86Runnable(image, data, trampoline, bridge, gen, program.name);
  } catch (e) {
    image?.dispose();
    data.dispose();
    trampoline?.dispose();
    throw e;
  }
}

/** True when the program has a helper call (`call imm` with src 0, or `callx`). */
function callsHelpers(p: LoweredProgram): boolean {
  for (let pc = 0; pc < p.length; pc++) {
    const c = p.code[pc];
    if ((c === 0x85 && p.src[pc] === 0) || c === 0x8d) return true;
    if (c === 0x18) pc++;
  }
  return false;
}

/**
 * Native code does not bounds-check frames: the deepest chain of bpf-to-bpf calls must fit the
 * VM's stack region, or compiling fails here (never a stray write at run time).
 * @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) for recursion or a chain deeper than the VM's frames.
 */
function checkCallDepth(p: LoweredProgram, funcStarts: readonly number[], vm: Vm): void {
  const starts = [...funcStarts].sort((a, b) => a - b);
  const funcAt = (slot: number): number => {
    let f = 0;
    while (f + 1 < starts.length && starts[f + 1]! <= slot) f++;
    return f;
  };
  const callees: Array<Set<number>> = starts.map(() => new Set());
  for (let pc = 0; pc < p.length; pc++) {
    if (p.code[pc] === 0x85 && p.src[pc] === 1) callees[funcAt(pc)]!.add(funcAt(pc + p.imm[pc]! + 1));
    if (p.code[pc] === 0x18) pc++;
  }
  const frames = Math.floor(vm.stack.size / STACK_SIZE);
  const depth = new Map<number, number>();
  const onPath = new Set<number>();
  const visit = (f: number): number => {
    const known = depth.get(f);
    if (known !== undefined) return known;
    if (onPath.has(f)) throw new EbpfError('RUNTIME', `jit-x86_64: function at slot ${starts[f]} calls itself (recursion is not allowed)`);
    onPath.add(f);
    let d = 1;
    for (const g of callees[f]!) d = Math.max(d, 1 + visit(g));
    onPath.delete(f);
    depth.set(f, d);
    return d;
  };
  const need = visit(0);
  if (need > frames) {
    throw new EbpfError('RUNTIME', `jit-x86_64: bpf-to-bpf calls nest ${need} frames deep; the VM stack holds ${frames} (raise maxCallFrames)`);
  }
}

function randomKeys(n: number): Int32Array {
  const keys = new Int32Array(Math.max(n, 1));
  globalThis.crypto.getRandomValues(keys);
  return keys;
}

/**
 * The helpers to emit inline (those declaring `HelperDef.inline`, except any that can end the
 * run) and the VM layout their range checks use; undefined when there are none, or when VM
 * memory is too large for the 32-bit compare immediates the inline code uses.
 */
function inlineHelperLayout(program: NativeProgram, vm: Vm): InlineHelperLayout | undefined {
  const helpers = new Map<number, HelperInline>();
  for (const [id, def] of program.helpers) {
    if (def.inline === undefined || def.unwindOnZero === true || (id === TAIL_CALL_HELPER && def.name === 'bpf_tail_call')) continue;
    helpers.set(id, def.inline);
  }
  if (helpers.size === 0 || vm.mem.size > 0x7fffffff) return undefined;
  return { helpers, base: vm.mem.base, memorySize: vm.mem.size, stackBottom: vm.stack.address, stackSize: vm.stack.size };
}

/**
 * The array maps whose lookups can be inlined: only when `bpf_map_lookup_elem` is the helper
 * named so, and only for maps whose own lookup agrees with `values + key * stride` (probed on the
 * first, last and one-past-last keys), so the fast path can never disagree with the map.
 */
function lookupFastPath(program: NativeProgram, vm: Vm): CodegenEnv['lookupFastPath'] {
  let helperId: number | undefined;
  for (const [id, def] of program.helpers) if (def.name === 'bpf_map_lookup_elem') helperId = id;
  if (helperId === undefined) return undefined;
  const maps: ArrayMapLayout[] = [];
  for (const m of program.maps) {
    const layout = arrayLayout(m, vm);
    if (layout) maps.push(layout);
    if (maps.length === 4) break;
  }
  return maps.length > 0 ? { helperId, maps } : undefined;
}

function arrayLayout(m: BpfMap, vm: Vm): ArrayMapLayout | undefined {
  const values = m.values;
  const n = m.spec.maxEntries;
  if ((m.spec.type !== 'array' && m.spec.type !== 'percpu_array') || m.spec.keySize !== 4 || !values || n < 1 || n > 0x7fffffff) return undefined;
  const stride = values.elemSize ?? 0;
  if (stride <= 0 || stride > 0x7fffffff) return undefined;
  const at = vm.argsRegion.offset;
  const view = vm.mem.view;
  const saved = view.getUint32(at, true);
  try {
    const probe = (key: number): bigint => {
      view.setUint32(at, key, true);
      return m.lookupAddress(at);
    };
    if (probe(0) !== values.address) return undefined;
    if (probe(n - 1) !== values.address + BigInt((n - 1) * stride)) return undefined;
    if (n < 0xffffffff && probe(n) !== 0n) return undefined;
  } finally {
    view.setUint32(at, saved, true);
  }
  return { address: m.address, values: values.address, maxEntries: n, stride };
}
