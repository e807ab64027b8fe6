/**
 * `@ebpf/core`: the eBPF instruction set, program images, the assembler, the checker, maps, VM
 * memory and the contracts every engine and subsystem implements.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './isa/index.js';
export * from './asm/index.js';
export * from './image/index.js';
export * from './maps/index.js';
export * from './memory/index.js';
export * from './subsystem/index.js';
export * from './engine/index.js';
export * from './check/index.js';
export * from './runtime/index.js';
