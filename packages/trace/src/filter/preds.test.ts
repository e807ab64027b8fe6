import { describe, expect, it } from 'vitest';
import { parseCType } from '../ctypes.js';
import { layoutEntry, type FieldValue } from '../events/fields.js';
import { matchGlob } from './glob.js';
import { parseFilter, type FilterNode } from './parse.js';
import { branchProgram, PredicateFilter } from './preds.js';

const layout = layoutEntry([
  { name: 'len', type: parseCType('unsigned int') },
  { name: 'delta', type: parseCType('long') },
  { name: 'big', type: parseCType('u64') },
  { name: 'name', type: parseCType('char[16]') },
]);

/** Reference: the tree evaluated recursively with BigInt arithmetic. */
function reference(n: FilterNode, v: readonly FieldValue[]): boolean {
  switch (n.kind) {
    case 'and': return reference(n.left, v) && reference(n.right, v);
    case 'or': return reference(n.left, v) || reference(n.right, v);
    case 'not': return !reference(n.expr, v);
    case 'str': {
      const s = v[n.field.index] as string;
      const hit = n.glob ? matchGlob(n.glob, s) : s === n.value;
      return n.op === '!=' ? !hit : hit;
    }
    default: {
      const x = BigInt(v[n.field.index] as number | bigint);
      const c = n.value.big;
      switch (n.op) {
        case '==': return x === c;
        case '!=': return x !== c;
        case '<': return x < c;
        case '<=': return x <= c;
        case '>': return x > c;
        case '>=': return x >= c;
        default: return (BigInt.asUintN(64, x) & BigInt.asUintN(64, c)) !== 0n;
      }
    }
  }
}

const entry = (len: number, delta: number | bigint, big: number | bigint, name: string): FieldValue[] => [1, 0, 0, 99, len, delta, big, name];

describe('PredicateFilter', () => {
  it('flattens && / || / ! into branch targets', () => {
    const prog = branchProgram(parseFilter('len == 1 && (name == a || !(delta < 0))', layout));
    expect(prog.map((b) => [b.t, b.f])).toEqual([[1, -2], [-1, 2], [-2, -1]]);
  });

  it.each([
    ['len > 100', entry(101, 0, 0, 'x'), true],
    ['len > 100', entry(100, 0, 0, 'x'), false],
    ['name == eth5', entry(0, 0, 0, 'eth5'), true],
    ['name == eth5', entry(0, 0, 0, 'eth50'), false],
    ['name ~ "eth*" && len < 10', entry(9, 0, 0, 'eth0'), true],
    ['delta < 0', entry(0, -1, 0, ''), true],
    ['big > 0x7fffffffffffffff', entry(0, 0, 2n ** 63n, ''), true],
    ['big & 0x8000000000000000', entry(0, 0, 2n ** 63n + 1n, ''), true],
    ['big & 1', entry(0, 0, 2n ** 63n, ''), false],
    ['delta & 0x100000000', entry(0, -1, 0, ''), true],
    ['!(len == 1 || len == 2)', entry(3, 0, 0, ''), true],
  ])('%s (case %#)', (src, v, want) => {
    expect(new PredicateFilter(src, parseFilter(src, layout)).match(v)).toBe(want);
  });

  it('agrees with a recursive reference on a generated table of entries x filters', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const names = ['lo', 'eth0', 'eth5', 'eth', 'wlan0', ''];
    const preds = [
      () => `len ${['==', '!=', '<', '<=', '>', '>='][rnd(6)]} ${rnd(300)}`,
      () => `delta ${['<', '>=', '&'][rnd(3)]} ${rnd(2) ? '-' : ''}${rnd(50)}`,
      () => `big ${['>', '&', '=='][rnd(3)]} 0x${(rnd(1 << 30) * 2 ** 20).toString(16)}`,
      () => `name ${['==', '!=', '~'][rnd(3)]} "${['eth*', 'lo', '*0', 'e?h[0-5]', 'eth5'][rnd(5)]}"`,
    ];
    const filter = (d: number): string => {
      const k = d > 2 ? 0 : rnd(4);
      if (k === 0) return preds[rnd(preds.length)]!();
      if (k === 1) return `${filter(d + 1)} && ${filter(d + 1)}`;
      if (k === 2) return `(${filter(d + 1)} || ${filter(d + 1)})`;
      return `!(${filter(d + 1)})`;
    };
    const entries = Array.from({ length: 40 }, () => entry(rnd(300), rnd(2) ? -rnd(60) : rnd(60), BigInt(rnd(1 << 30)) * 2n ** BigInt(rnd(34)), names[rnd(names.length)]!));
    let hits = 0;
    for (let i = 0; i < 200; i++) {
      const src = filter(0);
      const tree = parseFilter(src, layout);
      const pf = new PredicateFilter(src, tree);
      for (const e of entries) {
        const want = reference(tree, e);
        if (want) hits++;
        expect(pf.match(e), `${src} on ${e.join(',')}`).toBe(want);
      }
    }
    expect(hits).toBeGreaterThan(500); // the table exercises both outcomes
  });
});
