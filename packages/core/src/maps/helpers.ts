/**
 * The map helpers, as reusable HelperDefs with Linux's ids, names and prototypes, so every
 * subsystem can offer them (`new SimpleSubsystem({ helpers: [...MAP_HELPERS, ...mine] })`).
 * The checker proves their arguments for verified programs; the implementations still check
 * every pointer against VM memory, so an unchecked program with a bad pointer ends its run with
 * a clear HELPER error instead of touching the wrong bytes. `bpf_tail_call` needs the engine's
 * cooperation: see {@link tailCallHelper}.
 */
import { VmError } from '../errors.js';
import type { HelperArgs } from '../subsystem/helper-args.js';
import type { HelperDef, HelperEnv } from '../subsystem/subsystem.js';
import type { BpfMap } from './bpf-map.js';
import { Errno } from './errno.js';
import type { PerfEventArrayMap } from './perf-event-array.js';
import type { RingBufMap } from './ringbuf.js';

/** Linux helper ids of the map helpers. */
export const MAP_HELPER_IDS = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  tail_call: 12,
  perf_event_output: 25,
  ringbuf_output: 130,
  ringbuf_reserve: 131,
  ringbuf_submit: 132,
  ringbuf_discard: 133,
  ringbuf_query: 134,
} as const;

function fault(helper: string, message: string): VmError {
  return new VmError('HELPER', `${helper}: ${message}`, -1);
}

/** The map r`i` points to. @throws {@link VmError} when r`i` is not a map pointer. */
function mapArg(helper: string, args: HelperArgs, env: HelperEnv, i: number, type?: string): BpfMap {
  const map = env.vm.mapAt(args.num(i));
  if (!map) throw fault(helper, `r${i} 0x${args.u64(i).toString(16)} is not a map pointer`);
  if (type !== undefined && map.spec.type !== type) throw fault(helper, `r${i} is map ${map.spec.name} of type ${map.spec.type}, expected ${type}`);
  return map;
}

/**
 * VM offset of the `size` bytes r`i` points to.
 * @throws {@link VmError} when they are not inside one region of VM memory (writable if `write`).
 */
function memArg(helper: string, args: HelperArgs, env: HelperEnv, i: number, size: number, what: string, write = false): number {
  const off = args.num(i) - env.vm.mem.baseNumber;
  if (!env.vm.mem.isValidOffset(off, size, write)) {
    throw fault(helper, `r${i} 0x${args.u64(i).toString(16)}: ${what} of ${size} bytes is not inside ${write ? 'writable ' : ''}VM memory`);
  }
  return off;
}

/** r`i` as a size: a u64 below 2^31, else undefined. */
function sizeArg(args: HelperArgs, i: number): number | undefined {
  return args.hi(i) === 0 && args.u32(i) < 0x80000000 ? args.u32(i) : undefined;
}

/** `void *bpf_map_lookup_elem(map, key)`: pointer to the value, or NULL. */
export const mapLookupElemHelper: HelperDef = {
  id: MAP_HELPER_IDS.map_lookup_elem,
  name: 'bpf_map_lookup_elem',
  aliases: ['map_lookup_elem'],
  proto: { ret: 'map_value_or_null', args: ['map_ptr', 'map_key'] },
  impl(args, env) {
    const map = mapArg('bpf_map_lookup_elem', args, env, 1);
    const key = memArg('bpf_map_lookup_elem', args, env, 2, map.spec.keySize, 'key');
    if (map.lookupValueOffset) {
      const off = map.lookupValueOffset(key);
      return off < 0 ? 0 : env.vm.mem.baseNumber + off;
    }
    return map.lookupAddress(key);
  },
};

/** `long bpf_map_update_elem(map, key, value, flags)`: 0 or a negative errno. */
export const mapUpdateElemHelper: HelperDef = {
  id: MAP_HELPER_IDS.map_update_elem,
  name: 'bpf_map_update_elem',
  aliases: ['map_update_elem'],
  proto: { ret: 'integer', args: ['map_ptr', 'map_key', 'map_value', 'anything'] },
  impl(args, env) {
    const map = mapArg('bpf_map_update_elem', args, env, 1);
    const key = memArg('bpf_map_update_elem', args, env, 2, map.spec.keySize, 'key');
    const value = memArg('bpf_map_update_elem', args, env, 3, map.spec.valueSize, 'value');
    if (args.hi(4) !== 0) return -Errno.EINVAL;
    return map.updateFrom(key, value, args.u32(4));
  },
};

