/**
 * The package's only DI touchpoint: registers the socket subsystem under `subsystem:socket`.
 */
import { registerSubsystem, type DependencyContainer } from '@ebpf/core/runtime';
import { SocketSubsystem } from './subsystem.js';

/** Registers {@link SocketSubsystem} in `container` (created when a runtime first asks for it). */
export function registerSocket(container: DependencyContainer): DependencyContainer {
  return registerSubsystem(container, { name: 'socket', create: () => new SocketSubsystem() });
}
