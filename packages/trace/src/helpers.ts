/**
 * The trace subsystem's helpers (the seed's `bpf_trace_callbacks`): the seed's own, with their
 * names and prototypes (`bpf_load_pointer`, `bpf_memcmp`, `bpf_trace_printk`, `bpf_dump_stack`,
 * `bpf_table_lookup`, `bpf_table_update`), and today's equivalents by Linux id (probe reads,
 * ktime, pid/tgid, trace_printk, and core's map, perf and ring buffer helpers). Reads through
 * unsafe pointers never fault: any address inside VM memory is readable (as probe_kernel_read
 * reads any mapped kernel address); anything else gives 0 / -EFAULT.
 * The pointer reads declare core's inline descriptions (`HelperDef.inline`), so a JIT may emit
 * them as code; their implementations here are the reference those descriptions must match.
 * Where printed lines and stack dumps go is the {@link TraceSink}'s business.
 */
import { Errno, GUARD_SIZE, MAP_HELPERS, VmError, type HelperArgs, type HelperDef, type HelperEnv, type Vm, type VmMemory } from '@ebpf/core';
import { readable, strSpan } from './events/fetch.js';
import { HelperId } from './helper-ids.js';

export { HelperId };

/** Where `bpf_trace_printk` lines and `bpf_dump_stack` dumps go (the tracer's buffer). */
export interface TraceSink {
  /** A formatted `bpf_trace_printk` message (trailing newline removed). */
  printk(message: string, program: string): void;
  /** A stack dump request from `bpf_dump_stack`. */
  dumpStack(program: string): void;
}

/** Identity of the process as the helpers report it. */
export interface TaskInfo {
  /** Process id (also the tgid). */
  readonly pid: number;
  /** User id. */
  readonly uid: number;
  /** Group id. */
  readonly gid: number;
  /** Task name (`comm`), at most 15 bytes. */
  readonly comm: string;
}

/** The current process's identity (pid 0 and "js" where there is no `process`). */
export function currentTask(): TaskInfo {
  const p = (globalThis as { process?: { pid?: number; getuid?: () => number; getgid?: () => number; title?: string } }).process;
  return {
    pid: p?.pid ?? 0,
    uid: p?.getuid?.() ?? 0,
    gid: p?.getgid?.() ?? 0,
    comm: (p?.title && !p.title.includes('/') ? p.title : 'node').slice(0, 15),
  };
}

function fault(name: string, message: string): VmError {
  return new VmError('HELPER', `${name}: ${message}`, -1);
}

/**
 * VM offset of `size` writable bytes at r`i` (the stack, checked fast; else any writable region).
 * @throws {@link @ebpf/core!VmError} when they are not there.
 */
function dstArg(name: string, args: HelperArgs, env: HelperEnv, i: number, size: number): number {
  const vm = env.vm;
  const off = argOffset(args, i, vm.mem);
  const st = vm.stack;
  if (off >= st.offset && off + size <= st.offset + st.size && size >= 0) return off;
  if (!vm.mem.isValidOffset(off, size, true)) throw fault(name, `r${i}: ${size} bytes at 0x${args.u64(i).toString(16)} are not writable VM memory`);
  return off;
}

/**
 * VM offset of the address in r`i` (negative or huge when it is not in VM memory). Computed from
 * the two 32-bit halves so no heap number is made for addresses above 2^31.
 */
export function argOffset(args: HelperArgs, i: number, mem: VmMemory): number {
  const b = mem.baseNumber;
  const hiBase = Math.floor(b / 4294967296);
  return (args.hi(i) - hiBase) * 4294967296 + (args.u32(i) - (b - hiBase * 4294967296));
}

/** True when `size` bytes at VM offset `off` are inside one region (the stack checked first, fast). */
function inRegion(env: HelperEnv, off: number, size: number): boolean {
  const st = env.vm.stack;
  return (off >= st.offset && off + size <= st.offset + st.size && size >= 0) || env.vm.mem.isValidOffset(off, size);
}

/** r`i` as a size below 2^31, else -1. */
function sizeOf(args: HelperArgs, i: number): number {
  return args.hi(i) === 0 && args.u32(i) < 0x80000000 ? args.u32(i) : -1;
}

/**
 * Typed views over one VM for the hot helpers, built once per VM: the argument block as 32-bit
 * words, the memory as bytes and words, the base address halves and the stack's bounds. Lets a
 * probe read run as a handful of typed-array accesses.
 */
