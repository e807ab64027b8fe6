/**
 * Accept/reject tables for the checker (typescript-eslint's RuleTester, for eBPF): a subsystem
 * author lists programs in assembler text that must pass and programs that must be refused with
 * a given reason at a given instruction. The built-in subsystems test themselves with it, and so
 * can an integrator's. Assertions are on `{ reason, insn }`, never on wording.
 */
import { parseAsm } from '../asm/parse.js';
import { check, type CheckOptions } from '../check/checker.js';
import { CheckerError } from '../check/checker-error.js';
import type { RejectReason } from '../check/reasons.js';
import type { VerifiedProgram } from '../check/verified.js';
import type { Dialect, ProgramSpec } from '../image/program-spec.js';
import type { MapSpec } from '../maps/map-spec.js';
import { Vm } from '../runtime/vm.js';
import type { Subsystem } from '../subsystem/subsystem.js';
import { caseName, type TestApi } from './test-api.js';

/** One program for the checker. */
export interface CheckerCase {
  /** Test name; default: the program text, shortened. */
  readonly name?: string;
  /** The program in assembler text (`mov %r0, 0` / `exit`). */
  readonly asm: string;
  /** Maps the program's `lddw` map loads index (`lddw %r1, map_fd(0)`). */
  readonly maps?: readonly MapSpec[];
  /** Default `rfc`. */
  readonly dialect?: Dialect;
  /** Default "GPL". */
  readonly license?: string;
  /** Checker options. */
  readonly options?: CheckOptions;
}

/** A program the checker must refuse. */
export interface RejectCase extends CheckerCase {
  /** The reason it must give. */
  readonly reason: RejectReason;
  /** The slot index it must name (omit to accept any). */
  readonly insn?: number;
}

/** The table: programs to accept (text or cases) and programs to reject. */
export interface CheckerTable {
  readonly accept?: ReadonlyArray<string | CheckerCase>;
  readonly reject?: readonly RejectCase[];
}

/** The outcome of checking one case. */
export type CheckerOutcome = { readonly accepted: true; readonly verified: VerifiedProgram } | { readonly accepted: false; readonly error: CheckerError };

/**
 * Assembles and checks one case against `subsystem` in a fresh small VM.
 * @throws {@link ParseError} when the text does not assemble; any non-checker error as is.
 */
export function runCheckerCase(subsystem: Subsystem, c: CheckerCase): CheckerOutcome {
  const dialect = c.dialect ?? 'rfc';
  const spec: ProgramSpec = {
    name: c.name ?? 'case',
    dialect,
    insns: parseAsm(c.asm, { dialect }),
    maps: c.maps ?? [],
    license: c.license ?? 'GPL',
  };
  const vm = new Vm({ size: 4 << 20 });
  const maps = spec.maps.map((m) => vm.createMap(m));
  try {
    return { accepted: true, verified: check(spec, subsystem, maps, { ...c.options, license: spec.license }) };
  } catch (e) {
    if (CheckerError.isCheckerError(e)) return { accepted: false, error: e };
    throw e;
  }
}

/**
 * Registers one test per case with `api` (`{ describe, it }` from vitest): every `accept`
 * program must pass, every `reject` program must be refused with its reason (and instruction).
 */
export function checkerCases(subsystem: Subsystem, table: CheckerTable, api: TestApi): void {
  api.describe(`checker cases: ${subsystem.name}`, () => {
    for (const a of table.accept ?? []) {
      const c: CheckerCase = typeof a === 'string' ? { asm: a } : a;
      api.it(`accepts: ${c.name ?? caseName(c.asm)}`, () => {
        const out = runCheckerCase(subsystem, c);
        if (!out.accepted) {
          throw new Error(`expected the program to be accepted, but it was refused (${out.error.reason} at insn ${out.error.insn}): ${out.error.message}\n${out.error.formatLog()}`);
        }
      });
    }
    for (const c of table.reject ?? []) {
      api.it(`rejects (${c.reason}): ${c.name ?? caseName(c.asm)}`, () => {
        const out = runCheckerCase(subsystem, c);
        if (out.accepted) throw new Error(`expected ${c.reason}${c.insn !== undefined ? ` at insn ${c.insn}` : ''}, but the program was accepted`);
        const { reason, insn } = out.error;
        if (reason !== c.reason || (c.insn !== undefined && insn !== c.insn)) {
          throw new Error(`expected ${c.reason}${c.insn !== undefined ? ` at insn ${c.insn}` : ''}, got ${reason} at insn ${insn}: ${out.error.message}`);
        }
      });
    }
  });
}
