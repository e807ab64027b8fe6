import { check, CheckerError } from '@ebpf/core';
import { parseAsm } from '@ebpf/core/asm';
import { Prng } from './src/differential/prng.js';
import { generateCheckerProgram, mutate } from './src/checker-gen.js';
import { FUZZ_MAPS, FuzzWorld, fuzzSubsystem } from './src/checker-subsystem.js';
const sub = fuzzSubsystem(); const world = new FuzzWorld();
for (const i of [1373, 982, 970]) {
  const rng = new Prng(4_000_000 + i);
  let insns = parseAsm(generateCheckerProgram(rng));
  if (rng.chance(0.3)) insns = mutate(rng, insns);
  const t = performance.now();
  try { check({ name: 'x', dialect: 'rfc', insns, maps: FUZZ_MAPS, license: 'GPL' }, sub, world.maps, { maxProcessed: 50_000 }); } catch (e) { console.log((e as CheckerError).message.slice(0, 200)); }
  console.log(i, performance.now() - t);
}
