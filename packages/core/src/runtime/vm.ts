/**
 * A VM: one fixed memory plus what every run needs inside it — the stack frames, the helper
 * argument block, the maps and the table of programs that tail calls jump to. Engines compile
 * programs against one VM; programs loaded into the same VM can share maps. Browser-safe: no Node
 * built-ins, no DI. The tail-call protocol engines follow is in docs/runtime.md.
 */
import { EbpfError, VmError } from '../errors.js';
import { MAX_CALL_FRAMES, STACK_SIZE } from '../isa/registers.js';
import type { BpfMap } from '../maps/bpf-map.js';
import { createMap } from '../maps/create.js';
import { Errno } from '../maps/errno.js';
import type { MapSpec } from '../maps/map-spec.js';
import { VmMemory, type Region, type VmMemoryOptions } from '../memory/vm-memory.js';
import { HELPER_ARGS_SIZE, HelperArgs } from '../subsystem/helper-args.js';

/** Options for {@link Vm}. */
export interface VmOptions extends VmMemoryOptions {
  /** Maximum bpf-to-bpf call depth (frames of 512 bytes each); default 8 as in Linux. */
  readonly maxCallFrames?: number;
  /** Ring size of perf event arrays in bytes (power of two ≥ 4096); default 64 KiB. */
  readonly perfRingSize?: number;
  /** Maximum tail calls in one chain; default {@link MAX_TAIL_CALLS} (33, as Linux). */
  readonly maxTailCalls?: number;
}

/** Linux's limit on tail calls in one chain (`MAX_TAIL_CALL_CNT`). */
export const MAX_TAIL_CALLS = 33;

/**
 * A program a tail call can jump to: anything that runs with r1 = the context and returns r0.
 * The runtime registers each loaded program; engines never need to know which engine runs it.
 */
export interface TailCallTarget {
  /** Name for messages. */
  readonly name: string;
  /** Runs the program with r1 (the caller's context pointer); returns r0 as an unsigned 64-bit value. */
  run(r1: bigint | number): bigint;
}

/** The outcome of {@link Vm.tailCall}. */
export interface TailCallResult {
  /** True when the target ran: the caller must return `r0` at once, ending its run. */
  readonly taken: boolean;
  /**
   * Taken: the target's r0. Not taken: the negative errno the caller continues with in r0
   * (-ENOENT empty slot, -E2BIG index out of range or chain limit reached, -EINVAL not a
   * program array), as an unsigned 64-bit value.
   */
  readonly r0: bigint;
}

/** A prog_array map as {@link Vm.tailCall} sees it. */
interface ProgTable {
  programAt(index: number): number;
}

