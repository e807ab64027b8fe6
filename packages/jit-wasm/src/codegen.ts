/**
 * A lowered, verified BPF program to one wasm module: the VM's memory and the program's helpers
 * are imported, every BPF function becomes a wasm function (main first), and two entry points
 * are exported — `run(i64 r1, i64 r2) -> i64`, `run32(f64 r1, f64 r2) -> f64` (the low 32
 * bits of r0, unsigned: no BigInt on either side) and `runF(f64, f64) -> f64` (r0 as a Number,
 * and in the argument block's r0 slot). Instantiating it and wiring the imports is
 * `engine.ts`'s job.
 */
import { EbpfError, type HelperInline, type LoweredProgram } from '@ebpf/core';
import { structureFunction } from './cfg/index.js';
import type { ModuleEnv } from './codegen/emitter.js';
import { emitFunction } from './codegen/function.js';
import { ByteWriter, ModuleBuilder } from './wasm/encoder.js';
import { FC, ValType, W } from './wasm/opcodes.js';

/** Where the program's state lives in VM memory (byte offsets) and the memory's base address. */
export interface VmLayout {
  /** Address of offset 0, as a Number (below 2^53). */
  readonly base: number;
  /** One past the outermost stack frame (r10 of the main function). */
  readonly stackTopOffset: number;
  /** Lowest stack byte. */
  readonly stackBottomOffset: number;
  /** Helper argument block (r0..r5). */
  readonly argsOffset: number;
  /** Memory size in 64 KiB pages. */
  readonly memoryPages: number;
}

/** A function's slot range. */
export interface FuncRange {
  readonly start: number;
  readonly end: number;
}

/** Options for {@link generateModule}. */
export interface GenerateOptions {
  /** Use the dispatch loop for every function (tests compare it with structured code). */
  readonly forceDispatch?: boolean;
  /**
   * Helper ids whose import returns an i32 that may end the run (uBPF's unwind extension,
   * `bpf_tail_call`); the others return nothing.
   */
  readonly stoppingHelpers?: ReadonlySet<number>;
  /** Helper ids (`bpf_map_lookup_elem`) that get the inline array-map lookup fast path. */
  readonly inlineLookups?: ReadonlySet<number>;
  /** Helper ids emitted as wasm code, with their inline description (`HelperDef.inline`). */
  readonly inlineHelpers?: ReadonlyMap<number, HelperInline>;
}

/** What the code generator produced. */
export interface GeneratedModule {
  /** The module's binary encoding. */
  readonly bytes: Uint8Array;
  /** Helper ids called directly, in import order (module `h`, name = the id). */
  readonly helperIds: readonly number[];
  /** Figures for notes and tests. */
  readonly stats: {
    /** BPF functions (main and subprograms), one wasm function each. */
    readonly functions: number;
    /** Functions that needed the dispatch loop (irreducible control flow). */
    readonly dispatchFunctions: number;
    /** Deepest label nesting in any function. */
    readonly maxDepth: number;
  };
}

/** Import module and field names the engine must provide. */
export const IMPORTS = {
  module: 'env',
  memory: 'memory',
  callx: 'callx',
  fault: 'fault',
  /** Helper imports live in this module, named by helper id. */
  helperModule: 'h',
} as const;

/**
 * Function ranges of a lowered program: slot 0 plus every local-call target, each running to
 * the next start. Used when the checker's function list is not at hand.
 */
