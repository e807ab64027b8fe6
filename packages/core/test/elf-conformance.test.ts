/**
 * The bpf_conformance runner's `--elf` mode: each test program wrapped the way its writer
 * (ELFIO) does it — one `.text` section, one global `main` symbol over all of it, symbol names in
 * the section name table — must come back through `decodeAny` as exactly the same instructions,
 * local calls inside `main` included. (The plugin then runs them; see the cli conformance tests.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAny } from '../src/image/load.js';
import { encode } from '../src/isa/encode.js';
import { conformanceProgram, parseConformanceTest } from '../src/testing/conformance.js';
import { buildElf, SHF, SHT, STB, STT } from './elf-builder.js';

const DIR = '/work/shared/conformance';

/** What bpf_conformance's `bpf_writer_classic` produces for a program without maps. */
function conformanceElf(program: Uint8Array): Uint8Array {
  return buildElf({
    sections: [{ name: '.text', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXEC, data: program, align: 4 }],
    symbols: [{ name: 'main', section: '.text', size: program.length, type: STT.FUNC, bind: STB.GLOBAL }],
    sharedStrtab: true,
  }).bytes;
}

describe('bpf_conformance --elf objects', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();

  it('every test program round-trips through an ELF object unchanged', () => {
    expect(files.length).toBeGreaterThan(300);
    const failures: string[] = [];
    let checked = 0;
    for (const f of files) {
      const test = parseConformanceTest(readFileSync(join(DIR, f), 'utf8'), f);
      let program: Uint8Array;
      try {
        program = conformanceProgram(test);
      } catch {
        continue; // a test whose program does not assemble is about the assembler, not ELF
      }
      if (program.length === 0) continue;
      checked++;
      try {
        const specs = decodeAny(conformanceElf(program));
        expect(specs.map((s) => s.name)).toEqual(['main']);
        const back = encode(specs[0]!.insns);
        if (Buffer.compare(Buffer.from(back), Buffer.from(program)) !== 0) failures.push(`${f}: bytes differ`);
      } catch (e) {
        failures.push(`${f}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });
});
