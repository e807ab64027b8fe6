/**
 * Runs one bpf_conformance program the way the suite's reference plugin does: a fresh VM, the
 * test's memory copied into a context region, r1 = its address, r2 = its length, the suite's
 * helpers by id. Without an engine the program is interpreted unverified (bounds checks and
 * the instruction budget guard it); with one it is first checked with the `conformance`
 * subsystem, then compiled by that engine. Parsing `.data` files lives in `@ebpf/core/testing`.
 */
// Subpath imports only (not the `@ebpf/core` root, which loads the DI container): the CLI's
// conformance plugin imports this module alone, once per spawn (docs/cli-robustness.md).
import type { Engine, ProgramSpec, VerifiedProgram } from '@ebpf/core';
import { lower } from '@ebpf/core/engine';
import { EbpfError } from '@ebpf/core/errors';
import { decode } from '@ebpf/core/isa';
import { Vm } from '@ebpf/core/runtime/vm';
import { CONFORMANCE_HELPERS, conformanceProgram, conformanceSubsystem, type ConformanceTest } from '@ebpf/core/testing/conformance';
import { Interpreter } from './interpreter.js';

/**
 * The stage at which a conformance run stopped. `validate` is the unverified path's load-time
 * check (what uBPF's loader refuses: invalid instructions, bad jump targets).
 */
export type ConformanceStage = 'assemble' | 'decode' | 'validate' | 'check' | 'compile' | 'run';

/** Stages that happen while loading (before the program runs). */
const LOAD_STAGES: ReadonlySet<ConformanceStage> = new Set(['assemble', 'decode', 'validate', 'check', 'compile']);

/**
 * Where an `-- error` test expects its program to fail, from the error text the reference
 * plugin prints: `Failed to load code: ...` (or a compile failure) is a load-time refusal;
 * anything else (`uBPF error: out of bounds ...`) is a failure while running.
 */
export function expectedFailureStage(error: string): 'load' | 'run' {
  return /fail(ed)? to (load|compile)|invalid|unknown opcode|out of bounds jump|jump out of bounds|incomplete lddw|infinite loop/i.test(error) ? 'load' : 'run';
}

/** A failure of one stage, with the stage named. */
export class ConformanceStageError extends EbpfError {
  /**
   * @param stage where it failed.
   * @param cause the underlying error.
   */
  constructor(readonly stage: ConformanceStage, cause: unknown) {
    const text = cause instanceof Error ? cause.message : String(cause);
    super(EbpfError.is(cause) ? cause.code : 'RUNTIME', text.startsWith(`${stage}:`) ? text : `${stage}: ${text}`, { cause });
  }
}

/**
 * A checker for the engine path: `check(spec, subsystem, maps)` from `@ebpf/core` (passed in so
 * this module does not depend on when the checker is available).
 */
export type ConformanceChecker = (spec: ProgramSpec, subsystem: ReturnType<typeof conformanceSubsystem>) => VerifiedProgram;

/** Options of {@link runConformanceProgram}. */
export interface ConformanceRunOptions {
  /** Run with this engine (after `checker`); default: interpret the program unverified. */
  readonly engine?: Engine;
  /** The checker to verify with before `engine` compiles; required with `engine`. */
  readonly checker?: ConformanceChecker;
  /** Instruction budget of an interpreted run (default: the interpreter's). */
  readonly budget?: number;
}

/**
 * Runs program `bytes` (raw RFC 9669 bytecode) with `memory` as its context. Returns r0.
 * @throws {@link ConformanceStageError} naming the stage that failed (decode, check, compile, run).
 */
export function runConformanceProgram(bytes: Uint8Array, memory: Uint8Array, options: ConformanceRunOptions = {}): bigint {
  const insns = stage('decode', () => decode(bytes));
  const vm = new Vm({ size: 1 << 20, ...(options.engine?.memoryBase ? { base: (m: WebAssembly.Memory) => options.engine!.memoryBase!(m) } : {}) });
  const ctx = vm.mem.alloc(memory.length, { kind: 'context', name: 'conformance memory' });
  vm.mem.bytes.set(memory, ctx.offset);
  const r1 = ctx.address;
  const r2 = BigInt(memory.length);
  if (options.engine === undefined) {
    const it = new Interpreter(vm, lower(insns), { helpers: CONFORMANCE_HELPERS, name: 'conformance', ...(options.budget !== undefined ? { budget: options.budget } : {}) });
    const invalid = [...it.invalidInstructions()].sort((a, b) => a[0] - b[0])[0];
    if (invalid) throw new ConformanceStageError('validate', new EbpfError('DECODE', `insn ${invalid[0]}: ${invalid[1]}`));
    return stage('run', () => it.run(r1, r2));
  }
  const engine = options.engine;
  const checker = options.checker;
  if (checker === undefined) throw new ConformanceStageError('check', new EbpfError('USAGE', 'a checker is required to run with an engine'));
  const spec: ProgramSpec = { name: 'conformance', dialect: 'rfc', insns, maps: [], license: 'GPL' };
  const verified = stage('check', () => checker(spec, conformanceSubsystem(memory.length)));
  const runnable = stage('compile', () => {
    const why = engine.unavailable();
    if (why) throw why;
    return engine.compile(verified, vm);
  });
  try {
    return stage('run', () => runnable.run(r1, r2));
  } finally {
    runnable.dispose();
  }
}

/** The outcome of one conformance test. */
export interface ConformanceOutcome {
  readonly name: string;
  readonly pass: boolean;
  /** r0 when the program ran to the end. */
  readonly r0?: bigint;
  /** Why it failed (or, for an `-- error` test, how it failed). */
  readonly error?: ConformanceStageError;
  /** One line: `got 0x.. expected 0x..`, or the failure. */
  readonly detail: string;
}

/**
 * Runs `test` and compares: r0 must equal the expected result (all 64 bits), or, for a test with
 * an `-- error` section, the program must fail.
 */
export function runConformanceTest(test: ConformanceTest, options: ConformanceRunOptions = {}): ConformanceOutcome {
  let r0: bigint;
  try {
    const bytes = stage('assemble', () => conformanceProgram(test));
    r0 = runConformanceProgram(bytes, test.memory, options);
  } catch (e) {
    const error = e instanceof ConformanceStageError ? e : new ConformanceStageError('run', e);
    if (test.error === undefined) return { name: test.name, pass: false, error, detail: error.message };
    const want = expectedFailureStage(test.error);
    const got = LOAD_STAGES.has(error.stage) ? 'load' : 'run';
    return want === got
      ? { name: test.name, pass: true, error, detail: `failed at ${error.stage} as expected (${error.message})` }
      : { name: test.name, pass: false, error, detail: `failed while ${got === 'load' ? 'loading' : 'running'} (${error.message}), but the test expects a failure while ${want === 'load' ? 'loading' : 'running'}: ${test.error}` };
  }
  if (test.error !== undefined) return { name: test.name, pass: false, r0, detail: `returned 0x${r0.toString(16)} but expected an error: ${test.error}` };
  const pass = r0 === test.result;
  return { name: test.name, pass, r0, detail: pass ? `0x${r0.toString(16)}` : `got 0x${r0.toString(16)}, expected 0x${test.result!.toString(16)}` };
}

function stage<T>(name: ConformanceStage, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof ConformanceStageError ? e : new ConformanceStageError(name, e);
  }
}
