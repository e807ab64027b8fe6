/**
 * The subsystem contract (the seed's bpf_callbacks): context access, helper prototypes and
 * implementations.
 * @packageDocumentation
 */
export * from './subsystem.js';
export * from './context-access.js';
export * from './helper-proto.js';
export * from './helper-args.js';
export * from './struct-layout.js';
