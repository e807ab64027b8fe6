// The assembler over every `-- asm` block of the bpf_conformance suite (testdata/conformance):
// each parses, matches the suite's `-- raw` bytes where given, and survives
// text → bytes → insns → text → bytes unchanged.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatInsn, parseAsm } from '@ebpf/core/asm';
import { decode, encode } from '@ebpf/core/isa';

const dir = fileURLToPath(new URL('../testdata/conformance/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.data')).sort();

/** The named `-- section` of a .data file, or undefined. */
function section(text: string, name: string): string | undefined {
  const m = new RegExp(`^-- ${name}\\n([\\s\\S]*?)(?=^-- |(?![\\s\\S]))`, 'm').exec(text);
  return m?.[1];
}

describe('bpf_conformance assembler syntax', () => {
  it('has all 313 files', () => {
    expect(files).toHaveLength(313);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(dir + file, 'utf8');
    const src = section(text, 'asm');
    expect(src).toBeDefined();
    const insns = parseAsm(src!);
    expect(insns.length).toBeGreaterThan(0);
    const bytes = encode(insns);
    const raw = section(text, 'raw');
    if (raw !== undefined) {
      const words = raw.trim().split(/\s+/).map((w) => BigInt(w));
      const expected = new Uint8Array(words.length * 8);
      words.forEach((w, i) => new DataView(expected.buffer).setBigUint64(i * 8, w, true));
      expect(bytes).toEqual(expected);
    }
    const back = decode(bytes);
    expect(back).toEqual(insns);
    const reparsed = parseAsm(back.map((i) => formatInsn(i)).join('\n'));
    expect(encode(reparsed)).toEqual(bytes);
  });
});