/** `long bpf_map_delete_elem(map, key)`: 0 or a negative errno. */
export const mapDeleteElemHelper: HelperDef = {
  id: MAP_HELPER_IDS.map_delete_elem,
  name: 'bpf_map_delete_elem',
  aliases: ['map_delete_elem'],
  proto: { ret: 'integer', args: ['map_ptr', 'map_key'] },
  impl(args, env) {
    const map = mapArg('bpf_map_delete_elem', args, env, 1);
    const key = memArg('bpf_map_delete_elem', args, env, 2, map.spec.keySize, 'key');
    return map.deleteFrom(key);
  },
};

/**
 * `long bpf_tail_call(ctx, prog_array, index)`. Engines implement it: when a program calls helper
 * 12 and this def is the one resolved, the engine calls `vm.tailCall(r2, r3, r1)` and returns the
 * result's r0 at once when taken (see docs/runtime.md). Called as a plain helper (an engine that
 * does not handle tail calls), it returns the miss errno when no program would run, and fails the
 * run with a clear error when one would: continuing after a taken tail call would be wrong.
 */
export const tailCallHelper: HelperDef = {
  id: MAP_HELPER_IDS.tail_call,
  name: 'bpf_tail_call',
  aliases: ['tail_call'],
  proto: { ret: 'integer', args: ['ptr_to_ctx', 'map_ptr', 'anything'] },
  impl(args, env) {
    mapArg('bpf_tail_call', args, env, 2, 'prog_array');
    const index = args.hi(3) === 0 ? args.u32(3) : 0xffffffff;
    if (env.vm.tailCallDepth < env.vm.maxTailCalls && env.vm.resolveTailCall(args.num(2), index)) {
      throw fault('bpf_tail_call', 'this engine does not implement tail calls (it must call vm.tailCall for helper 12)');
    }
    return env.vm.tailCall(args.num(2), index, args.num(1)).r0;
  },
};

/** `long bpf_perf_event_output(ctx, map, flags, data, size)`: 0 or a negative errno. */
export const perfEventOutputHelper: HelperDef = {
  id: MAP_HELPER_IDS.perf_event_output,
  name: 'bpf_perf_event_output',
  aliases: ['perf_event_output'],
  proto: { ret: 'integer', args: ['ptr_to_ctx', 'map_ptr', 'anything', 'mem', 'const_size_or_zero'], gplOnly: true },
  impl(args, env) {
    const map = mapArg('bpf_perf_event_output', args, env, 2, 'perf_event_array') as PerfEventArrayMap;
    const size = sizeArg(args, 5);
    if (size === undefined) return -Errno.EINVAL;
    const data = memArg('bpf_perf_event_output', args, env, 4, size, 'data');
    const hi = args.hi(3);
    if (hi & ~0xfffff) return -Errno.EINVAL;
    if (hi !== 0) return -Errno.EOPNOTSUPP; // BPF_F_CTXLEN_MASK: appending context bytes is not supported
    return map.output(args.u32(3), data, size);
  },
};

/** `long bpf_ringbuf_output(ringbuf, data, size, flags)`: 0, or -EAGAIN when the ring is full. */
export const ringbufOutputHelper: HelperDef = {
  id: MAP_HELPER_IDS.ringbuf_output,
  name: 'bpf_ringbuf_output',
  aliases: ['ringbuf_output'],
  proto: { ret: 'integer', args: ['map_ptr', 'mem', 'const_size_or_zero', 'anything'] },
  impl(args, env) {
    const map = mapArg('bpf_ringbuf_output', args, env, 1, 'ringbuf') as RingBufMap;
    const size = sizeArg(args, 3);
    if (size === undefined) return -Errno.EINVAL;
    const data = memArg('bpf_ringbuf_output', args, env, 2, size, 'data');
    if (args.hi(4) !== 0 || (args.u32(4) & ~3) !== 0) return -Errno.EINVAL;
    return map.output(data, size) ? 0 : -Errno.EAGAIN;
  },
};

