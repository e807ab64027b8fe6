/**
 * Maps: blueprints and the storage every map type implements in VM memory.
 * @packageDocumentation
 */
export * from './map-spec.js';
export * from './bpf-map.js';
export * from './create.js';
