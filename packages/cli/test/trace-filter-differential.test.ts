/**
 * The trace subsystem's filter strings, evaluated both ways on a generated table of events x
 * filters: the predicate walker over the recorded entry, and the BPF the compiler makes from the
 * same string, run on the arguments by the interpreter (unverified, and through the Runtime, so
 * the checker must accept every compiled filter). (Lives with the CLI because the CLI
 * package depends on every engine; @ebpf/trace itself depends on core only.)
 */
import { describe, expect, it } from 'vitest';
import { lower, Vm, type ProgramSpec, type Runnable } from '@ebpf/core';
import { Interpreter } from '@ebpf/interp';
import { compileFilter, defineStruct, Tracer, type LoadedProgramLike, type ProgramLoader, type Tracepoint } from '@ebpf/trace';
import { traceSetup } from '../src/commands/trace.js';

/** A loader that runs programs unverified in the interpreter (the checker is tested elsewhere). */
function interpLoader(vm: Vm): ProgramLoader {
  return {
    vm,
    load(spec: ProgramSpec, options): LoadedProgramLike {
      const interp = new Interpreter(vm, lower(spec.insns), { helpers: options.subsystem.helpers(), name: spec.name, budget: 100_000 });
      const runnable: Runnable = {
        engine: 'interp',
        run: (r1, r2) => interp.run(r1, r2),
        runLow32: (r1, r2) => Number(interp.run(r1, r2) & 0xffffffffn),
        dispose() {},
      };
      return { spec, verified: undefined as never, runnable, maps: [], engine: 'interp', dispose() {} };
    },
  };
}

async function setup(kind: 'unverified' | 'checked' = 'unverified') {
  const runtime = kind === 'unverified' ? interpLoader(new Vm({ size: 8 << 20 })) : (await traceSetup('interp')).runtime;
  const tracer = new Tracer({ runtime, bufferEntries: 100_000, task: { pid: 77, uid: 0, gid: 0, comm: 'node' } });
  tracer.structs.add(defineStruct('pkt', [
    { name: 'proto', type: 'u8' },
    { name: 'delta', type: 's16' },
    { name: 'len', type: 'u32' },
    { name: 'name', type: 'char[8]' },
    { name: 'peer', type: 'struct pkt *' },
  ]));
  const tp = tracer.tracepoint({
    name: 'test:pkt',
    args: [
      { name: 'p', type: 'struct pkt *' },
      { name: 'label', type: 'char *' },
      { name: 'n', type: 'long' },
      { name: 'flags', type: 'u64' },
      { name: 'idx', type: 'int' },
    ],
    fields: [
      { name: 'idx', type: 'int' },
      { name: 'proto', type: 'u8', assign: 'p->proto' },
      { name: 'delta', type: 's16', assign: 'p->delta' },
      { name: 'len', type: 'u32', assign: 'p->len' },
      { name: 'pname', type: 'char[8]', assign: 'p->name' },
      { name: 'peername', type: 'char[8]', assign: 'p->peer->name' },
      { name: 'label', type: 'char[12]' },
      { name: 'n', type: 'long' },
      { name: 'flags', type: 'u64' },
      { name: 'small', type: 's8', assign: 'n' },
      { name: 'tag', type: 'char[6]', assign: (a) => String(a[1] ?? '').slice(1) },
      { name: 'neg', type: 'int', assign: (a) => -Number(a[2] ?? 0) },
    ],
  });
  tp.enable();
  return { tracer, tp };
}

let seed = 20240611;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const NAMES = ['lo', 'eth0', 'eth5', 'eth', 'wlan0', 'abcdefgh', ''];
const LABELS = ['GET /', 'POST /api', 'x', '', 'eth5', 'abcdefghijklmnop'];
const NUMS = [0, 1, -1, 5, 127, 128, 255, 256, -129, 0x7fffffff, -0x80000000, 2 ** 40, -(2 ** 40)];

