/**
 * A fuzz round over mutated ELF objects: the committed clang-built examples with bytes flipped,
 * header-sized fields set to extreme values, and truncations. Every decode must either succeed
 * or throw an EbpfError — never another exception, never a hang. Seeded, so a failure replays.
 * (`ELF_FUZZ_ROUNDS=N` runs a longer round.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EbpfError } from '../src/errors.js';
import { decodeAny } from '../src/image/load.js';
import { seededU32 } from '../src/testing/seeded-random.js';

const EXAMPLES = join(import.meta.dirname, '../../../examples');
const objects = readdirSync(EXAMPLES).filter((f) => f.endsWith('.o')).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(EXAMPLES, f))) }));

const EXTREMES = [0, 1, 0x7f, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 0x80000000, 24, 64];

/** One mutation of `src`, chosen by `r`. */
function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const kind = r() % 5;
  if (kind === 0) return src.slice(0, r() % src.length); // truncate
  const b = src.slice();
  const v = new DataView(b.buffer);
  const n = 1 + (r() % 4);
  for (let i = 0; i < n; i++) {
    // Aim half the mutations at the headers (ELF header and section header table).
    const shoff = Number(v.getBigUint64(40, true));
    const pos = kind === 1 && shoff < b.length ? shoff + (r() % (b.length - shoff)) : kind === 2 ? r() % 64 : r() % b.length;
    if (kind === 3 && pos + 4 <= b.length) v.setUint32(pos - (pos % 4), EXTREMES[r() % EXTREMES.length]!, true);
    else if (kind === 4 && pos + 8 <= b.length) v.setBigUint64(pos - (pos % 8), BigInt(EXTREMES[r() % EXTREMES.length]!) * BigInt(1 + (r() % 3)), true);
    else b[pos] = r() & 0xff;
  }
  return b;
}

describe('ELF fuzz round', () => {
  it('finds the committed example objects', () => expect(objects.length).toBeGreaterThanOrEqual(24));

  it('mutated objects decode or fail with an EbpfError', () => {
    const rounds = Number(process.env.ELF_FUZZ_ROUNDS ?? 3000);
    const r = seededU32(0x5eed);
    let ok = 0;
    let rejected = 0;
    for (let i = 0; i < rounds; i++) {
      const base = objects[i % objects.length]!;
      const bytes = mutate(base.bytes, r);
      try {
        decodeAny(bytes);
        ok++;
      } catch (e) {
        if (!EbpfError.is(e)) {
          throw new Error(`round ${i} (${base.name}): not an EbpfError: ${(e as Error)?.stack ?? String(e)}`);
        }
        rejected++;
      }
    }
    expect(ok + rejected).toBe(rounds);
    // Mutations must bite: most are rejected, some survive (changed constants, padding).
    expect(rejected).toBeGreaterThan(rounds / 4);
  });
});
