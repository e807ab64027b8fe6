/**
 * `ebpf disasm --jited` glue: picks the subsystem each program is checked against and asks
 * @ebpf/jit-x86_64 for its native code listing. The listing itself (checking, compiling,
 * disassembling) is the JIT package's; this file only maps CLI flags and failures to exit codes.
 */
import { CheckerError, NotSupportedError, createContainer, type AsmSyntax, type ProgramSpec, type Subsystem } from '@ebpf/core';
import { conformanceSubsystem } from '@ebpf/core/testing';
import type { JitedListing } from '@ebpf/jit-x86_64';
import { CliExit, usage } from '../exit.js';
import { SUBSYSTEM_ENTRIES } from './subsystems.js';

/** Size of the memory block raw programs are checked against (r1 = its address, as `run --mem`). */
const RAW_MEMORY = 65536;

/** One program's native listing, as data (`--json`) and as text. */
export interface JitedOutput {
  readonly listing: JitedListing;
  readonly text: string;
}

/**
 * The native listing of each program: checked against `subsystem` (default: the program's own
 * hint, `trace` for seed images, else a raw memory block as `ebpf run --mem` gives).
 * @throws {@link CliExit} 1 when the checker refuses a program or native code cannot run here,
 * 2 for an unknown subsystem.
 */
export async function jitedListings(
  programs: readonly ProgramSpec[],
  flags: { readonly subsystem?: string; readonly license?: string; readonly format?: AsmSyntax },
): Promise<JitedOutput[]> {
  const { subsystem, license } = flags;
  const { jitProgram, formatJited } = await import('@ebpf/jit-x86_64');
  const out: JitedOutput[] = [];
  for (const spec of programs) {
    const name = subsystem ?? spec.subsystemHint ?? (spec.dialect === 'seed' ? 'trace' : undefined);
    const container = createContainer();
    let target: string | Subsystem = conformanceSubsystem(RAW_MEMORY);
    if (name !== undefined) {
      const entry = SUBSYSTEM_ENTRIES.find((s) => s.name === name);
      if (!entry) usage(`unknown subsystem '${name}' (known: ${SUBSYSTEM_ENTRIES.map((s) => s.name).join(', ')})`);
      await entry.register(container);
      target = name;
    }
    try {
      const listing = jitProgram(spec, { subsystem: target, container, ...(license !== undefined ? { license } : {}), ...(flags.format ? { syntax: flags.format } : {}) });
      out.push({ listing, text: formatJited(listing) });
    } catch (e) {
      if (e instanceof CheckerError) throw new CliExit(1, `ebpf: ${spec.name}: ${e.message}`);
      if (NotSupportedError.is(e)) throw new CliExit(1, `ebpf: ${spec.name}: ${e.message}`);
      throw e;
    }
  }
  return out;
}
