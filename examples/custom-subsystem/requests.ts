/**
 * An integrator's subsystem: programs filter HTTP requests. The context is a 16-byte request
 * record; one custom helper gives the slow-request threshold; the map helpers come from core.
 * One class and one register call are all it takes (see docs/custom-subsystem.md).
 */
import { MAP_HELPERS, SimpleSubsystem, type HelperDef } from '@ebpf/core';
import { registerSubsystem, type DependencyContainer } from '@ebpf/core/runtime';

/** The request record programs see (r1 points to it): offsets in bytes. */
export const REQUEST = { STATUS: 0, METHOD: 4, LATENCY_NS: 8, SIZE: 16 } as const;

/** The `requests` subsystem: a read-only request record, map helpers and one helper of ours. */
export class RequestSubsystem extends SimpleSubsystem {
  constructor(slowNs: number) {
    const slowThreshold: HelperDef = {
      id: 0x10000, // ids of our own, above Linux's
      name: 'request_slow_threshold_ns',
      proto: { ret: 'integer', args: [] },
      impl: () => slowNs,
    };
    super({
      name: 'requests',
      context: {
        size: REQUEST.SIZE,
        fields: [
          { name: 'status', offset: REQUEST.STATUS, size: 4, access: 'read' },
          { name: 'method', offset: REQUEST.METHOD, size: 4, access: 'read' },
          { name: 'latency_ns', offset: REQUEST.LATENCY_NS, size: 8, access: 'read' },
        ],
      },
      helpers: [...MAP_HELPERS, slowThreshold],
    });
  }
}

/** Registers the subsystem as `subsystem:requests`. */
export function registerRequests(container: DependencyContainer, slowNs = 250_000_000): DependencyContainer {
  return registerSubsystem(container, new RequestSubsystem(slowNs));
}
