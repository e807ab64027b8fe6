/**
 * Test harnesses for subsystem and engine authors: accept/reject tables for the checker, one case
 * table across every engine, the bpf_conformance file format, and a seeded random source.
 * @packageDocumentation
 */
export * from './test-api.js';
export * from './checker-cases.js';
export * from './engine-cases.js';
export * from './conformance.js';
export * from './seeded-random.js';
