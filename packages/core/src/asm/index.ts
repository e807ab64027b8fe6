/**
 * Assembler and disassembler, and the instruction builder.
 * @packageDocumentation
 */
export {};
