/**
 * Containers for packages that register subsystems and engines without depending on tsyringe
 * themselves: a fresh child of tsyringe's global container, so tests and embedders never
 * register into the global one. `reflect-metadata` is imported first, as tsyringe requires.
 */
import 'reflect-metadata';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';

/**
 * A new, empty-looking container: a child of tsyringe's global container (or of `parent`).
 * Registrations made in it stay in it.
 */
export function createContainer(parent: DependencyContainer = globalContainer): DependencyContainer {
  return parent.createChildContainer();
}
