import { readFileSync } from 'node:fs';
import { Vm, check, decodeSeedImage } from '@ebpf/core';
import { TraceSubsystem } from '@ebpf/trace';
const spec = decodeSeedImage(new Uint8Array(readFileSync('../core/testdata/seed/filter_ex2.bpf')));
const t = new TraceSubsystem(); const vm = new Vm({ size: 8 << 20 }); const maps = spec.maps.map((m) => vm.createMap(m));
for (let i = 0; i < 5000; i++) check(spec, t, maps);
const t0 = performance.now(); for (let i = 0; i < 5000; i++) check(spec, t, maps); console.log('us/check', (performance.now() - t0) / 5);
