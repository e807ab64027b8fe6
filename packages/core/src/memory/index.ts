/**
 * VM memory: one fixed `WebAssembly.Memory` per VM, its regions, and bump arenas for per-run
 * buffers.
 * @packageDocumentation
 */
export * from './vm-memory.js';
export * from './arena.js';
