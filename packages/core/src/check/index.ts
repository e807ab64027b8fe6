/**
 * The checker: proves termination and memory safety, producing a VerifiedProgram.
 * @packageDocumentation
 */
export type { VerifiedProgram, VerifiedFunc, CheckStats } from './verified.js';
