/**
 * `@ebpf/cli`: the `ebpf` command-line tool. Programmatic entry: {@link main}.
 * @packageDocumentation
 */
export { main, createProgram } from './main.js';
