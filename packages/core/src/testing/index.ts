/**
 * Test harnesses for subsystem and engine authors.
 * @packageDocumentation
 */
export {};
