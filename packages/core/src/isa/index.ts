/**
 * The instruction set: opcodes, registers, the `Insn` model, encode/decode.
 * @packageDocumentation
 */
export * from './opcodes.js';
export * from './registers.js';
export * from './insn.js';
