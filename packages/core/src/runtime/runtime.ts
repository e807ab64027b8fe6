/**
 * The Runtime: resolves "subsystem X with engine Y" from a tsyringe container once per load and
 * hands back plain objects (DI at load time, plain calls at run time). It owns one VM: it creates
 * each program's maps there (or shares them), runs the checker, compiles with the engine, and
 * registers the program as a tail-call target. Running is the engine's business; checking is the
 * checker's.
 */
import type { DependencyContainer } from 'tsyringe';
import { check, type CheckOptions } from '../check/checker.js';
import type { VerifiedProgram } from '../check/verified.js';
import { ENGINE_NAMES, type CompileOptions, type Engine, type EngineChoice, type Runnable } from '../engine/engine.js';
import { EbpfError, NotSupportedError } from '../errors.js';
import type { ProgramSpec } from '../image/program-spec.js';
import type { BpfMap } from '../maps/bpf-map.js';
import type { MapSpec } from '../maps/map-spec.js';
import type { ProgArrayMap } from '../maps/prog-array.js';
import { DEFAULT_VM_MEMORY } from '../memory/vm-memory.js';
import type { Subsystem } from '../subsystem/subsystem.js';
import { chooseEngine } from './auto.js';
import { createContainer } from './container.js';
import { engineToken, subsystemToken } from './tokens.js';
import { Vm } from './vm.js';

/** Options of {@link Runtime}. */
export interface RuntimeOptions {
  /**
   * Where subsystems and engines are registered. The runtime works in a child of it, so its own
   * registrations never leak out. Default: tsyringe's global container (tests pass their own).
   */
  readonly container?: DependencyContainer;
  /** VM memory size in bytes (rounded up to 64 KiB). Default 32 MiB. */
  readonly memorySize?: number;
  /** Maximum bpf-to-bpf call depth; default 8. */
  readonly maxCallFrames?: number;
  /** Ring size of perf event arrays; default 64 KiB. */
  readonly perfRingSize?: number;
}

/** Options of {@link Runtime.load}. */
export interface LoadOptions {
  /** The subsystem: a registered name (`trace`) or an instance. */
  readonly subsystem: string | Subsystem;
  /** Engine name, or `auto` (default): see `auto.ts` for the rule. A named engine never falls back. */
  readonly engine?: EngineChoice | (string & {});
  /** License string; overrides the spec's (formats without one default to "GPL"). */
  readonly license?: string;
  /** Checker limits and switches. */
  readonly check?: CheckOptions;
  /** Engine options (instruction budget, constant blinding). */
  readonly compile?: CompileOptions;
  /** Existing maps to use instead of creating them, by map name (must match the blueprint). */
  readonly maps?: Readonly<Record<string, BpfMap>>;
  /**
   * Reuse a map an earlier load in this runtime created with the same name (the blueprints must
   * match). Default false: each load gets its own maps, except through {@link maps}.
   */
  readonly shareMaps?: boolean;
}

/** A checked, compiled program bound to its runtime's VM. Plain object: no DI per run. */
export interface LoadedProgram {
  /** The program as decoded (with the license that applied). */
  readonly spec: ProgramSpec;
  /** What the checker produced. */
  readonly verified: VerifiedProgram;
  /** What the engine produced (for `runLow32` and other fast paths). */
  readonly runnable: Runnable;
  /** The program's maps, in spec order. */
  readonly maps: readonly BpfMap[];
  /** Name of the engine that runs it. */
  readonly engine: string;
  /** Why that engine: `explicit` or the `auto` rule's report. */
  readonly engineReason: string;
  /** The subsystem it was checked against. */
  readonly subsystem: Subsystem;
  /** Its id in the VM's program table (what prog_array slots hold). */
  readonly id: number;
  /**
   * Runs once with r1, r2 (r1 is usually the context address); returns r0, unsigned 64-bit.
   * @throws {@link VmError} when the run faults or a helper throws.
   */
  run(r1?: bigint | number, r2?: bigint | number): bigint;
  /** The map of this program called `name`. */
  map(name: string): BpfMap | undefined;
  /** Frees the compiled code and the maps no other program uses. */
  dispose(): void;
}

/** Resolves subsystems and engines, owns one VM, loads programs into it. */
export class Runtime {
  /** The runtime's own child container. */
  readonly container: DependencyContainer;
  private readonly options: RuntimeOptions;
  private vmInstance: Vm | undefined;
  private readonly mapRefs = new Map<BpfMap, number>();
  private readonly sharedMaps = new Map<string, BpfMap>();
  private readonly loaded = new Set<LoadedProgram>();

  constructor(options: RuntimeOptions = {}) {
    this.options = options;
    this.container = createContainer(options.container);
  }

