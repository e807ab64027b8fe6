/**
 * `ebpf disasm FILE [--format asm|kernel] [--json]`: prints a program's instructions with slot
 * indices, its maps, and (ELF with BTF) function names and source lines. Input by magic through
 * `input.ts`. Native code listings (`--jited`) belong to the x86-64 JIT and plug in here.
 */
import { Option, type Command } from 'commander';
import { formatInsn, slotIndexes, type AsmSyntax, type MapSpec, type ProgramSpec } from '@ebpf/core';
import { addInputOptions, loadInput, type InputFlags } from '../input.js';
import { jitedListings } from './jited.js';

/** Flags of `ebpf disasm`. */
export interface DisasmFlags extends InputFlags {
  /** Text syntax of the listing. */
  readonly format: AsmSyntax;
  /** Print JSON instead of text. */
  readonly json?: boolean;
  /** Also print the x86-64 code of the native JIT (`jited.ts`). */
  readonly jited?: boolean;
  /** `--jited`: the subsystem programs are checked against. */
  readonly subsystem?: string;
}

/** One instruction in the JSON output (`index` is the 8-byte slot index). */
export interface DisasmInsnJson {
  /** Slot index. */
  readonly index: number;
  /** Opcode byte. */
  readonly opcode: number;
  /** The instruction in the chosen syntax. */
  readonly text: string;
}

/** One map in the JSON output. */
export interface DisasmMapJson {
  /** Map name (`table0` for seed tables). */
  readonly name: string;
  /** Map type (`hash`, `lpm_trie`, ...). */
  readonly type: string;
  /** Key bytes. */
  readonly keySize: number;
  /** Value bytes. */
  readonly valueSize: number;
  /** Maximum entries. */
  readonly maxEntries: number;
  /** Linux map flags. */
  readonly flags: number;
  /** Seed table `param1`. */
  readonly param1?: number;
}

/** One program in the JSON output. */
export interface DisasmProgramJson {
  /** Program name (file name, or ELF symbol). */
  readonly name: string;
  /** `rfc` or `seed`. */
  readonly dialect: string;
  /** License string. */
  readonly license: string;
  /** ELF section, when from an object. */
  readonly section?: string;
  /** Every instruction, `lddw` once (its index counts two slots). */
  readonly instructions: readonly DisasmInsnJson[];
  /** The program's maps. */
  readonly maps: readonly DisasmMapJson[];
  /** Seed images: the function names the calls use, in string-table order. */
  readonly helpers?: readonly string[];
}

/** The JSON document of one program (`ebpf disasm --json`). */
export function disasmJson(spec: ProgramSpec, syntax: AsmSyntax): DisasmProgramJson {
  const slots = slotIndexes(spec.insns);
  const helpers = [...new Set(spec.insns.flatMap((i) => (i.helperName !== undefined ? [i.helperName] : [])))];
  return {
    name: spec.name,
    dialect: spec.dialect,
    license: spec.license,
    ...(spec.section !== undefined ? { section: spec.section } : {}),
    instructions: spec.insns.map((insn, i) => ({ index: slots[i]!, opcode: insn.code, text: formatInsn(insn, { syntax }) })),
    maps: spec.maps.map(mapJson),
    ...(helpers.length > 0 ? { helpers } : {}),
  };
}

function mapJson(m: MapSpec): DisasmMapJson {
  return {
    name: m.name,
    type: m.type,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    flags: m.flags,
    ...(m.param1 !== undefined ? { param1: m.param1 } : {}),
  };
}

/**
 * The text listing of one program: maps as `;` comments, function labels, source lines (each
 * printed where it changes), then one line per instruction with its slot index.
 */
export function disasmText(spec: ProgramSpec, syntax: AsmSyntax): string[] {
  const out: string[] = [];
  spec.maps.forEach((m, i) => {
    const extra = m.param1 ? ` param1 ${m.param1}` : '';
    out.push(`; map ${i}: ${m.name} ${m.type} key ${m.keySize} value ${m.valueSize} max_entries ${m.maxEntries}${extra}`);
  });
  const funcs = new Map((spec.funcs ?? []).map((f) => [f.insn, f.name]));
  const lines = new Map((spec.lineInfo ?? []).map((l) => [l.insn, l]));
  const slots = slotIndexes(spec.insns);
  const width = Math.max(3, String(slots.at(-1) ?? 0).length);
  let lastSource = '';
  spec.insns.forEach((insn, i) => {
    const slot = slots[i]!;
    const fn = funcs.get(slot);
    if (fn !== undefined) out.push(`${fn}:`);
    const src = lines.get(slot)?.text.trim() ?? '';
    if (src !== '' && (src !== lastSource || fn !== undefined)) out.push(`; ${src}`);
    if (src !== '') lastSource = src;
    out.push(`${String(slot).padStart(width)}: ${formatInsn(insn, { syntax })}`);
  });
  return out;
}

/** Registers `ebpf disasm`. */
export function register(program: Command): void {
  const cmd = program
    .command('disasm')
    .description('disassemble a seed image, ELF object, raw bytecode or assembler text')
    .argument('<file>', 'program file (format chosen by magic)')
    .addOption(new Option('--format <syntax>', 'asm (bpf_conformance syntax) or kernel (llvm-objdump style)').choices(['asm', 'kernel']).default('kernel'))
    .option('--json', 'print {"instructions": [{index, opcode, text}], "maps": [...], ...}');
  cmd
    .option('--jited', 'also print the x86-64 code the native JIT makes of each program (checked first)')
    .option('--subsystem <name>', '--jited: subsystem to check against (default: the ELF section\'s, trace for seed images, else a raw memory block)');
  addInputOptions(cmd).action(async (file: string, flags: DisasmFlags) => {
    const input = await loadInput(file, flags);
    const jited = flags.jited ? await jitedListings(input.programs, flags) : undefined;
    if (flags.json) {
      const docs = input.programs.map((p, i) => ({ ...disasmJson(p, flags.format), ...(jited ? { jited: jited[i]!.listing } : {}) }));
      const doc = docs.length === 1 ? docs[0] : { programs: docs };
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
      return;
    }
    const many = input.programs.length > 1;
    const blocks = input.programs.map((p, i) => {
      const head = many ? [`${p.name}${p.section !== undefined ? ` (section ${p.section})` : ''}:`] : [];
      return [...head, ...disasmText(p, flags.format), ...(jited ? ['', jited[i]!.text] : [])].join('\n');
    });
    process.stdout.write(blocks.join('\n\n') + '\n');
  });
}
