/**
 * VM memory: one fixed `WebAssembly.Memory` per VM and its regions.
 * @packageDocumentation
 */
export * from './vm-memory.js';