class VmViews {
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly bytes: Uint8Array;
  /** Index in `u32` of the argument block (r0's low word). */
  readonly a: number;
  readonly baseLo: number;
  readonly baseHi: number;
  readonly stackLo: number;
  readonly stackHi: number;
  readonly size: number;

  constructor(readonly vm: Vm) {
    const mem = vm.mem;
    this.u32 = new Uint32Array(mem.memory.buffer);
    this.i32 = new Int32Array(mem.memory.buffer);
    this.bytes = mem.bytes;
    this.a = vm.args.offset >> 2;
    this.baseHi = Math.floor(mem.baseNumber / 4294967296);
    this.baseLo = mem.baseNumber - this.baseHi * 4294967296;
    this.stackLo = vm.stack.offset;
    this.stackHi = vm.stack.offset + vm.stack.size;
    this.size = mem.size;
  }

  /** VM offset of the address in r`i` (out of range when it is not in VM memory). */
  off(i: number): number {
    const k = this.a + 2 * i;
    return (this.u32[k + 1]! - this.baseHi) * 4294967296 + (this.u32[k]! - this.baseLo);
  }
}

/** `long probe_read(void *dst, u32 size, const void *unsafe)`: copies, or zero-fills and -EFAULT. */
function probeRead(name: string, viewsOf: (vm: Vm) => VmViews): (args: HelperArgs, env: HelperEnv) => number {
  return (args, env) => {
    const v = viewsOf(env.vm);
    const u = v.u32;
    const k = v.a;
    if (u[k + 5] !== 0 || u[k + 4]! >= 0x80000000) return -Errno.EINVAL;
    const size = u[k + 4]!;
    let dst = v.off(1);
    if (!(dst >= v.stackLo && dst + size <= v.stackHi)) dst = dstArg(name, args, env, 1, size);
    const src = v.off(3);
    const bytes = v.bytes;
    if (!(src >= GUARD_SIZE && src + size <= v.size)) {
      bytes.fill(0, dst, dst + size);
      return -Errno.EFAULT;
    }
    // memmove semantics (the inline form's memory.copy): a forward loop only when it cannot
    // overwrite source bytes before reading them.
    const forward = src >= dst || src + size <= dst;
    if (forward && ((src | dst | size) & 3) === 0 && size <= 64) {
      const w = v.i32;
      for (let j = 0, d = dst >> 2, s = src >> 2; j < size >> 2; j++) w[d + j] = w[s + j]!;
    } else if (forward && size <= 16) for (let j = 0; j < size; j++) bytes[dst + j] = bytes[src + j]!;
    else bytes.copyWithin(dst, src, src + size);
    return 0;
  };
}

/**
 * `long probe_read_str(void *dst, u32 size, const void *unsafe)`: copies a NUL-terminated string
 * (at most size-1 bytes, stopping at the end of the source region), returns its length with the NUL.
 */
function probeReadStr(name: string): (args: HelperArgs, env: HelperEnv) => number {
  return (args, env) => {
    const size = sizeOf(args, 2);
    if (size <= 0) return -Errno.EINVAL;
    const dst = dstArg(name, args, env, 1, size);
    const mem = env.vm.mem;
    const s = strSpan(mem, argOffset(args, 3, mem), size);
    if (s.off < 0) {
      mem.bytes[dst] = 0;
      return -Errno.EFAULT;
    }
    mem.bytes.copyWithin(dst, s.off, s.off + s.len);
    mem.bytes[dst + s.len] = 0;
    return s.len + 1;
  };
}

const hex = (v: bigint | number) => v.toString(16);

/**
 * Formats a `bpf_trace_printk` format with the seed's rules: only %d %u %x %p, at most three;
 * returns undefined (the line is dropped) for anything else, as the seed does.
 */
export function formatPrintk(fmt: Uint8Array, a: readonly bigint[]): string | undefined {
  if (fmt.length === 0 || fmt[fmt.length - 1] !== 0) return undefined;
  let out = '';
  let n = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c === 0) break;
    if (c !== 0x25) {
      out += String.fromCharCode(c);
      continue;
    }
    const spec = String.fromCharCode(fmt[i + 1] ?? 0);
    if (i + 1 >= fmt.length || !'pdux'.includes(spec) || spec === '') return undefined;
    if (n >= 3) return undefined;
    const v = a[n++]!;
    switch (spec) {
      case 'd': out += BigInt.asIntN(32, v).toString(); break;
      case 'u': out += BigInt.asUintN(32, v).toString(); break;
      case 'x': out += hex(BigInt.asUintN(32, v)); break;
      default: out += hex(BigInt.asUintN(64, v)).padStart(16, '0');
    }
    i++;
  }
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

