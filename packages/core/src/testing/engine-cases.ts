/**
 * One case table run across every engine (rbpf runs the same uBPF programs through its
 * interpreter and its JIT): each case is a program, an input memory block and the r0 (or error)
 * every engine must produce. Cases go through the real pipeline — Runtime, checker, engine — so a
 * difference between engines shows up as a failing case, never as a skipped one.
 */
import { parseAsm } from '../asm/parse.js';
import type { Engine } from '../engine/engine.js';
import type { ProgramSpec } from '../image/program-spec.js';
import type { MapSpec } from '../maps/map-spec.js';
import { MAP_HELPERS } from '../maps/helpers.js';
import { Runtime, type LoadOptions } from '../runtime/runtime.js';
import { registerEngine } from '../runtime/tokens.js';
import { SimpleSubsystem, type HelperDef, type Subsystem } from '../subsystem/subsystem.js';
import { caseName, type TestApi } from './test-api.js';

/** One program and what every engine must make of it. */
export interface EngineCase {
  /** Test name; default: the program text, shortened. */
  readonly name?: string;
  /** The program in assembler text. */
  readonly asm: string;
  /** Input memory: r1 = its address, r2 = its length (the context of {@link memorySubsystem}). */
  readonly mem?: Uint8Array;
  /** Maps the program uses. */
  readonly maps?: readonly MapSpec[];
  /** The subsystem; default `memorySubsystem(mem.length)`. */
  readonly subsystem?: Subsystem;
  /** Expected r0 (unsigned 64-bit). */
  readonly result?: bigint;
  /** Expected failure: the run (or load) throws an error whose message matches. */
  readonly error?: RegExp;
  /** Expected memory after the run, when the program writes it. */
  readonly memAfter?: Uint8Array;
  /** Load options (check limits, license). */
  readonly load?: Omit<LoadOptions, 'subsystem' | 'engine'>;
}

/** Options of {@link engineCases}. */
export interface EngineCasesOptions {
  /** VM memory per case (default 4 MiB). */
  readonly memorySize?: number;
}

/**
 * A subsystem whose context is a plain block of `size` bytes that programs may read and write
 * at any aligned offset with any width, offering the map helpers plus `extraHelpers`.
 */
export function memorySubsystem(size: number, extraHelpers: readonly HelperDef[] = []): Subsystem {
  return new SimpleSubsystem({
    name: 'memory',
    context: {
      size,
      fields: size > 0 ? [{ name: 'mem', offset: 0, size, access: 'readwrite', sizes: [1, 2, 4, 8] }] : [],
    },
    helpers: [...MAP_HELPERS, ...extraHelpers],
  });
}

/** What one engine made of one case. */
export interface EngineOutcome {
  /** r0, when the run finished. */
  readonly r0?: bigint;
  /** The error, when load or run threw. */
  readonly error?: unknown;
  /** The memory block after the run. */
  readonly mem: Uint8Array;
}

/** Loads and runs one case on one engine, in a fresh runtime. */
export function runEngineCase(engine: Engine, c: EngineCase, options: EngineCasesOptions = {}): EngineOutcome {
  const mem = c.mem ?? new Uint8Array(0);
  const runtime = new Runtime({ memorySize: options.memorySize ?? 4 << 20 });
  registerEngine(runtime.container, engine);
  const spec: ProgramSpec = { name: c.name ?? 'case', dialect: 'rfc', insns: parseAsm(c.asm), maps: c.maps ?? [], license: 'GPL' };
  let region;
  try {
    const program = runtime.load(spec, { ...c.load, subsystem: c.subsystem ?? memorySubsystem(mem.length), engine: engine.name });
    region = runtime.vm.mem.alloc(mem.length, { kind: 'context', name: 'case memory' });
    runtime.vm.mem.bytes.set(mem, region.offset);
    const r0 = program.run(region.address, mem.length);
    return { r0, mem: runtime.vm.mem.bytes.slice(region.offset, region.offset + mem.length) };
  } catch (error) {
    const after = region ? runtime.vm.mem.bytes.slice(region.offset, region.offset + mem.length) : mem.slice();
    return { error, mem: after };
  } finally {
    runtime.dispose();
  }
}

/**
 * Registers `describe(engine) × it(case)` with `api`: every engine must produce each case's
 * result (or error, or memory). An engine that cannot run here fails its cases with the reason.
 */
export function engineCases(engines: readonly Engine[], cases: readonly EngineCase[], api: TestApi, options: EngineCasesOptions = {}): void {
  for (const engine of engines) {
    api.describe(`engine cases: ${engine.name}`, () => {
      for (const c of cases) {
        api.it(c.name ?? caseName(c.asm), () => {
          const out = runEngineCase(engine, c, options);
          if (c.error) {
            const msg = out.error instanceof Error ? out.error.message : String(out.error);
            if (out.error === undefined) throw new Error(`expected an error matching ${c.error}, got r0 = 0x${out.r0!.toString(16)}`);
            if (!c.error.test(msg)) throw new Error(`expected an error matching ${c.error}, got: ${msg}`);
          } else if (out.error !== undefined) {
            throw out.error;
          } else if (c.result !== undefined && out.r0 !== c.result) {
            throw new Error(`r0 = 0x${out.r0!.toString(16)}, expected 0x${c.result.toString(16)}`);
          }
          if (c.memAfter) {
            const same = c.memAfter.length === out.mem.length && c.memAfter.every((b, i) => b === out.mem[i]);
            if (!same) throw new Error(`memory after the run differs: got ${hex(out.mem)}, expected ${hex(c.memAfter)}`);
          }
        });
      }
    });
  }
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}
