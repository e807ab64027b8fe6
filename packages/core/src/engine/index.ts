/**
 * The engine contract and the lowered program form engines consume.
 * @packageDocumentation
 */
export * from './engine.js';
export * from './lowered.js';
