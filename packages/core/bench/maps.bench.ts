/**
 * Map helper cost: ns per `bpf_map_lookup_elem` / `bpf_map_update_elem` call through the helper
 * argument block, as every engine calls them, for each map type that programs look up.
 * Run: `npx tsx packages/core/bench/maps.bench.ts [--json]` (not part of the test suite).
 */
import { Arena } from '../src/memory/arena.js';
import { mapLookupElemHelper, mapUpdateElemHelper } from '../src/maps/helpers.js';
import type { MapSpec } from '../src/maps/map-spec.js';
import { Vm } from '../src/runtime/vm.js';
import type { HelperEnv } from '../src/subsystem/subsystem.js';

const N = 1_000_000;

function measure(fn: () => void): number {
  for (let i = 0; i < N / 10; i++) fn(); // warm up
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / N);
  }
  return samples.sort((a, b) => a - b)[2]!;
}

const specs: MapSpec[] = [
  { name: 'array', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1024, flags: 0 },
  { name: 'hash4', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 1024, flags: 0 },
  { name: 'hash16', type: 'hash', keySize: 16, valueSize: 8, maxEntries: 1024, flags: 0 },
  { name: 'lru_hash', type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 1024, flags: 0 },
  { name: 'lpm_trie', type: 'lpm_trie', keySize: 8, valueSize: 8, maxEntries: 1024, flags: 0 },
];

const rows: Array<{ map: string; lookupNs: number; updateNs: number }> = [];
for (const spec of specs) {
  const vm = new Vm({ size: 4 << 20 });
  const map = vm.createMap(spec);
  const arena = new Arena(vm.mem, { name: 'keys', size: 4096 });
  const key = new Uint8Array(spec.keySize);
  if (spec.type === 'lpm_trie') new DataView(key.buffer).setUint32(0, 32, true);
  const at = spec.type === 'lpm_trie' ? 4 : 0;
  key[at] = 7;
  const keyAddr = vm.mem.baseNumber + arena.push(key);
  const valAddr = vm.mem.baseNumber + arena.push(new Uint8Array(8));
  for (let i = 0; spec.type !== 'array' && i < 100; i++) {
    const k = key.slice();
    k[at + 1] = i + 1;
    map.update(k, new Uint8Array(8));
  }
  map.update(key, new Uint8Array(8));
  const env: HelperEnv = { vm, maps: [map], program: 'bench' };
  const args = vm.args;
  const mapAddr = Number(map.address);
  const lookupNs = measure(() => {
    args.set(1, mapAddr);
    args.set(2, keyAddr);
    mapLookupElemHelper.impl(args, env);
  });
  const updateNs = measure(() => {
    args.set(1, mapAddr);
    args.set(2, keyAddr);
    args.set(3, valAddr);
    args.set(4, 0);
    mapUpdateElemHelper.impl(args, env);
  });
  rows.push({ map: spec.name, lookupNs: +lookupNs.toFixed(1), updateNs: +updateNs.toFixed(1) });
}

if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
else console.table(rows);
