/**
 * `@ebpf/interp`: the interpreter engine. {@link InterpEngine} runs verified programs;
 * {@link Interpreter} runs any lowered program with bounds checks and an instruction budget (and,
 * in oracle mode, one-object bounds), which makes it the reference the other engines and the
 * checker are tested against.
 * @packageDocumentation
 */
export { Interpreter, DEFAULT_BUDGET, type InterpreterOptions } from './interpreter.js';
export { InterpEngine, InterpRunnable } from './engine.js';
export { registerInterp } from './register.js';
export { MemoryGuard } from './bounds.js';
export {
  runConformanceProgram,
  runConformanceTest,
  expectedFailureStage,
  ConformanceStageError,
  type ConformanceStage,
  type ConformanceChecker,
  type ConformanceRunOptions,
  type ConformanceOutcome,
} from './conformance-runner.js';
