/**
 * The instruction set: opcodes, registers, the `Insn` model, the mnemonic table, encode/decode
 * (RFC 9669 and the seed's 2013 dialect) and label resolution.
 * @packageDocumentation
 */
export * from './opcodes.js';
export * from './registers.js';
export * from './insn.js';
export * from './mnemonics.js';
export * from './decode.js';
export * from './encode.js';
export * from './encode-error.js';
export * from './labels.js';
export * from './seed-dialect.js';
