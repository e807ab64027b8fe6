/**
 * The package's one DI touchpoint: registers the wasm engine under `engine:jit-wasm` in a
 * tsyringe container, so a Runtime can resolve it by name. Nothing here runs per program.
 */
import { registerEngine, type DependencyContainer } from '@ebpf/core';
import { WasmEngine } from './engine.js';

/**
 * Registers {@link WasmEngine} in `container` (created on first use).
 * @returns the container, for chaining.
 */
export function registerWasm(container: DependencyContainer): DependencyContainer {
  return registerEngine(container, { name: 'jit-wasm', create: () => new WasmEngine() });
}
