/**
 * Program images: the program model and the input formats that produce it.
 * @packageDocumentation
 */
export * from './program-spec.js';
