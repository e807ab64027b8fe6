/**
 * `@ebpf/socket`: the socket filter subsystem (for now its context table, helpers and
 * registration; pcap input and flows come with the socket issue).
 * @packageDocumentation
 */
export * from './context.js';
export * from './subsystem.js';
export * from './register.js';
