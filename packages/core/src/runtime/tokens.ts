/**
 * Injection tokens and the registration calls every package's `register.ts` uses.
 * Tokens are explicit strings (`subsystem:<name>`, `engine:<name>`): esbuild emits no decorator
 * metadata, so nothing is resolved by constructor type. This file only needs tsyringe's types;
 * resolving (at load time, never per run) is `runtime.ts`'s job.
 */
import type { DependencyContainer } from 'tsyringe';
import type { Engine } from '../engine/engine.js';
import type { Subsystem } from '../subsystem/subsystem.js';

export type { DependencyContainer };

/** Token prefix of subsystems: a subsystem named `trace` is registered under `subsystem:trace`. */
export const SUBSYSTEM_PREFIX = 'subsystem:';
/** Token prefix of engines: the interpreter is registered under `engine:interp`. */
export const ENGINE_PREFIX = 'engine:';

/** The injection token of the subsystem called `name`. */
export function subsystemToken(name: string): string {
  return SUBSYSTEM_PREFIX + name;
}

/** The injection token of the engine called `name`. */
export function engineToken(name: string): string {
  return ENGINE_PREFIX + name;
}

/**
 * Registers a subsystem under `subsystem:<name>`: a ready instance (one per container), or a
 * factory called once, when a runtime first resolves it.
 * @returns the container, for chaining.
 */
export function registerSubsystem(
  container: DependencyContainer,
  subsystem: Subsystem | { readonly name: string; readonly create: () => Subsystem },
): DependencyContainer {
  const token = subsystemToken(subsystem.name);
  if ('create' in subsystem && typeof subsystem.create === 'function') {
    return container.register<Subsystem>(token, { useFactory: once(subsystem.create) });
  }
  return container.register<Subsystem>(token, { useValue: subsystem as Subsystem });
}

/**
 * Registers an engine under `engine:<name>`: a ready instance, or a factory called once, when a
 * runtime first resolves it (so an engine whose package loads native code costs nothing until
 * it is chosen).
 * @returns the container, for chaining.
 */
export function registerEngine(
  container: DependencyContainer,
  engine: Engine | { readonly name: string; readonly create: () => Engine },
): DependencyContainer {
  const token = engineToken(engine.name);
  if ('create' in engine && typeof engine.create === 'function') {
    return container.register<Engine>(token, { useFactory: once(engine.create) });
  }
  return container.register<Engine>(token, { useValue: engine as Engine });
}

/** A factory for tsyringe's `useFactory` that builds its value on the first call only. */
function once<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
