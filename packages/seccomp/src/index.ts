/**
 * `@ebpf/seccomp`: the seccomp subsystem (for now its context table and registration; profiles
 * and the classic-BPF path come with the seccomp issue).
 * @packageDocumentation
 */
export * from './context.js';
export * from './subsystem.js';
export * from './register.js';
