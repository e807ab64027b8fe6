// A short deterministic fuzz round over the readers: random and mutated bytes, mutated text.
// Bad input may only end in an EbpfError (never a TypeError, RangeError or a hang), and whatever
// decodes must re-encode to the same bytes.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EbpfError, decodeAny, decodeSeedImage, encodeSeedImage, encodeRaw, formatInsn, parseAsm } from '@ebpf/core';
import { seededRandom } from '@ebpf/core/testing';

function expectOnlyEbpfErrors(fn: () => void): 'ok' | 'rejected' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!EbpfError.is(e)) throw e;
    return 'rejected';
  }
}

const seedDir = fileURLToPath(new URL('../testdata/seed/', import.meta.url));
const images = ['filter_ex1.bpf', 'filter_ex2.bpf'].map((f) => new Uint8Array(readFileSync(seedDir + f)));

describe('fuzz smoke', () => {
  it('random bytes: decodeAny accepts or throws an EbpfError; accepted raw code round-trips', () => {
    const r = seededRandom(1);
    const tally = { ok: 0, rejected: 0 };
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: 8 * Math.floor(r() * 6) }, () => Math.floor(r() * 256));
      // bias towards valid opcodes and registers so that some inputs decode
      for (let i = 0; i < bytes.length; i += 8) bytes[i + 1]! &= r() < 0.9 ? 0x99 : 0xff;
      const result = expectOnlyEbpfErrors(() => {
        const [spec] = decodeAny(bytes, { dialect: r() < 0.5 ? 'rfc' : 'seed' });
        expect(encodeRaw(spec!)).toEqual(bytes);
        spec!.insns.forEach((i) => formatInsn(i, { syntax: 'kernel' }));
      });
      tally[result]++;
    }
    expect(tally.ok).toBeGreaterThan(100);
    expect(tally.rejected).toBeGreaterThan(100);
  });

  it('mutated seed images: accepted ones re-encode identically', () => {
    const r = seededRandom(2);
    for (let n = 0; n < 2000; n++) {
      const base = images[n % 2]!;
      const bytes = base.slice(0, r() < 0.1 ? Math.floor(r() * base.length) : base.length);
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      expectOnlyEbpfErrors(() => {
        const spec = decodeSeedImage(bytes);
        expect(encodeSeedImage(spec)).toEqual(bytes);
      });
    }
  });

  it('mutated assembler text: parseAsm accepts or throws a ParseError', () => {
    const dir = fileURLToPath(new URL('../testdata/conformance/', import.meta.url));
    const lines = readdirSync(dir)
      .filter((f) => f.endsWith('.data'))
      .slice(0, 80)
      .flatMap((f) => (/-- asm\n([\s\S]*?)\n-- /.exec(readFileSync(dir + f, 'utf8'))?.[1] ?? '').split('\n'));
    const r = seededRandom(3);
    const junk = '%[]+-,:#x0123456789rabcdefglw ';
    for (let n = 0; n < 3000; n++) {
      const chars = [...lines[Math.floor(r() * lines.length)]!];
      for (let k = 0; k < 1 + Math.floor(r() * 2); k++) chars[Math.floor(r() * (chars.length + 1))] = junk[Math.floor(r() * junk.length)]!;
      try {
        parseAsm(chars.join(''));
      } catch (e) {
        expect(EbpfError.is(e) && e.code).toBe('PARSE');
      }
    }
  });
});
