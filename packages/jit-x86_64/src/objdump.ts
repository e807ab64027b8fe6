/**
 * x86-64 disassembly through GNU objdump (binutils), when it is installed: the text for
 * `ebpf disasm --jited` and the oracle the encoder tests compare against. Parsing only; the
 * caller decides what to do when objdump is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One disassembled x86-64 instruction. */
export interface X86Line {
  /** Offset of the instruction in the code. */
  readonly offset: number;
  /** Its bytes. */
  readonly bytes: Uint8Array;
  /** Intel-syntax text with single spaces (`mov rax,rdi`). */
  readonly text: string;
}

let found: boolean | undefined;

/** True when `objdump` can be run. */
export function haveObjdump(): boolean {
  if (found === undefined) {
    try {
      execFileSync('objdump', ['--version'], { stdio: 'ignore' });
      found = true;
    } catch {
      found = false;
    }
  }
  return found;
}

/**
 * Disassembles raw x86-64 code with `objdump -D -b binary -mi386:x86-64 -M intel`.
 * Returns undefined when objdump is not installed.
 * @throws `Error` when objdump runs but fails.
 */
export function objdumpX86(code: Uint8Array): X86Line[] | undefined {
  if (!haveObjdump()) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-jit-'));
  try {
    const file = join(dir, 'code.bin');
    writeFileSync(file, code);
    const out = execFileSync('objdump', ['-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', '-w', file], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    return parseObjdump(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses objdump's `-w` listing (`  off:\tbytes\ttext`) into lines. */
export function parseObjdump(out: string): X86Line[] {
  const lines: X86Line[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$/.exec(line);
    if (!m) continue;
    const bytes = Uint8Array.from(m[2]!.trim().split(/\s+/).map((h) => parseInt(h, 16)));
    lines.push({ offset: parseInt(m[1]!, 16), bytes, text: m[3]!.trim().replace(/\s+/g, ' ') });
  }
  return lines;
}
