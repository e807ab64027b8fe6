/**
 * The subsystem contract: the seed's `struct bpf_callbacks`, grown for today's programs.
 * A subsystem says what a program's context looks like and which helpers it may call; the
 * checker asks it during verification, the engines take the helper implementations once at
 * compile time and call them as plain functions.
 */
import type { BpfMap } from '../maps/bpf-map.js';
import type { Vm } from '../runtime/vm.js';
import type { AccessDir, ContextAccess, ContextDescriptor } from './context-access.js';
import { lookupContextAccess } from './context-access.js';
import type { HelperArgs } from './helper-args.js';
import type { HelperProto } from './helper-proto.js';
import type { StructLayout } from './struct-layout.js';

/** What a helper implementation can reach during a call. Built once per compiled program. */
export interface HelperEnv {
  /** The VM (memory, maps, argument block). */
  readonly vm: Vm;
  /** The running program's maps, in its spec order (seed table ids index this). */
  readonly maps: readonly BpfMap[];
  /** The running program's name. */
  readonly program: string;
}

/**
 * A helper implementation. Reads r1..r5 from `args`; returns r0 (a Number is taken as a signed
 * 64-bit integer, so `-22` is `-EINVAL`). Throwing ends the run with an error the caller sees.
 */
export type HelperImpl = (args: HelperArgs, env: HelperEnv) => number | bigint;

/**
 * A helper whose whole behaviour is one of these fixed descriptions, so a JIT may emit it as
 * inline code over VM memory instead of calling `impl` (an engine that does not inline simply
 * calls `impl`; both must give the same r0 and memory). "Readable" means inside VM memory past
 * the NULL guard: VM offset `off` with `off >= GUARD_SIZE` and `off + size <= memory size`.
 * - `load_pointer` — `(r1 unsafe)`: r0 = the u64 at r1 when its 8 bytes are readable (any
 *   alignment), else 0. Never faults.
 * - `probe_read` — `(r1 dst, r2 size, r3 unsafe)`: r2 ≥ 2^31 (unsigned) gives -EINVAL and
 *   writes nothing; otherwise `dst` must be `size` writable bytes (else `impl` throws; engines
 *   inline only a dst inside the VM stack and call `impl` for any other); readable source bytes
 *   are copied as `memmove` does and r0 = 0, else dst is zero-filled and r0 = -EFAULT.
 * - `probe_read_str` — `(r1 dst, r2 size, r3 unsafe)`: r2 = 0 or ≥ 2^31 gives -EINVAL and
 *   writes nothing; otherwise `dst` must be `size` writable bytes (as for `probe_read`); when
 *   the byte at r3 is readable, the bytes before the first NUL — at most size-1, stopping at
 *   the end of VM memory — are copied (`memmove`), a NUL follows, and r0 = their count + 1;
 *   else dst[0] = 0 and r0 = -EFAULT.
 * - `memcmp` — `(r1 unsafe, r2 mem, r3 size)`: r3 ≥ 64 (unsigned) gives -1; unreadable r1 bytes
 *   give -EFAULT; otherwise r2 must be `size` bytes of VM memory (else `impl` throws; engines
 *   inline only r2 inside the VM stack) and r0 = the first difference `a[i] - b[i]` of unsigned
 *   bytes (signed), 0 when equal.
 */
export type HelperInline = 'load_pointer' | 'probe_read' | 'probe_read_str' | 'memcmp';

/** One helper a subsystem offers. */
export interface HelperDef {
  /** Numeric id (`call imm`): Linux's helper id where one exists. */
  readonly id: number;
  /** Name (`bpf_map_lookup_elem`); seed images call helpers by this name. */
  readonly name: string;
  /** Other names that resolve to this helper (seed names). */
  readonly aliases?: readonly string[];
  readonly proto: HelperProto;
  readonly impl: HelperImpl;
  /**
   * uBPF's "unwind" extension (the conformance suite's helper 5): when this helper returns 0
   * the program ends at once with r0 = 0. Engines honour it; ordinary helpers leave it unset.
   */
  readonly unwindOnZero?: boolean;
  /**
   * Declares that `impl` is exactly one of the {@link HelperInline} descriptions, so a JIT may
   * emit it inline (no call). Leave unset for any helper with other behaviour.
   */
  readonly inline?: HelperInline;
}