  /**
   * The VM, created on first use. Its memory base is the one a registered native engine needs
   * (`engine.memoryBase`), else 0, so every engine of this runtime sees the same addresses.
   * @throws {@link VmError} (`VM_MEMORY`) when the memory cannot be created.
   */
  get vm(): Vm {
    if (!this.vmInstance) {
      const native = ENGINE_NAMES.map((n) => this.findEngine(n)).find((e) => e?.memoryBase && !e.unavailable());
      this.vmInstance = new Vm({
        size: this.options.memorySize ?? DEFAULT_VM_MEMORY,
        ...(this.options.maxCallFrames !== undefined ? { maxCallFrames: this.options.maxCallFrames } : {}),
        ...(this.options.perfRingSize !== undefined ? { perfRingSize: this.options.perfRingSize } : {}),
        ...(native ? { base: (m: WebAssembly.Memory) => native.memoryBase!(m) } : {}),
      });
    }
    return this.vmInstance;
  }

  /**
   * The subsystem registered as `name`.
   * @throws {@link EbpfError} (`RUNTIME`) when none is.
   */
  subsystem(name: string): Subsystem {
    const token = subsystemToken(name);
    if (!this.container.isRegistered(token, true)) {
      throw new EbpfError('RUNTIME', `no subsystem '${name}' is registered (register it first, e.g. registerTrace(container))`);
    }
    return this.container.resolve<Subsystem>(token);
  }

  /**
   * The engine registered as `name`, whether or not it can run here.
   * @throws {@link NotSupportedError} when none is registered.
   */
  engine(name: string): Engine {
    const e = this.findEngine(name);
    if (!e) throw new NotSupportedError(`engine '${name}' is not registered (registered: ${this.engineNames().join(', ') || 'none'})`);
    return e;
  }

  /** Names of the registered built-in engines. */
  engineNames(): string[] {
    return ENGINE_NAMES.filter((n) => this.container.isRegistered(engineToken(n), true));
  }

  /** Programs loaded and not disposed. */
  programs(): readonly LoadedProgram[] {
    return [...this.loaded];
  }

  /**
   * Loads one program: maps, check, compile, registration as a tail-call target.
   * @throws {@link CheckerError} when the checker rejects it; {@link NotSupportedError} when the
   * engine named is not registered or cannot run here; {@link MapError} / {@link VmError} when its
   * maps are invalid or do not fit in VM memory; {@link EbpfError} (`RUNTIME`) for an unknown
   * subsystem or a map that cannot be shared.
   */
  load(spec: ProgramSpec, options: LoadOptions): LoadedProgram {
    return this.loadWith(spec, options, this.sharedMaps, options.shareMaps === true);
  }

  /**
   * Loads the programs of one object (an ELF file's sections) so that maps with the same name
   * are one map, as libbpf does, and prog_array slots named in the object are filled.
   * On failure nothing stays loaded. Same errors as {@link load}.
   */
  loadAll(specs: readonly ProgramSpec[], options: LoadOptions): LoadedProgram[] {
    const pool = new Map<string, BpfMap>();
    const out: LoadedProgram[] = [];
    try {
      for (const s of specs) out.push(this.loadWith(s, options, pool, true));
    } catch (e) {
      for (const p of out) p.dispose();
      throw e;
    }
    if (options.shareMaps) for (const [k, m] of pool) if (!this.sharedMaps.has(k)) this.sharedMaps.set(k, m);
    return out;
  }

  /** Disposes every program and drops the VM. */
  dispose(): void {
    for (const p of [...this.loaded]) p.dispose();
    this.vmInstance = undefined;
  }

  // ---- internals ---------------------------------------------------------------------------

  private findEngine(name: string): Engine | undefined {
    const token = engineToken(name);
    return this.container.isRegistered(token, true) ? this.container.resolve<Engine>(token) : undefined;
  }

  private pickEngine(choice: string, spec: ProgramSpec): { engine: Engine; reason: string } {
    if (choice === 'auto') return chooseEngine((n) => this.findEngine(n), spec);
    const engine = this.engine(choice);
    const why = engine.unavailable();
    if (why) throw new NotSupportedError(`engine '${choice}' cannot run here: ${why.message}`, { cause: why });
    return { engine, reason: 'explicit' };
  }

