/**
 * `@ebpf/trace`: tracing a running Node application with verified BPF filters — static
 * tracepoints and dynamic probes, a bounded trace buffer and `trace_pipe`, ftrace filter strings
 * (predicate walker and BPF compiler), the seed's trace helpers and `pt_regs` context, host
 * structures in VM memory, a control socket for the CLI, and a simulated network stack.
 * @packageDocumentation
 */
export { Tracer, type TracerOptions, type AttachOptions, type FilterOptions, type AttachedProgram, type ProgramLoader, type LoadedProgramLike } from './tracer.js';
export { TraceSubsystem, TRACE_SECTION_PREFIXES, type TraceSubsystemOptions } from './subsystem.js';
export { registerTrace } from './register.js';
export { PT_REGS, PT_REGS_SIZE, PT_REGS_FIELDS, ENTRY_OFFSET, ARG_REGS, argOffsets, maxArgs, traceContext, type PtReg } from './context.js';
export { parseCType, type CType } from './ctypes.js';
export {
  defineStruct,
  HostRef,
  HostSlab,
  StructRegistry,
  SK_BUFF,
  NET_DEVICE,
  type StructLayout,
  type StructField,
  type StructFieldDecl,
} from './host-structs.js';
export { traceHelpers, formatPrintk, currentTask, HelperId, type TraceSink, type TaskInfo, type TraceHelperOptions } from './helpers.js';
export { TraceEvent, type EventOptions, type EventStats, type FieldDecl, type FieldAssign, type EventProgram, type EventHost } from './events/event.js';
export { Tracepoint, type TracepointOptions } from './events/tracepoint.js';
export { registerEsmProbes, esmExportSlot, esmProbeModules, type EsmProbeTarget } from './events/esm-hooks.js';
export { DynamicProbe, propertySlot, type FunctionSlot, type ProbeOptions } from './events/dynamic-probe.js';
export { TraceBuffer, DEFAULT_BUFFER_ENTRIES, type TraceEntry, type EntryKind } from './events/buffer.js';
export { tracePipe, formatEntry, type PipeOptions } from './events/pipe.js';
export { layoutEntry, formatDescription, COMMON_FIELDS, type EntryLayout, type EventField, type FieldValue } from './events/fields.js';
export { parseFetchPath, evalFetch, type FetchPath, type FetchFinal, type ArgDecl } from './events/fetch.js';
export type { PrintFormat } from './events/print-format.js';
export type { ArgDeclInput, ProbeArg, ArgMode } from './events/marshal.js';
export { parseFilter, filterFields, caretMessage, parseInteger, type FilterNode, type FilterOp, type NumPred, type StrPred, type NumConst } from './filter/parse.js';
export { PredicateFilter, branchProgram, MATCH, NO_MATCH, type BranchInsn } from './filter/preds.js';
export { compileFilter, compileTree, MAX_COMPILED_GLOB, type CompiledFilter, type CompileTarget } from './filter/compile.js';
export { parseGlob, matchGlob, type GlobElem } from './filter/glob.js';
export { SimNetStack, SIM_DEVICES, DEFAULT_FREE_LOCATION, deviceOfPacket, lengthOfPacket, type SimDevice, type SimNetStackOptions } from './sim/netstack.js';
export { handleControl, progInfo, progDump, mapInfo, mapDump, type ControlOp, type ControlRequest, type ControlResponse, type ProgInfo, type ProgDump, type MapInfo, type MapDump } from './control/protocol.js';
export { controlRequest } from './control/client.js';
export type { ControlServer } from './control/server.js';
export { runTraceBench, measureRow, benchRows, assembleBench, formatTraceBench, BENCH_FILTER, TEN_CONDITIONS, type TraceBenchOptions, type TraceBenchResult, type BenchRow, type BenchTable, type BenchRowSpec, type RowMeasure, type MeasureOptions } from './bench/trace-bench.js';
export { runDemo, demoTable, type DemoOptions, type DemoResult, type DemoTable, type DemoTableRow } from './sim/demo.js';
