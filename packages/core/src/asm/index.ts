/**
 * Assembler and disassembler, and the instruction builder.
 * @packageDocumentation
 */
export * from './builder.js';
export * from './parse.js';
export * from './format.js';
export * from './pseudo.js';