  private loadWith(specIn: ProgramSpec, options: LoadOptions, pool: Map<string, BpfMap>, share: boolean): LoadedProgram {
    const spec = options.license !== undefined ? { ...specIn, license: options.license } : specIn;
    const subsystem = typeof options.subsystem === 'string' ? this.subsystem(options.subsystem) : options.subsystem;
    const { engine, reason } = this.pickEngine(options.engine ?? 'auto', spec);
    const vm = this.vm;
    if (engine.memoryBase) {
      const want = engine.memoryBase(vm.mem.memory);
      if (want !== vm.mem.base) {
        throw new NotSupportedError(
          `engine '${engine.name}' needs VM memory at 0x${want.toString(16)} but this runtime's VM uses base 0x${vm.mem.base.toString(16)}: register the engine before the runtime first uses its VM`,
        );
      }
    }
    const maps: BpfMap[] = [];
    try {
      for (const ms of spec.maps) maps.push(this.acquireMap(spec, ms, options, pool, share));
      const verified = check(spec, subsystem, maps, { ...options.check, ...(spec.license !== undefined ? { license: spec.license } : {}) });
      const runnable = engine.compile(verified, vm, options.compile);
      return this.register(spec, verified, runnable, maps, engine.name, reason, subsystem);
    } catch (e) {
      for (const m of maps) this.releaseMap(m);
      throw e;
    }
  }

  private acquireMap(spec: ProgramSpec, ms: MapSpec, options: LoadOptions, pool: Map<string, BpfMap>, share: boolean): BpfMap {
    const given = options.maps?.[ms.name];
    const reuse = given ?? (share ? pool.get(ms.name) : undefined);
    if (reuse) {
      const diff = blueprintDifference(reuse.spec, ms);
      if (diff) throw new EbpfError('RUNTIME', `program ${spec.name}: map ${ms.name}: cannot share: ${diff}`);
      if (given && this.vm.mapAt(given.address) !== given) {
        throw new EbpfError('RUNTIME', `program ${spec.name}: map ${ms.name}: the map given belongs to another VM`);
      }
      this.mapRefs.set(reuse, (this.mapRefs.get(reuse) ?? 0) + 1);
      return reuse;
    }
    let map: BpfMap;
    try {
      map = this.vm.createMap(ms);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new EbpfError(EbpfError.is(e) ? e.code : 'MAP', `program ${spec.name}: ${message}`, { cause: e });
    }
    this.mapRefs.set(map, 1);
    if (share && !pool.has(ms.name)) pool.set(ms.name, map);
    return map;
  }

  private releaseMap(map: BpfMap): void {
    const n = (this.mapRefs.get(map) ?? 1) - 1;
    if (n > 0) {
      this.mapRefs.set(map, n);
      return;
    }
    this.mapRefs.delete(map);
    for (const [k, m] of this.sharedMaps) if (m === map) this.sharedMaps.delete(k);
    if (this.vmInstance?.mapAt(map.address) === map) this.vmInstance.destroyMap(map);
  }

  private register(
    spec: ProgramSpec,
    verified: VerifiedProgram,
    runnable: Runnable,
    maps: readonly BpfMap[],
    engine: string,
    engineReason: string,
    subsystem: Subsystem,
  ): LoadedProgram {
    const vm = this.vm;
    const id = vm.registerProgram({ name: spec.name, run: (r1) => runnable.run(r1) });
    let disposed = false;
    const program: LoadedProgram = Object.freeze({
      spec,
      verified,
      runnable,
      maps,
      engine,
      engineReason,
      subsystem,
      id,
      run: (r1?: bigint | number, r2?: bigint | number) => runnable.run(r1, r2),
      map: (name: string) => maps.find((m) => m.spec.name === name),
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.loaded.delete(program);
        vm.unregisterProgram(id);
        runnable.dispose();
        for (const m of maps) this.releaseMap(m);
      },
    });
    this.loaded.add(program);
    this.fillProgArrays();
    return program;
  }

  /** Fills prog_array slots that blueprints name (`initialSlots`) with loaded programs. */
  private fillProgArrays(): void {
    for (const map of this.mapRefs.keys()) {
      const slots = map.spec.initialSlots;
      if (map.spec.type !== 'prog_array' || !slots) continue;
      for (const [index, ref] of slots) {
        const target = [...this.loaded].find((p) => p.spec.name === ref || p.spec.section === ref);
        if (target && (map as ProgArrayMap).programAt(index) === 0) (map as ProgArrayMap).set(index, target.id);
      }
    }
  }
}

/** Why two blueprints cannot be one map, or undefined when they can. */
function blueprintDifference(haveIn: MapSpec, wantIn: MapSpec): string | undefined {
  const have = normalized(haveIn);
  const want = normalized(wantIn);
  for (const f of ['type', 'keySize', 'valueSize', 'maxEntries', 'flags'] as const) {
    if (have[f] !== want[f]) return `${f} is ${String(have[f])} in the existing map, ${String(want[f])} in the program`;
  }
  return undefined;
}

/** A perf event array's zero sizes mean the defaults (see perf-event-array.ts). */
function normalized(s: MapSpec): MapSpec {
  return s.type === 'perf_event_array' ? { ...s, maxEntries: s.maxEntries || 1, keySize: s.keySize || 4, valueSize: s.valueSize || 4 } : s;
}
