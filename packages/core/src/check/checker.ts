/**
 * `check()`: the one way to turn a ProgramSpec into a VerifiedProgram. It applies the dialect's
 * limits, runs the structural pass (`cfg.ts`) and the path simulation (`walk.ts`), then resolves
 * the lowered program against the VM's maps and the subsystem's helpers (map pseudo-loads hold
 * addresses, seed calls by name hold helper ids) and seals the result. Engines take it from here.
 */
import { EbpfError } from '../errors.js';
import { cloneLowered, lower, type LoweredProgram } from '../engine/lowered.js';
import type { ProgramSpec } from '../image/program-spec.js';
import { hasLabels, resolveLabels } from '../isa/labels.js';
import { LdImmSrc } from '../isa/opcodes.js';
import { MAX_CALL_FRAMES, SEED_STACK_SIZE, STACK_SIZE } from '../isa/registers.js';
import type { BpfMap } from '../maps/bpf-map.js';
import type { Subsystem } from '../subsystem/subsystem.js';
import { isGplCompatible } from './call.js';
import { CfgRefusal, buildCfg } from './cfg.js';
import { CheckerError } from './checker-error.js';
import { DEFAULT_LOG_LINES, VerifierLog } from './log.js';
import { type ReasonParams, type RejectReason, formatReason } from './reasons.js';
import { sealVerified, type VerifiedProgram } from './verified.js';
import { Walker } from './walk.js';

/** Options of {@link check}. Limits default to the dialect's (seed: the 2013 checker's). */
export interface CheckOptions {
  /** Most instruction slots accepted: default 4096, at most 1,000,000. */
  readonly maxInsns?: number;
  /** Most instructions simulated over all paths: default 32,768 (seed) or 1,000,000 (RFC). */
  readonly maxProcessed?: number;
  /** Most branches waiting to be explored: default 1,024 (seed) or 8,192 (RFC). */
  readonly maxPendingBranches?: number;
  /** Most call frames, the main program included: default 8. */
  readonly maxCallFrames?: number;
  /** Refuse loops (back-edges) whatever the dialect; seed programs always are. */
  readonly dag?: boolean;
  /** The program's license; default the spec's (which defaults to "GPL"). */
  readonly license?: string;
  /** Keep the whole log with the state after each instruction (`ebpf check -v`). */
  readonly verbose?: boolean;
  /** Lines of log kept (the newest); default 4000. */
  readonly logLines?: number;
}

/** Largest `maxInsns` accepted. */
export const MAX_INSNS_LIMIT = 1_000_000;
/** Default instruction limit (the seed's MAX_BPF_INSNS). */
export const DEFAULT_MAX_INSNS = 4096;
/**
 * Most states the walk remembers for pruning (about 5 KB each): past it, paths are still
 * simulated, within the processed-instruction limit, but no new state is stored. Without it a
 * 4096-slot chain of jumps inside a loop stored 256K states (1.3 GB, 15 s) before hitting the limit.
 */
export const MAX_STATES = 32_768;
/** Most maps a program may use (the seed's MAX_BPF_TABLES). */
export const MAX_MAPS = 64;

function limit(name: string, v: number | undefined, dflt: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v <= 0 || v > max) {
    throw new EbpfError('USAGE', `check option ${name} must be an integer in 1..${max}, not ${v}`);
  }
  return v;
}

function refuse(reason: RejectReason, insn: number, params: ReasonParams, log?: VerifierLog): never {
  const detail = formatReason(reason, params);
  const lines: string[] = [];
  let disasm: string | undefined;
  if (log && insn >= 0) {
    disasm = log.disasm(insn);
    lines.push(`${insn}: ${disasm}`);
  }
  lines.push(detail);
  throw new CheckerError({ reason, insn, detail, ...(disasm !== undefined ? { disasm } : {}), log: lines });
}

/**
 * Checks `spec` for `subsystem` with `maps` (the program's maps created in the VM, in spec
 * order) and returns the VerifiedProgram engines accept.
 * @throws {@link CheckerError} when the program is refused (reason, instruction, log, state).
 * @throws {@link EbpfError} (`USAGE`) for invalid options.
 */