const missResult = (errno: number): TailCallResult => Object.freeze({ taken: false, r0: BigInt.asUintN(64, BigInt(-errno)) });
const MISS_ENOENT = missResult(Errno.ENOENT);
const MISS_E2BIG = missResult(Errno.E2BIG);
const MISS_EINVAL = missResult(Errno.EINVAL);

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
  /** Maximum tail calls in one chain. */
  readonly maxTailCalls: number;
  /** Tail calls taken in the chain now running (0 outside tail calls). */
  tailCallDepth = 0;
  private readonly mapList: BpfMap[] = [];
  private readonly mapsByAddress = new Map<number, BpfMap>();
  private nextMapId = 0;
  private readonly perfRingSize: number | undefined;
  private readonly programTable = new Map<number, TailCallTarget>();
  private nextProgramId = 1;

  constructor(options: VmOptions = {}) {
    this.mem = new VmMemory(options);
    this.maxCallFrames = options.maxCallFrames ?? MAX_CALL_FRAMES;
    this.maxTailCalls = options.maxTailCalls ?? MAX_TAIL_CALLS;
    this.perfRingSize = options.perfRingSize;
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
   * @throws {@link MapError} (`MAP`) for unsupported types, bad sizes, or when VM memory cannot
   * hold the map.
   */
  createMap(spec: MapSpec): BpfMap {
    const map = createMap(this, spec, this.nextMapId, this.perfRingSize !== undefined ? { perfRingSize: this.perfRingSize } : {});
    this.nextMapId++;
    this.mapList.push(map);
    this.mapsByAddress.set(Number(map.address), map);
    return map;
  }

  /** The map whose descriptor is at `address` (a map pointer), if any. */
  mapAt(address: bigint | number): BpfMap | undefined {
    return this.mapsByAddress.get(typeof address === 'bigint' ? Number(address) : address);
  }

  /** Every live map of this VM, in creation order. */
  maps(): readonly BpfMap[] {
    return this.mapList;
  }

  /**
   * Frees a map's memory; its pointer stops resolving.
   * @throws {@link EbpfError} (`MAP`) when the map belongs to another VM.
   */
  destroyMap(map: BpfMap): void {
    const i = this.mapList.indexOf(map);
    if (i < 0) throw new EbpfError('MAP', `map ${map.spec.name} does not belong to this VM`);
    this.mapList.splice(i, 1);
    this.mapsByAddress.delete(Number(map.address));
    map.dispose();
  }

  // ---- programs and tail calls -------------------------------------------------------------

  /** Registers a tail-call target; returns its id (≥ 1), the value prog_array slots hold. */
  registerProgram(target: TailCallTarget): number {
    const id = this.nextProgramId++;
    this.programTable.set(id, target);
    return id;
  }

  /** Removes a program from the table and from every prog_array slot naming it. */
  unregisterProgram(id: number): void {
    if (!this.programTable.delete(id)) return;
    for (const m of this.mapList) {
      if (m.spec.type === 'prog_array') (m as unknown as { forget(id: number): void }).forget(id);
    }
  }

  /** The registered program with this id, if any. */
  program(id: number): TailCallTarget | undefined {
    return this.programTable.get(id);
  }

  /** The program a tail call through `mapAddress[index]` would run, without running it. */
  resolveTailCall(mapAddress: bigint | number, index: number): TailCallTarget | undefined {
    const map = this.mapAt(mapAddress);
    if (!map || map.spec.type !== 'prog_array') return undefined;
    const id = (map as unknown as ProgTable).programAt(index);
    return id === 0 ? undefined : this.programTable.get(id);
  }

  /**
   * Performs `bpf_tail_call(ctx, map, index)` for an engine that reached `call 12`: runs the
   * program in slot `index` of the prog_array at `mapAddress` with r1 = `r1` (its stack frame
   * reuses the caller's, which is dead from here on). When {@link TailCallResult.taken}, the
   * caller returns `r0` immediately; otherwise it continues with r0 = the result's errno.
   * At most {@link maxTailCalls} tail calls run in one chain, as in Linux.
   * @throws {@link VmError} when the target's run fails (the whole run fails).
   */
  tailCall(mapAddress: bigint | number, index: bigint | number, r1: bigint | number): TailCallResult {
    const map = this.mapAt(mapAddress);
    if (!map || map.spec.type !== 'prog_array') return MISS_EINVAL;
    const i = typeof index === 'bigint' ? Number(BigInt.asUintN(32, index)) : index >>> 0;
    if (i >= map.spec.maxEntries) return MISS_E2BIG;
    if (this.tailCallDepth >= this.maxTailCalls) return MISS_E2BIG;
    const id = (map as unknown as ProgTable).programAt(i);
    const target = id === 0 ? undefined : this.programTable.get(id);
    if (!target) return MISS_ENOENT;
    this.tailCallDepth++;
    try {
      return { taken: true, r0: target.run(r1) };
    } catch (e) {
      if (EbpfError.is(e)) throw e;
      throw new VmError('HELPER', `tail call to ${target.name} failed: ${e instanceof Error ? e.message : String(e)}`, -1, { cause: e });
    } finally {
      this.tailCallDepth--;
    }
  }
}