/** `void *bpf_ringbuf_reserve(ringbuf, size, flags)`: pointer to `size` writable bytes, or NULL. */
export const ringbufReserveHelper: HelperDef = {
  id: MAP_HELPER_IDS.ringbuf_reserve,
  name: 'bpf_ringbuf_reserve',
  aliases: ['ringbuf_reserve'],
  proto: { ret: 'ringbuf_mem_or_null', args: ['map_ptr', 'const', 'anything'] },
  impl(args, env) {
    const map = mapArg('bpf_ringbuf_reserve', args, env, 1, 'ringbuf') as RingBufMap;
    const size = sizeArg(args, 2);
    if (size === undefined || args.u32(3) !== 0 || args.hi(3) !== 0) return 0;
    const off = map.reserve(size);
    return off < 0 ? 0 : env.vm.mem.baseNumber + off;
  },
};

function commitRecord(helper: string, discard: boolean, args: HelperArgs, env: HelperEnv): number {
  const off = args.num(1) - env.vm.mem.baseNumber;
  const region = env.vm.mem.regionAt(off);
  const map = region && env.vm.maps().find((m) => m.spec.type === 'ringbuf' && m.values === region);
  if (!map || !(map as RingBufMap).commit(off, discard)) {
    throw fault(helper, `r1 0x${args.u64(1).toString(16)} is not a pending ring buffer reservation`);
  }
  return 0;
}

/** `void bpf_ringbuf_submit(data, flags)`: publishes a reserved record. */
export const ringbufSubmitHelper: HelperDef = {
  id: MAP_HELPER_IDS.ringbuf_submit,
  name: 'bpf_ringbuf_submit',
  aliases: ['ringbuf_submit'],
  proto: { ret: 'void', args: ['ringbuf_mem', 'anything'] },
  impl: (args, env) => commitRecord('bpf_ringbuf_submit', false, args, env),
};

/** `void bpf_ringbuf_discard(data, flags)`: drops a reserved record. */
export const ringbufDiscardHelper: HelperDef = {
  id: MAP_HELPER_IDS.ringbuf_discard,
  name: 'bpf_ringbuf_discard',
  aliases: ['ringbuf_discard'],
  proto: { ret: 'void', args: ['ringbuf_mem', 'anything'] },
  impl: (args, env) => commitRecord('bpf_ringbuf_discard', true, args, env),
};

/**
 * `u64 bpf_ringbuf_query(ringbuf, flags)`: flags 0 = bytes not yet consumed, 1 = ring size,
 * 2 = consumer position, 3 = producer position (Linux `BPF_RB_*`); other flags 0.
 */
export const ringbufQueryHelper: HelperDef = {
  id: MAP_HELPER_IDS.ringbuf_query,
  name: 'bpf_ringbuf_query',
  aliases: ['ringbuf_query'],
  proto: { ret: 'integer', args: ['map_ptr', 'anything'] },
  impl(args, env) {
    const ring = (mapArg('bpf_ringbuf_query', args, env, 1, 'ringbuf') as RingBufMap).ring;
    if (args.hi(2) !== 0) return 0;
    switch (args.u32(2)) {
      case 0:
        return ring.pending;
      case 1:
        return ring.size;
      case 2:
        return ring.consumerPosition;
      case 3:
        return ring.producerPosition;
      default:
        return 0;
    }
  },
};

/** Every map helper, for a subsystem's helper list. */
export const MAP_HELPERS: readonly HelperDef[] = Object.freeze([
  mapLookupElemHelper,
  mapUpdateElemHelper,
  mapDeleteElemHelper,
  tailCallHelper,
  perfEventOutputHelper,
  ringbufOutputHelper,
  ringbufReserveHelper,
  ringbufSubmitHelper,
  ringbufDiscardHelper,
  ringbufQueryHelper,
]);