/** Options for {@link traceHelpers}. */
export interface TraceHelperOptions {
  /** Where printed lines go. */
  readonly sink: TraceSink;
  /** Process identity (default this process). */
  readonly task?: TaskInfo;
  /** Nanosecond clock (default: performance.now() in ns). */
  readonly clock?: () => number;
}

/** Every helper the trace subsystem offers, bound to `sink`. */
export function traceHelpers(options: TraceHelperOptions): HelperDef[] {
  const { sink } = options;
  let lastVm: Vm | undefined;
  let lastViews: VmViews | undefined;
  const viewsOf = (vm: Vm): VmViews => (vm === lastVm ? lastViews! : ((lastVm = vm), (lastViews = new VmViews(vm))));
  const task = options.task ?? currentTask();
  const clock = options.clock ?? (() => Math.floor(performance.now() * 1e6));
  // Numbers where exact (pids and ids below 2^21), so the engines make no BigInt per call.
  const pair = (hi: number, lo: number): number | bigint => (hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo));
  const pidTgid = pair(task.pid, task.pid);
  const uidGid = pair(task.gid, task.uid);
  const comm = new TextEncoder().encode(task.comm);
  const printk = (args: HelperArgs, env: HelperEnv): number => {
    const size = sizeOf(args, 2);
    if (size <= 0) return -Errno.EINVAL;
    const off = argOffset(args, 1, env.vm.mem);
    if (!inRegion(env, off, size)) return -Errno.EFAULT;
    const msg = formatPrintk(env.vm.mem.bytes.subarray(off, off + size), [args.u64(3), args.u64(4), args.u64(5)]);
    if (msg === undefined) return -Errno.EINVAL;
    sink.printk(msg, env.program);
    return msg.length;
  };
  const seed: HelperDef[] = [
    {
      id: HelperId.load_pointer,
      name: 'bpf_load_pointer',
      proto: { ret: 'integer', args: ['anything'], gplOnly: true },
      inline: 'load_pointer',
      impl(_args, env) {
        const v = viewsOf(env.vm);
        const off = v.off(1);
        if (!(off >= GUARD_SIZE && off + 8 <= v.size)) return 0;
        let lo: number;
        let hi: number;
        if ((off & 3) === 0) {
          lo = v.u32[off >> 2]!;
          hi = v.u32[(off >> 2) + 1]!;
        } else {
          const dv = env.vm.mem.view;
          lo = dv.getUint32(off, true);
          hi = dv.getUint32(off + 4, true);
        }
        // The exact u64 (the inline form's i64.load): a Number below 2^53, else a BigInt.
        return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
      },
    },
    {
      id: HelperId.memcmp,
      name: 'bpf_memcmp',
      proto: { ret: 'integer', args: ['anything', 'ptr_to_stack', 'const_stack_size'], gplOnly: true },
      inline: 'memcmp',
      impl(args, env) {
        const size = sizeOf(args, 3);
        if (size < 0 || size >= 64) return -1;
        const mem = env.vm.mem;
        const a = argOffset(args, 1, mem);
        const b = argOffset(args, 2, mem);
        if (!readable(mem, a, size)) return -Errno.EFAULT;
        if (!inRegion(env, b, size)) throw fault('bpf_memcmp', `r2: ${size} bytes at 0x${args.u64(2).toString(16)} are not VM memory`);
        const bytes = mem.bytes;
        for (let i = 0; i < size; i++) {
          const d = bytes[a + i]! - bytes[b + i]!;
          if (d !== 0) return d;
        }
        return 0;
      },
    },
    {
      id: HelperId.dump_stack,
      name: 'bpf_dump_stack',
      proto: { ret: 'void', args: ['ptr_to_ctx'], gplOnly: true },
      impl(_args, env) {
        sink.dumpStack(env.program);
        return 0;
      },
    },
    {
      id: HelperId.table_lookup,
      name: 'bpf_table_lookup',
      proto: { ret: 'map_value_or_null', args: ['ptr_to_ctx', 'const_map_id', 'ptr_to_stack_key'] },
      impl(args, env) {
        const map = args.hi(2) === 0 ? env.maps[args.u32(2)] : undefined;
        if (!map) return 0;
        const key = argOffset(args, 3, env.vm.mem);
        if (!inRegion(env, key, map.spec.keySize)) throw fault('bpf_table_lookup', 'key is not VM memory');
        if (map.lookupValueOffset) {
          const off = map.lookupValueOffset(key);
          return off < 0 ? 0 : env.vm.mem.baseNumber + off;
        }
        return map.lookupAddress(key);
      },
    },
    {
      id: HelperId.table_update,
      name: 'bpf_table_update',
      proto: { ret: 'integer', args: ['ptr_to_ctx', 'const_map_id', 'ptr_to_stack_key', 'ptr_to_stack_value'] },
      impl(args, env) {
        const map = args.hi(2) === 0 ? env.maps[args.u32(2)] : undefined;
        if (!map) return -Errno.EINVAL;
        const mem = env.vm.mem;
        const key = argOffset(args, 3, mem);
        const val = argOffset(args, 4, mem);
        if (!inRegion(env, key, map.spec.keySize) || !inRegion(env, val, map.spec.valueSize)) throw fault('bpf_table_update', 'key or value is not VM memory');
        return map.updateFrom(key, val, 0);
      },
    },
  ];
  const linux: HelperDef[] = [
    { id: HelperId.probe_read, name: 'bpf_probe_read', proto: { ret: 'integer', args: ['uninit_mem', 'const_size_or_zero', 'anything'], gplOnly: true }, inline: 'probe_read', impl: probeRead('bpf_probe_read', viewsOf) },
    { id: HelperId.probe_read_kernel, name: 'bpf_probe_read_kernel', proto: { ret: 'integer', args: ['uninit_mem', 'const_size_or_zero', 'anything'], gplOnly: true }, inline: 'probe_read', impl: probeRead('bpf_probe_read_kernel', viewsOf) },
    { id: HelperId.probe_read_user, name: 'bpf_probe_read_user', proto: { ret: 'integer', args: ['uninit_mem', 'const_size_or_zero', 'anything'], gplOnly: true }, inline: 'probe_read', impl: probeRead('bpf_probe_read_user', viewsOf) },
    { id: HelperId.probe_read_str, name: 'bpf_probe_read_str', proto: { ret: 'integer', args: ['uninit_mem', 'const_size', 'anything'], gplOnly: true }, inline: 'probe_read_str', impl: probeReadStr('bpf_probe_read_str') },
    { id: HelperId.probe_read_kernel_str, name: 'bpf_probe_read_kernel_str', proto: { ret: 'integer', args: ['uninit_mem', 'const_size', 'anything'], gplOnly: true }, inline: 'probe_read_str', impl: probeReadStr('bpf_probe_read_kernel_str') },
    { id: HelperId.probe_read_user_str, name: 'bpf_probe_read_user_str', proto: { ret: 'integer', args: ['uninit_mem', 'const_size', 'anything'], gplOnly: true }, inline: 'probe_read_str', impl: probeReadStr('bpf_probe_read_user_str') },
    { id: HelperId.ktime_get_ns, name: 'bpf_ktime_get_ns', proto: { ret: 'integer', args: [] }, impl: () => clock() },
    { id: HelperId.trace_printk, name: 'bpf_trace_printk', proto: { ret: 'integer', args: ['ptr_to_stack', 'const_stack_size', 'anything', 'anything', 'anything'], gplOnly: true }, impl: printk },
    { id: HelperId.get_prandom_u32, name: 'bpf_get_prandom_u32', proto: { ret: 'integer', args: [] }, impl: () => (Math.random() * 4294967296) >>> 0 },
    { id: HelperId.get_smp_processor_id, name: 'bpf_get_smp_processor_id', proto: { ret: 'integer', args: [] }, impl: () => 0 },
    { id: HelperId.get_current_pid_tgid, name: 'bpf_get_current_pid_tgid', proto: { ret: 'integer', args: [] }, impl: () => pidTgid },
    { id: HelperId.get_current_uid_gid, name: 'bpf_get_current_uid_gid', proto: { ret: 'integer', args: [] }, impl: () => uidGid },
    {
      id: HelperId.get_current_comm,
      name: 'bpf_get_current_comm',
      proto: { ret: 'integer', args: ['uninit_mem', 'const_size'] },
      impl(args, env) {
        const size = sizeOf(args, 2);
        if (size <= 0) return -Errno.EINVAL;
        const dst = dstArg('bpf_get_current_comm', args, env, 1, size);
        const n = Math.min(comm.length, size - 1);
        env.vm.mem.bytes.set(comm.subarray(0, n), dst);
        env.vm.mem.bytes.fill(0, dst + n, dst + size);
        return 0;
      },
    },
  ];
  return [...MAP_HELPERS, ...seed, ...linux];
}
