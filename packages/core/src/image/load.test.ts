// decodeAny picks the format by magic, never by name, and passes each format its options.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EbpfError } from '../errors.js';
import { encode } from '../isa/encode.js';
import { asm } from '../asm/builder.js';
import { decodeAny, detectFormat } from './load.js';
import { decodeRaw, encodeRaw } from './raw.js';

const ex1 = new Uint8Array(readFileSync(fileURLToPath(new URL('../../testdata/seed/filter_ex1.bpf', import.meta.url))));
const raw = encode([asm.mov.imm(0, 1), asm.exit()]);

describe('decodeAny', () => {
  it.each([
    ['seed image', ex1, 'seed'],
    ['ELF object', Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1), 'elf'],
    ['raw bytecode', raw, 'raw'],
    ['bytes that start like "bpf" but lack the NUL', Uint8Array.of(0x62, 0x70, 0x66, 0x01, 0, 0, 0, 0), 'raw'],
  ] as const)('detects a %s', (_, bytes, format) => {
    expect(detectFormat(bytes)).toBe(format);
  });

  it('reads a seed image in the seed dialect with the given name and license', () => {
    const [spec] = decodeAny(ex1, { name: 'filter_ex1.bpf', license: 'Dual BSD/GPL' });
    expect(spec).toMatchObject({ name: 'filter_ex1.bpf', dialect: 'seed', license: 'Dual BSD/GPL' });
    expect(spec!.insns).toHaveLength(24);
  });

  it('reads raw bytecode as RFC 9669 by default, seed when told', () => {
    expect(decodeAny(raw)).toEqual([{ name: 'prog', dialect: 'rfc', insns: [asm.mov.imm(0, 1), asm.exit()], maps: [], license: 'GPL' }]);
    const seedJa = Uint8Array.of(0x0d, 0, 0, 0, 0, 0, 0, 0); // ja with BPF_X: seed only
    expect(decodeAny(seedJa, { dialect: 'seed' })[0]!.insns).toEqual([asm.ja(0)]);
    expect(() => decodeAny(seedJa)).toThrow(/unknown opcode 0x0d/);
  });

  it('sends ELF objects to the ELF reader', () => {
    expect(() => decodeAny(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1))).toThrow(expect.objectContaining({ code: 'ELF' }));
  });

  it.each([
    ['--section on a seed image', ex1, { section: 'kprobe/x' }],
    ['--program on raw bytecode', raw, { program: 'main' }],
    ['--dialect rfc on a seed image', ex1, { dialect: 'rfc' as const }],
  ])('refuses %s as a usage error', (_, bytes, opts) => {
    let err: unknown;
    try {
      decodeAny(bytes, opts);
    } catch (e) {
      err = e;
    }
    expect(EbpfError.is(err) && err.code).toBe('USAGE');
  });
});

describe('raw', () => {
  it('round-trips in both dialects', () => {
    expect(encodeRaw(decodeRaw(raw))).toEqual(raw);
    const seed = Uint8Array.of(0xbc, 0x16, 0, 0, 0, 0, 0, 0, 0x06, 0, 0, 0, 0, 0, 0, 0);
    expect(encodeRaw(decodeRaw(seed, { dialect: 'seed' }))).toEqual(seed);
  });
});
