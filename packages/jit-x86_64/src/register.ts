/**
 * The only DI touchpoint of @ebpf/jit-x86_64: registers the `jit-x86_64` engine in a tsyringe
 * container (under `engine:jit-x86_64`). The engine is built on first use, and koffi is loaded
 * only when it compiles, so registering on a host without native support costs nothing: the
 * engine then reports why through `unavailable()`.
 */
import { registerEngine, type DependencyContainer } from '@ebpf/core/runtime';
import { X86Engine, type X86EngineOptions } from './engine.js';

/**
 * Registers {@link X86Engine} as `engine:jit-x86_64` in `container`.
 * @param options engine options (constant blinding, inline map lookups).
 * @returns the container, for chaining.
 */
export function registerX86(container: DependencyContainer, options: X86EngineOptions = {}): DependencyContainer {
  return registerEngine(container, { name: 'jit-x86_64', create: () => new X86Engine(options) });
}
