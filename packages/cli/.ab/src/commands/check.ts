/**
 * `ebpf check FILE [--subsystem NAME] [--license STR] [--dialect seed|rfc] [--dag] [--section S]
 * [--program P] [-v] [--json]`: the seed's `trace_filter_check`. Prints `OK` (one verdict per
 * program of an ELF object) and exits 0 when every program is accepted; prints the checker's log
 * with the refused instruction marked and exits 1 otherwise; exits 2 for unreadable input or a
 * subsystem it cannot name. The checking itself is `@ebpf/core`'s `check()`.
 */
import type { Command } from 'commander';
import { CheckerError, EbpfError, Vm, check, createContainer, subsystemToken, type ProgramSpec, type Subsystem, type VerifiedProgram } from '@ebpf/core';
import { CliExit, usage } from '../exit.js';
import { addInputOptions, loadInput, type InputFlags } from '../input.js';
import { SUBSYSTEM_ENTRIES } from './subsystems.js';

/** Flags of `ebpf check`. */
export interface CheckFlags extends InputFlags {
  readonly subsystem?: string;
  readonly dag?: boolean;
  readonly verbose?: boolean;
  readonly json?: boolean;
}

/** One program's verdict in `--json` output. */
export type CheckVerdictJson =
  | {
      readonly name: string;
      readonly section?: string;
      readonly subsystem: string;
      readonly accepted: true;
      /** Instructions simulated, states kept, states pruned, check time in ns. */
      readonly stats: VerifiedProgram['stats'];
      /** Functions with their stack use. */
      readonly funcs: VerifiedProgram['funcs'];
      /** `-v`: the log with the state after each instruction. */
      readonly log?: readonly string[];
    }
  | {
      readonly name: string;
      readonly section?: string;
      readonly subsystem: string;
      readonly accepted: false;
      /** Machine-readable reason (see docs/checker.md). */
      readonly reason: string;
      /** Slot index of the refused instruction (-1: the program as a whole). */
      readonly insn: number;
      readonly message: string;
      readonly log: readonly string[];
    };

async function resolveSubsystem(name: string, cache: Map<string, Subsystem>): Promise<Subsystem> {
  const hit = cache.get(name);
  if (hit) return hit;
  const entry = SUBSYSTEM_ENTRIES.find((e) => e.name === name);
  if (!entry) usage(`unknown subsystem '${name}' (known: ${SUBSYSTEM_ENTRIES.map((e) => e.name).join(', ')})`);
  const container = createContainer();
  await entry.register(container);
  const s = container.resolve<Subsystem>(subsystemToken(name));
  cache.set(name, s);
  return s;
}

function subsystemName(spec: ProgramSpec, flags: CheckFlags): string {
  const name = flags.subsystem ?? spec.subsystemHint ?? (spec.dialect === 'seed' ? 'trace' : undefined);
  if (name === undefined) usage(`check: ${spec.name} names no subsystem: pass --subsystem NAME (known: ${SUBSYSTEM_ENTRIES.map((e) => e.name).join(', ')})`);
  return name;
}

/** Checks one program; returns its verdict. */
function checkOne(spec: ProgramSpec, subsystem: Subsystem, flags: CheckFlags): CheckVerdictJson {
  const vm = new Vm({ size: 8 << 20 });
  let maps;
  try {
    maps = spec.maps.map((m) => vm.createMap(m));
  } catch (e) {
    if (EbpfError.is(e)) throw new CliExit(2, `ebpf: ${spec.name}: ${e.message}`);
    throw e;
  }
  const base = { name: spec.name, ...(spec.section !== undefined ? { section: spec.section } : {}), subsystem: subsystem.name };
  try {
    const v = check(spec, subsystem, maps, { dag: flags.dag ?? false, verbose: flags.verbose ?? false });
    return { ...base, accepted: true, stats: v.stats, funcs: v.funcs, ...(v.log ? { log: v.log } : {}) };
  } catch (e) {
    if (!CheckerError.isCheckerError(e)) throw e;
    const log = e.formatLog({ head: 20, tail: 200 }).split('\n');
    return { ...base, accepted: false, reason: e.reason, insn: e.insn, message: e.message, log };
  }
}

/** Adds `ebpf check` to the program. */
export function register(program: Command): void {
  addInputOptions(
    program
      .command('check')
      .description('check a program with the static checker: OK (exit 0), or the log of the refusal (exit 1)')
      .argument('<file>', 'seed image, ELF object, raw bytecode or assembler text')
      .option('--subsystem <name>', 'subsystem to check against (default: from the ELF section; trace for seed images)')
      .option('--dag', 'refuse loops (the seed rule) whatever the dialect')
      .option('-v, --verbose', 'print the verified state after every instruction')
      .option('--json', 'print one JSON document'),
  ).action(async (file: string, flags: CheckFlags) => {
    const input = await loadInput(file, flags);
    const cache = new Map<string, Subsystem>();
    const verdicts: CheckVerdictJson[] = [];
    for (const spec of input.programs) verdicts.push(checkOne(spec, await resolveSubsystem(subsystemName(spec, flags), cache), flags));
    const ok = verdicts.every((v) => v.accepted);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ file, ok, programs: verdicts }, null, 2)}\n`);
    } else {
      const many = verdicts.length > 1;
      for (const v of verdicts) {
        const who = many ? `${v.section ?? v.name}: ` : '';
        if (v.accepted) {
          if (v.log) process.stdout.write(`${v.log.join('\n')}\n`);
          process.stdout.write(`${who}OK\n`);
        } else {
          process.stdout.write(`${v.log.join('\n')}\n${who}${v.message}\n`);
        }
      }
    }
    if (!ok) process.exitCode = 1;
  });
}
