/**
 * The package's only DI touchpoint: registers the seccomp subsystem under `subsystem:seccomp`.
 */
import { registerSubsystem, type DependencyContainer } from '@ebpf/core/runtime';
import { SeccompSubsystem } from './subsystem.js';

/** Registers {@link SeccompSubsystem} in `container` (created when a runtime first asks for it). */
export function registerSeccomp(container: DependencyContainer): DependencyContainer {
  return registerSubsystem(container, { name: 'seccomp', create: () => new SeccompSubsystem() });
}