export function check(spec: ProgramSpec, subsystem: Subsystem, maps: readonly BpfMap[], options: CheckOptions = {}): VerifiedProgram {
  const t0 = globalThis.performance.now();
  const seed = spec.dialect === 'seed';
  const maxInsns = limit('maxInsns', options.maxInsns, DEFAULT_MAX_INSNS, MAX_INSNS_LIMIT);
  const license = options.license ?? spec.license ?? 'GPL';
  const settings = {
    maxProcessed: limit('maxProcessed', options.maxProcessed, seed ? 32_768 : 1_000_000),
    maxPendingBranches: limit('maxPendingBranches', options.maxPendingBranches, seed ? 1024 : 8192),
    maxCallFrames: limit('maxCallFrames', options.maxCallFrames, MAX_CALL_FRAMES),
    maxStatesPerInsn: 64,
    maxStates: MAX_STATES,
    seed,
    stackLimit: seed ? SEED_STACK_SIZE : STACK_SIZE,
    license,
    gplCompatible: isGplCompatible(license),
    verbose: options.verbose ?? false,
    logLines: limit('logLines', options.logLines, options.verbose ? 1_000_000 : DEFAULT_LOG_LINES),
  };

  const insns = hasLabels(spec.insns) ? resolveLabels(spec.insns) : spec.insns;
  if (insns.length === 0) refuse('EMPTY_PROGRAM', -1, {});
  const lowered = lower(insns);
  if (lowered.length > maxInsns) refuse('TOO_MANY_INSNS', -1, { count: lowered.length, limit: maxInsns });
  if (spec.maps.length > MAX_MAPS) refuse('TOO_MANY_MAPS', -1, { count: spec.maps.length, limit: MAX_MAPS });
  if (maps.length < spec.maps.length) {
    refuse('INVALID_MAP', -1, { detail: `the program declares ${spec.maps.length} maps but ${maps.length} were created` });
  }

  const cfg = buildCfg(lowered, insns, { dag: seed || (options.dag ?? false), seed });
  if (cfg instanceof CfgRefusal) {
    const insnAt: Array<(typeof insns)[number] | undefined> = new Array(lowered.length).fill(undefined);
    let slot = 0;
    for (const i of insns) { insnAt[slot] = i; slot += i.code === 0x18 ? 2 : 1; }
    refuse(cfg.reason, cfg.insn, cfg.params, new VerifierLog(insnAt, subsystem, (i) => String(i)));
  }

  const walker = new Walker(lowered, cfg, subsystem, maps, settings);
  const result = walker.run();

  const resolved = resolve(lowered, maps, result.helperAt);
  const timeNs = Math.round((globalThis.performance.now() - t0) * 1e6);
  return sealVerified({
    spec,
    lowered: resolved,
    helpers: result.helpers,
    maps,
    subsystem,
    funcs: cfg.funcs.map((f, i) => ({ start: f.start, end: f.end, stackDepth: Math.ceil(result.stackDepth[i]! / 8) * 8 })),
    contextSize: subsystem.context.size,
    stats: { processed: result.processed, states: result.states, pruned: result.pruned, timeNs },
    ...(settings.verbose ? { log: result.log } : {}),
  });
}

/** The lowered program with map pseudo-loads turned into addresses and named calls into ids. */
function resolve(p: LoweredProgram, maps: readonly BpfMap[], helperAt: ReadonlyMap<number, { id: number }>): LoweredProgram {
  const out = cloneLowered(p);
  for (let pc = 0; pc < out.length; pc++) {
    if (out.code[pc] !== 0x18) continue;
    const src = out.src[pc]!;
    if (src === LdImmSrc.IMM64) { pc++; continue; }
    const map = maps[out.imm[pc]!]!;
    let addr = map.address;
    if (src === LdImmSrc.MAP_VALUE_BY_FD || src === LdImmSrc.MAP_VALUE_BY_IDX) addr = map.values!.address + BigInt(out.imm[pc + 1]!);
    out.imm[pc] = Number(BigInt.asIntN(32, addr));
    out.imm[pc + 1] = Number(BigInt.asIntN(32, addr >> 32n));
    out.src[pc] = 0;
    pc++;
  }
  for (const [pc, def] of helperAt) out.imm[pc] = def.id;
  return out;
}