function genEvent(i: number): unknown[] {
  const p = rnd(8) === 0 ? null : {
    proto: rnd(300),
    delta: pick(NUMS),
    len: pick([0, 60, 100, 1500, 0xffffffff, 2 ** 33]),
    name: pick(NAMES),
    peer: rnd(3) === 0 ? null : { name: pick(NAMES) },
  };
  return [p, rnd(6) === 0 ? undefined : pick(LABELS), pick(NUMS), pick([0n, 1n, 2n ** 63n, 2n ** 64n - 1n, 0x100000000n, 6n]), i];
}

function genPred(): string {
  switch (rnd(11)) {
    case 0: return `proto ${pick(['==', '!=', '<', '>=', '&'])} ${pick([0, 6, 17, 255, 300, 0x10])}`;
    case 1: return `delta ${pick(['<', '<=', '>', '==', '&'])} ${pick(['0', '-1', '-129', '128', '0x8000'])}`;
    case 2: return `len ${pick(['>', '<=', '==', '!='])} ${pick(['100', '0xffffffff', '-1', '1500', '0'])}`;
    case 3: return `pname ${pick(['==', '!=', '~'])} "${pick(['eth5', 'lo', 'eth*', '*0', 'e?h[0-5]', 'abcdefgh', 'abcdefghi', '', '[!e]*'])}"`;
    case 4: return `peername ${pick(['==', '~'])} ${pick(['eth0', 'l*', '*', 'wlan?'])}`;
    case 5: return `label ${pick(['==', '!=', '~'])} "${pick(['GET /', 'x', '*api', 'POST*', 'abcdefghijk', 'abcdefghijkl', ''])}"`;
    case 6: return `n ${pick(['<', '>=', '==', '&'])} ${pick(['0', '-1', '0x10000000000', '127', '-0x10000000000'])}`;
    case 7: return `flags ${pick(['>', '&', '==', '<'])} ${pick(['0x8000000000000000', '1', '0xffffffffffffffff', '0x100000000', '5'])}`;
    case 8: return `small ${pick(['<', '==', '>='])} ${pick(['-1', '0', '127', '-128'])}`;
    case 9: return `tag ${pick(['==', '~'])} "${pick(['ET /', 'OST*', '', 'bcdefghij'])}"`;
    default: return pick([`neg < 0`, `neg == 1`, `common_pid == 77`, `common_pid != 77`, `idx & 1`, `common_type == 1`]);
  }
}

function genFilter(d = 0): string {
  const k = d > 2 ? 0 : rnd(5);
  if (k <= 1) return genPred();
  if (k === 2) return `${genFilter(d + 1)} && ${genFilter(d + 1)}`;
  if (k === 3) return `(${genFilter(d + 1)} || ${genFilter(d + 1)})`;
  return `!(${genFilter(d + 1)})`;
}

function recordedIdx(tracer: Tracer, tp: Tracepoint, events: unknown[][]): number[] {
  tracer.buffer.clear();
  for (const e of events) tp.emit(...e);
  return tracer.buffer.entries().map((e) => e.values![4] as number);
}

describe('filter strings: predicate walker and compiled BPF agree', () => {
  it.each(['unverified', 'checked'] as const)('on a generated table of events x filters (%s)', async (kind) => {
    const { tracer, tp } = await setup(kind);
    const events = Array.from({ length: 60 }, (_, i) => genEvent(i));
    let kept = 0;
    let total = 0;
    for (let k = 0; k < 150; k++) {
      const filter = genFilter();
      tracer.setFilter(tp, filter, { mode: 'preds' });
      const preds = recordedIdx(tracer, tp, events);
      tracer.setFilter(tp, filter, { mode: 'bpf' });
      const bpf = recordedIdx(tracer, tp, events);
      expect(bpf, filter).toEqual(preds);
      kept += preds.length;
      total += events.length;
    }
    // Both outcomes are well represented.
    expect(kept / total).toBeGreaterThan(0.15);
    expect(kept / total).toBeLessThan(0.85);
  });

  it('compiles arguments-only filters without reading the entry, and entry fields with it', async () => {
    const { tp } = await setup();
    const target = { layout: tp.layout, argOffsets: tp.argOffsets, eventId: tp.id };
    expect(compileFilter('pname == eth5 && len > 100', target).needsEntry).toBe(false);
    expect(compileFilter('tag == "x"', target).needsEntry).toBe(true);
  });
});
