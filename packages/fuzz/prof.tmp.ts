import { check, CheckerError } from '@ebpf/core';
import { parseAsm } from '@ebpf/core/asm';
import { Prng } from './src/differential/prng.js';
import { generateCheckerProgram, mutate } from './src/checker-gen.js';
import { FUZZ_MAPS, FuzzWorld, fuzzSubsystem } from './src/checker-subsystem.js';
const sub = fuzzSubsystem(); const world = new FuzzWorld();
let tg = 0, tc = 0; const slow: [number, number, string][] = [];
for (let pass = 0; pass < 2; pass++) { tg = 0; tc = 0; slow.length = 0;
for (let i = 0; i < 2000; i++) {
  const rng = new Prng(4_000_000 + i);
  let t0 = performance.now();
  let insns = parseAsm(generateCheckerProgram(rng));
  if (rng.chance(0.3)) insns = mutate(rng, insns);
  let t1 = performance.now(); tg += t1 - t0;
  let reason = 'ok';
  try { check({ name: 'x', dialect: 'rfc', insns, maps: FUZZ_MAPS, license: 'GPL' }, sub, world.maps, { maxProcessed: 8_000, maxPendingBranches: 512 }); } catch (e) { reason = (e as CheckerError).reason; }
  const dt = performance.now() - t1; tc += dt;
  slow.push([dt, i, reason]);
}
}
slow.sort((a, b) => b[0] - a[0]);
console.log('gen', tg.toFixed(0), 'check', tc.toFixed(0), slow.slice(0, 10));
