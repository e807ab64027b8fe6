/**
 * Program images: the program model and the input formats that produce it (seed image, raw
 * bytecode, ELF objects), chosen by magic in {@link decodeAny}.
 * @packageDocumentation
 */
export * from './program-spec.js';
export * from './image-error.js';
export * from './seed-image.js';
export * from './raw.js';
export * from './load.js';
export * from './elf/index.js';
