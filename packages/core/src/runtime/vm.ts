/**
 * A VM: one fixed memory plus what every run needs inside it — the stack frames, the helper
 * argument block and the maps. Engines compile programs against one VM; programs loaded into the
 * same VM can share maps. Browser-safe: no Node built-ins, no DI.
 */
import { EbpfError } from '../errors.js';
import { MAX_CALL_FRAMES, STACK_SIZE } from '../isa/registers.js';
import type { BpfMap } from '../maps/bpf-map.js';
import { createMap } from '../maps/create.js';
import type { MapSpec } from '../maps/map-spec.js';
import { VmMemory, type Region, type VmMemoryOptions } from '../memory/vm-memory.js';
import { HELPER_ARGS_SIZE, HelperArgs } from '../subsystem/helper-args.js';

/** Options for {@link Vm}. */
export interface VmOptions extends VmMemoryOptions {
  /** Maximum bpf-to-bpf call depth (frames of 512 bytes each); default 8 as in Linux. */
  readonly maxCallFrames?: number;
}

/** One VM: memory, stack, helper argument block and maps. */
export class Vm {
  /** The memory and its regions. */
  readonly mem: VmMemory;
  /** Stack frames: `maxCallFrames` frames of {@link STACK_SIZE} bytes; frame 0 is at the top. */
  readonly stack: Region;
  /** The helper argument block (r0..r5, 8 bytes each). */
  readonly argsRegion: Region;
  /** Reader of the argument block. */
  readonly args: HelperArgs;
  /** Maximum call frames. */
  readonly maxCallFrames: number;
  private readonly mapList: BpfMap[] = [];
  private readonly mapsByAddress = new Map<bigint, BpfMap>();

  constructor(options: VmOptions = {}) {
    this.mem = new VmMemory(options);
    this.maxCallFrames = options.maxCallFrames ?? MAX_CALL_FRAMES;
    this.stack = this.mem.alloc(this.maxCallFrames * STACK_SIZE, { kind: 'stack', name: 'stack', align: 16, elemSize: STACK_SIZE });
    this.argsRegion = this.mem.alloc(HELPER_ARGS_SIZE, { kind: 'scratch', name: 'helper arguments', align: 8 });
    this.args = new HelperArgs(this.mem.memory.buffer, this.argsRegion.offset);
  }

  /**
   * Address the frame pointer (r10) holds on entry to the outermost frame: one past the end of
   * the stack region. Frame k (k calls deep) ends at `stackTop - k * 512`.
   */
  get stackTop(): bigint {
    return this.stack.address + BigInt(this.stack.size);
  }

  /** Byte offset of {@link stackTop}. */
  get stackTopOffset(): number {
    return this.stack.offset + this.stack.size;
  }

  /**
   * Creates a map in this VM.
   * @throws {@link EbpfError} (`MAP`) for unsupported types or bad sizes; {@link VmError} when
   * VM memory runs out.
   */
  createMap(spec: MapSpec): BpfMap {
    const map = createMap(this, spec, this.mapList.length);
    this.mapList.push(map);
    this.mapsByAddress.set(map.address, map);
    return map;
  }

  /** The map whose descriptor is at `address` (a map pointer), if any. */
  mapAt(address: bigint): BpfMap | undefined {
    return this.mapsByAddress.get(address);
  }

  /** Every map of this VM. */
  maps(): readonly BpfMap[] {
    return this.mapList;
  }

  /** Frees a map's memory. */
  destroyMap(map: BpfMap): void {
    const i = this.mapList.indexOf(map);
    if (i < 0) throw new EbpfError('MAP', `map ${map.spec.name} does not belong to this VM`);
    map.dispose();
    this.mapsByAddress.delete(map.address);
  }
}
