import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSeedImage, check, Vm, CheckerError } from '@ebpf/core';
import { seedTrace } from './fixtures.js';

describe('smoke', () => {
  for (const f of ['filter_ex1.bpf', 'filter_ex2.bpf']) {
    it(f, () => {
      const spec = decodeSeedImage(new Uint8Array(readFileSync(`/work/shared/seed/examples/${f}`)));
      const vm = new Vm({ size: 4 << 20 });
      const maps = spec.maps.map((m) => vm.createMap(m));
      try {
        const v = check(spec, seedTrace(), maps, { verbose: true });
        console.log(v.log!.join('\n'));
        expect(v.stats.processed).toBeGreaterThan(0);
      } catch (e) {
        if (CheckerError.isCheckerError(e)) console.log(e.message + '\n' + e.formatLog());
        throw e;
      }
    });
  }
});
