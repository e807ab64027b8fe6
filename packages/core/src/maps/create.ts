/**
 * Map factory: MapSpec → BpfMap in a VM. (Placeholder dispatcher; the map types fill it in.)
 */
import { EbpfError } from '../errors.js';
import type { Vm } from '../runtime/vm.js';
import type { BpfMap } from './bpf-map.js';
import type { MapSpec } from './map-spec.js';

/**
 * Creates the storage of `spec` inside `vm`.
 * @throws {@link EbpfError} (`MAP`) for an unsupported type or invalid sizes.
 */
export function createMap(_vm: Vm, spec: MapSpec, _id: number): BpfMap {
  throw new EbpfError('MAP', `map ${spec.name}: map type '${spec.type}' is not available yet`);
}
