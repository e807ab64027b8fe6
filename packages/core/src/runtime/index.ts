/**
 * The VM, the DI tokens and registration calls, the `auto` engine rule, and the Runtime that
 * resolves subsystems and engines.
 * @packageDocumentation
 */
export * from './vm.js';
export * from './tokens.js';
export * from './container.js';
export * from './auto.js';
export * from './runtime.js';
