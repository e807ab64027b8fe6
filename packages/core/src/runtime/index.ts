/**
 * The VM and the runtime that resolves subsystems and engines.
 * @packageDocumentation
 */
export * from './vm.js';