export function findFuncs(p: LoweredProgram): FuncRange[] {
  const starts = new Set<number>([0]);
  for (let pc = 0; pc < p.length; pc += p.code[pc] === 0x18 ? 2 : 1) {
    if (p.code[pc] === 0x85 && p.src[pc] === 1) {
      const t = pc + 1 + p.imm[pc]!;
      if (t <= 0 || t >= p.length) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: local call target ${t} is outside the program`);
      starts.add(t);
    }
  }
  const sorted = [...starts].sort((a, b) => a - b);
  return sorted.map((start, i) => ({ start, end: i + 1 < sorted.length ? sorted[i + 1]! : p.length }));
}

/**
 * Generates the module for `p` with functions `funcs` (main first) against `layout`.
 * @throws {@link @ebpf/core!EbpfError} (`RUNTIME`) for control flow or opcodes a verified program cannot
 * have; {@link @ebpf/core!NotSupportedError} for kfunc calls and legacy packet loads.
 */
export function generateModule(p: LoweredProgram, funcs: readonly FuncRange[], layout: VmLayout, options: GenerateOptions = {}): GeneratedModule {
  if (funcs.length === 0 || funcs[0]!.start !== 0) throw new EbpfError('RUNTIME', 'jit-wasm: the main function must start at slot 0');

  // Which helpers are called, and whether callx appears.
  const helperIds: number[] = [];
  const helperIndex = new Map<number, number>();
  let usesCallx = false;
  for (let pc = 0; pc < p.length; pc += p.code[pc] === 0x18 ? 2 : 1) {
    if (p.code[pc] === 0x85 && p.src[pc] === 0) {
      const id = p.imm[pc]!;
      if (!helperIndex.has(id)) {
        helperIndex.set(id, helperIds.length);
        helperIds.push(id);
      }
    } else if (p.code[pc] === 0x8d) usesCallx = true;
  }

  const mb = new ModuleBuilder();
  const I64 = ValType.I64;
  const tMain = mb.type([I64, I64], [I64]);
  const tSub = mb.type([I64, I64, I64, I64, I64, I64], [I64]);
  const tHelper = mb.type([ValType.I32], []);
  const tStopper = mb.type([ValType.I32], [ValType.I32]);
  const tCallx = mb.type([ValType.F64, ValType.I32], [ValType.I32]);
  const tFault = mb.type([ValType.I32, ValType.I32], []);
  const tEntry32 = mb.type([ValType.F64, ValType.F64], [ValType.F64]);

  const stops = (id: number): boolean => options.stoppingHelpers?.has(id) ?? false;
  for (const id of helperIds) mb.importFunc(IMPORTS.helperModule, String(id), stops(id) ? tStopper : tHelper);
  const callxImport = usesCallx ? mb.importFunc(IMPORTS.module, IMPORTS.callx, tCallx) : -1;
  const faultImport = mb.importFunc(IMPORTS.module, IMPORTS.fault, tFault);
  mb.importMemory(IMPORTS.module, IMPORTS.memory, layout.memoryPages);

  const firstFunc = mb.importCount;
  const funcByStart = new Map<number, number>();
  funcs.forEach((f, i) => funcByStart.set(f.start, firstFunc + i));

  const env: ModuleEnv = {
    program: p,
    base: layout.base,
    stackTopOffset: layout.stackTopOffset,
    stackBottomOffset: layout.stackBottomOffset,
    argsOffset: layout.argsOffset,
    helperImport(id: number): number {
      const i = helperIndex.get(id);
      if (i === undefined) throw new EbpfError('RUNTIME', `jit-wasm: helper ${id} is not imported`);
      return i;
    },
    stops,
    inlinesLookup: (id: number) => options.inlineLookups?.has(id) ?? false,
    memorySize: layout.memoryPages * 65536,
    inlineHelper: (id: number) => options.inlineHelpers?.get(id),
    callxImport,
    faultImport,
    funcIndex(start: number): number {
      const i = funcByStart.get(start);
      if (i === undefined) throw new EbpfError('RUNTIME', `jit-wasm: no function starts at slot ${start}`);
      return i;
    },
  };

  let dispatchFunctions = 0;
  let maxDepth = 0;
  funcs.forEach((f, i) => {
    const { graph, structured } = structureFunction(p, f.start, f.end, options);
    if (structured.dispatch) dispatchFunctions++;
    if (structured.maxDepth > maxDepth) maxDepth = structured.maxDepth;
    const e = emitFunction(env, i === 0, graph, structured);
    mb.func(i === 0 ? tMain : tSub, { locals: e.locals, code: e.w.view() });
  });

  // Number entry points: r1, r2 as f64 (integers below 2^53), no BigInt on either side.
  // run32 returns the low 32 bits of r0, unsigned; runF stores r0 in slot 0 of the argument
  // block and returns it as an f64 (exact below 2^53; the caller reads the slot otherwise).
  const main = firstFunc;
  const callMain = [
    W.local_get, 0, W.prefix_fc, FC.i64_trunc_sat_f64_s,
    W.local_get, 1, W.prefix_fc, FC.i64_trunc_sat_f64_s,
    W.call, ...uleb(main),
  ];
  const run32 = mb.func(tEntry32, { locals: [], code: new Uint8Array([...callMain, W.i32_wrap_i64, W.f64_convert_i32_u]) });
  const argsAt = new ByteWriter(8).sleb32(layout.argsOffset).toBytes();
  const runF = mb.func(tEntry32, {
    locals: [[1, ValType.I64]],
    code: new Uint8Array([
      W.i32_const, ...argsAt, ...callMain, W.local_tee, 2, W.i64_store, 3, 0,
      W.local_get, 2, W.f64_convert_i64_u,
    ]),
  });
  mb.exportFunc('run', main);
  mb.exportFunc('run32', run32);
  mb.exportFunc('runF', runF);
  return { bytes: mb.bytes(), helperIds, stats: { functions: funcs.length, dispatchFunctions, maxDepth } };
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
