/**
 * The only DI touchpoint of @ebpf/trace: registers the `trace` subsystem (the bare `pt_regs`
 * context and the trace helpers) in a tsyringe container, for a Runtime to resolve at load
 * time. Event-specific subsystems (with an event's entry) are made by the Tracer, not by DI.
 */
import { registerSubsystem, type DependencyContainer } from '@ebpf/core/runtime';
import { TraceSubsystem } from './subsystem.js';

/**
 * Registers a {@link TraceSubsystem} as `subsystem:trace` in `container` (built on first use).
 * @returns the container, for chaining.
 */
export function registerTrace(container: DependencyContainer): DependencyContainer {
  return registerSubsystem(container, { name: 'trace', create: () => new TraceSubsystem() });
}
