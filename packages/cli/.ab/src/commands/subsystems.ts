/**
 * The subsystems the CLI's `run --ctx` can load, by name: one line per subsystem package, each
 * loaded on demand and registered in the container a Runtime resolves from.
 */
import type { DependencyContainer } from '@ebpf/core';

/** One subsystem the CLI knows. */
export interface SubsystemEntry {
  readonly name: string;
  /** Loads the package and registers the subsystem in `container`. */
  readonly register: (container: DependencyContainer) => Promise<void>;
}

/** Every subsystem the CLI knows. */
export const SUBSYSTEM_ENTRIES: readonly SubsystemEntry[] = [
  { name: 'trace', register: async (c) => void (await import('@ebpf/trace')).registerTrace(c) },
  { name: 'socket', register: async (c) => void (await import('@ebpf/socket')).registerSocket(c) },
  { name: 'seccomp', register: async (c) => void (await import('@ebpf/seccomp')).registerSeccomp(c) },
];
