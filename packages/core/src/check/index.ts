/**
 * The checker: proves termination and memory safety, producing a VerifiedProgram.
 * @packageDocumentation
 */
export type { VerifiedProgram, VerifiedFunc, CheckStats } from './verified.js';
export { check, type CheckOptions, DEFAULT_MAX_INSNS, MAX_INSNS_LIMIT, MAX_MAPS } from './checker.js';
export { CheckerError, formatLogLines, type CheckerState, type FormatLogOptions } from './checker-error.js';
export { REASONS, REJECT_REASONS, formatReason, type RejectReason, type ReasonParams } from './reasons.js';
export { GPL_COMPATIBLE_LICENSES, isGplCompatible } from './call.js';
