/**
 * The only DI touchpoint of @ebpf/interp: registers the `interp` engine in a tsyringe container
 * (under `engine:interp`), for a Runtime to resolve at load time.
 */
import { registerEngine, type DependencyContainer } from '@ebpf/core/runtime';
import { InterpEngine } from './engine.js';

/**
 * Registers {@link InterpEngine} as `engine:interp` in `container`.
 * @returns the container, for chaining.
 */
export function registerInterp(container: DependencyContainer): DependencyContainer {
  return registerEngine(container, new InterpEngine());
}
