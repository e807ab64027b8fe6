/**
 * `ebpf disasm --jited`: the x86-64 code of a compiled program next to the eBPF it came from,
 * like `bpftool prog dump jited`. Each eBPF instruction is followed by the machine instructions
 * generated for it; the prologue and the shared abort path are listed apart. x86 text comes from
 * GNU objdump when it is installed, else the listing shows the bytes per eBPF instruction.
 * {@link jitProgram} loads a spec through a Runtime (checker, maps, this engine) to get there.
 */
import { createContainer, EbpfError, formatInsn, Runtime, slotIndexes, type AsmSyntax, type DependencyContainer, type Insn, type ProgramSpec, type Subsystem } from '@ebpf/core';
import { X86Runnable } from './compile.js';
import { objdumpX86 } from './objdump.js';
import { registerX86 } from './register.js';

/** One machine instruction (or, without objdump, the bytes of one eBPF instruction). */
export interface JitedX86 {
  /** Offset from the entry point. */
  readonly offset: number;
  /** Bytes in hex, space-separated. */
  readonly bytes: string;
  /** Intel-syntax text; empty when objdump is not installed. */
  readonly text: string;
}

/** One eBPF instruction and the x86-64 code generated for it. */
export interface JitedInsn {
  /** Slot index (lddw counts two). */
  readonly index: number;
  /** The eBPF instruction as text. */
  readonly ebpf: string;
  readonly x86: readonly JitedX86[];
}

/** The whole listing. */
export interface JitedListing {
  /** Native address of the entry point. */
  readonly address: string;
  /** Code size in bytes. */
  readonly size: number;
  /** Where the x86 text came from. */
  readonly disassembler: 'objdump' | 'none';
  /** Code before the first instruction: saving registers, setting up r10. */
  readonly prologue: readonly JitedX86[];
  readonly insns: readonly JitedInsn[];
  /** Code after the last instruction: the shared early-return path. */
  readonly epilogue: readonly JitedX86[];
  /** The argument-less entry the runtime calls (loads r1, r2, jumps to offset 0). */
  readonly entry: readonly JitedX86[];
}

const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * Builds the listing of `runnable`, compiled from `insns` (the program's instructions in slot
 * order, as decoded).
 */
export function disassembleJited(runnable: X86Runnable, insns: readonly Insn[], options: { syntax?: AsmSyntax } = {}): JitedListing {
  const code = runnable.code;
  const starts = runnable.slotStart;
  const slots = slotIndexes(insns);
  const lines = objdumpX86(code);
  const bounds: Array<[number, number]> = []; // [start, end) per instruction
  for (let i = 0; i < insns.length; i++) {
    const start = starts[slots[i]!] ?? -1;
    let end = code.length;
    for (let j = i + 1; j < insns.length; j++) {
      const s = starts[slots[j]!] ?? -1;
      if (s >= 0) {
        end = s;
        break;
      }
    }
    if (i + 1 === insns.length) end = runnable.abortOffset;
    bounds.push([start, end]);
  }
  const pick = (from: number, to: number): JitedX86[] => {
    if (lines) return lines.filter((l) => l.offset >= from && l.offset < to).map((l) => ({ offset: l.offset, bytes: hexBytes(l.bytes), text: l.text }));
    return to > from ? [{ offset: from, bytes: hexBytes(code.subarray(from, to)), text: '' }] : [];
  };
  const first = bounds.length > 0 ? bounds[0]![0] : code.length;
  const last = bounds.length > 0 ? bounds[bounds.length - 1]![1] : code.length;
  return {
    address: '0x' + runnable.address.toString(16),
    size: code.length,
    disassembler: lines ? 'objdump' : 'none',
    prologue: pick(0, first),
    insns: insns.map((insn, i) => ({
      index: slots[i]!,
      ebpf: formatInsn(insn, options.syntax ? { syntax: options.syntax } : {}),
      x86: pick(bounds[i]![0], bounds[i]![1]),
    })),
    epilogue: pick(last, runnable.entryOffset),
    entry: pick(runnable.entryOffset, code.length),
  };
}

/** The listing as text: eBPF lines flush left, machine code indented under them. */
export function formatJited(listing: JitedListing): string {
  const out: string[] = [];
  const width = Math.max(4, listing.size.toString(16).length);
  const x86 = (l: JitedX86): string => {
    const at = l.offset.toString(16).padStart(width);
    return l.text ? `  ${at}:  ${l.bytes.padEnd(32)} ${l.text}` : `  ${at}:  ${l.bytes}`;
  };
  out.push(`; jit-x86_64 code at ${listing.address}, ${listing.size} bytes${listing.disassembler === 'none' ? ' (objdump not found: bytes only)' : ''}`);
  out.push('; prologue');
  for (const l of listing.prologue) out.push(x86(l));
  const iw = String(listing.insns.length > 0 ? listing.insns[listing.insns.length - 1]!.index : 0).length;
  for (const i of listing.insns) {
    out.push(`${String(i.index).padStart(Math.max(iw, 3))}: ${i.ebpf}`);
    for (const l of i.x86) out.push(x86(l));
  }
  out.push('; early return (helper error, tail call, unwind)');
  for (const l of listing.epilogue) out.push(x86(l));
  out.push('; entry from JS: r1, r2 from the data words');
  for (const l of listing.entry) out.push(x86(l));
  return out.join('\n');
}

/** Options of {@link jitProgram}. */
export interface JitProgramOptions {
  /** The subsystem to check against: a name registered in `container`, or an instance. */
  readonly subsystem: string | Subsystem;
  /** Where subsystems are registered (default: a fresh container). The engine is added to it. */
  readonly container?: DependencyContainer;
  /** License, for formats without one. */
  readonly license?: string;
  /** eBPF text syntax. */
  readonly syntax?: AsmSyntax;
  /** VM memory size (default 16 MiB). */
  readonly memorySize?: number;
}

/**
 * Checks and compiles `spec` with the `jit-x86_64` engine in a throwaway Runtime, and returns its
 * listing (`ebpf disasm --jited`).
 * @throws {@link @ebpf/core!CheckerError} when the checker refuses the program; {@link @ebpf/core!NotSupportedError}
 * when native code cannot run here.
 */
export function jitProgram(spec: ProgramSpec, options: JitProgramOptions): JitedListing {
  const container = options.container ?? createContainer();
  registerX86(container);
  const runtime = new Runtime({ container, memorySize: options.memorySize ?? 16 << 20 });
  try {
    const loaded = runtime.load(spec, {
      subsystem: options.subsystem,
      engine: 'jit-x86_64',
      ...(options.license !== undefined ? { license: options.license } : {}),
    });
    if (!(loaded.runnable instanceof X86Runnable)) throw new EbpfError('RUNTIME', `jit-x86_64: ${spec.name} was not compiled by this engine`);
    return disassembleJited(loaded.runnable, spec.insns, options.syntax ? { syntax: options.syntax } : {});
  } finally {
    runtime.dispose();
  }
}