/** The allowed range of r0 at exit, when a subsystem restricts it. */
export interface ReturnRange {
  readonly min: bigint;
  readonly max: bigint;
}

/** A subsystem: context layout, helper prototypes and implementations. */
export interface Subsystem {
  /** Registry name (`trace`, `seccomp`, `socket`, ...). */
  readonly name: string;
  /** The context layout. */
  readonly context: ContextDescriptor;
  /** ELF section prefixes that select this subsystem (`kprobe/`, `tracepoint/`, ...). */
  readonly sectionPrefixes?: readonly string[];
  /** Permitted range of r0 at exit (RFC-dialect programs); unrestricted when absent. */
  readonly returnRange?: ReturnRange;
  /** C struct layouts (context, host structs) that CO-RE relocations in ELF objects resolve against. */
  readonly structs?: readonly StructLayout[];
  /**
   * Registers besides r1 (the context pointer) that hold a number on entry, e.g. `[2]` when r2
   * carries the context's length (the conformance subsystem: uBPF's calling convention). The
   * checker treats them as unknown scalars; every other register is unreadable until written.
   */
  readonly entryScalars?: readonly number[];
  /** Context access check (the seed's get_context_access). */
  getContextAccess(off: number, size: number, dir: AccessDir): ContextAccess | undefined;
  /** Helper by id or name (the seed's get_func_proto; seed images call by name). */
  getFuncProto(ref: number | string): HelperDef | undefined;
  /** Every helper offered. */
  helpers(): readonly HelperDef[];
}

/**
 * A ready-made {@link Subsystem} over a context descriptor and a helper list: an integrator's
 * subsystem is usually `new SimpleSubsystem({...})` or a subclass.
 */
export class SimpleSubsystem implements Subsystem {
  readonly name: string;
  readonly context: ContextDescriptor;
  readonly sectionPrefixes?: readonly string[];
  readonly returnRange?: ReturnRange;
  readonly structs?: readonly StructLayout[];
  readonly entryScalars?: readonly number[];
  private readonly byId = new Map<number, HelperDef>();
  private readonly byName = new Map<string, HelperDef>();
  private readonly list: HelperDef[] = [];

  constructor(options: {
    name: string;
    context: ContextDescriptor;
    helpers?: readonly HelperDef[];
    sectionPrefixes?: readonly string[];
    returnRange?: ReturnRange;
    structs?: readonly StructLayout[];
    entryScalars?: readonly number[];
  }) {
    this.name = options.name;
    this.context = options.context;
    if (options.sectionPrefixes) this.sectionPrefixes = options.sectionPrefixes;
    if (options.returnRange) this.returnRange = options.returnRange;
    if (options.entryScalars) this.entryScalars = options.entryScalars;
    if (options.structs) this.structs = options.structs;
    for (const h of options.helpers ?? []) this.addHelper(h);
  }

  /** Adds (or replaces) a helper. */
  addHelper(h: HelperDef): void {
    const old = this.byId.get(h.id);
    if (old) this.list.splice(this.list.indexOf(old), 1);
    this.list.push(h);
    this.byId.set(h.id, h);
    this.byName.set(h.name, h);
    for (const a of h.aliases ?? []) this.byName.set(a, h);
  }

  getContextAccess(off: number, size: number, dir: AccessDir): ContextAccess | undefined {
    return lookupContextAccess(this.context, off, size, dir);
  }

  getFuncProto(ref: number | string): HelperDef | undefined {
    return typeof ref === 'number' ? this.byId.get(ref) : this.byName.get(ref);
  }

  helpers(): readonly HelperDef[] {
    return this.list;
  }
}
