import { describe, expect, it } from 'vitest';
import { ParseError } from '@ebpf/core';
import { parseCType } from '../ctypes.js';
import { layoutEntry } from '../events/fields.js';
import { caretMessage, filterFields, parseFilter, parseInteger } from './parse.js';

const layout = layoutEntry([
  { name: 'len', type: parseCType('unsigned int') },
  { name: 'delta', type: parseCType('int') },
  { name: 'flags', type: parseCType('u8') },
  { name: 'name', type: parseCType('char[16]') },
]);

describe('parseFilter', () => {
  it.each([
    ['name == "eth5"', { kind: 'str', op: '==', value: 'eth5' }],
    ['name==eth5', { kind: 'str', op: '==', value: 'eth5' }],
    ["name != 'lo'", { kind: 'str', op: '!=', value: 'lo' }],
    ['name ~ "eth*"', { kind: 'str', op: '~', value: 'eth*' }],
    ['len > 100', { kind: 'num', op: '>', value: { big: 100n, num: 100 } }],
    ['len >= 0x10', { kind: 'num', op: '>=', value: { big: 16n, num: 16 } }],
    ['len < 010', { kind: 'num', op: '<', value: { big: 8n, num: 8 } }],
    ['delta <= -5', { kind: 'num', op: '<=', value: { big: -5n, num: -5 } }],
    ['flags & 3', { kind: 'num', op: '&', value: { big: 3n, num: 3 } }],
    ['len == -1', { kind: 'num', op: '==', value: { big: 0xffffffffn, num: 0xffffffff } }],
    ['flags == 300', { kind: 'num', op: '==', value: { big: 44n, num: 44 } }],
    ['common_pid == 7', { kind: 'num', op: '==', value: { big: 7n, num: 7 } }],
  ])('%s', (src, want) => {
    expect(parseFilter(src, layout)).toMatchObject(want);
  });

  it('binds && tighter than || and honours ! and parentheses', () => {
    const t = parseFilter('len > 1 || len < 2 && !(name == lo)', layout);
    expect(t).toMatchObject({ kind: 'or', right: { kind: 'and', right: { kind: 'not', expr: { kind: 'str' } } } });
    expect(filterFields(t).map((f) => f.name)).toEqual(['len', 'name']);
  });

  it('treats glob characters in == as a glob, as ftrace does', () => {
    expect(parseFilter('name == "eth*"', layout)).toMatchObject({ glob: [{ kind: 'lit' }, { kind: 'lit' }, { kind: 'lit' }, { kind: 'star' }] });
    expect(parseFilter('name == eth0', layout)).not.toHaveProperty('glob');
  });

  it.each([
    ['', 1, /empty filter/],
    ['nme == 1', 1, /'nme' is not a field/],
    ['len', 4, /missing operator/],
    ['len ==', 7, /missing value/],
    ['len == abc', 8, /'abc' is not a number/],
    ['len = 5', 5, /use '=='/],
    ['name < "x"', 6, /does not apply to string field/],
    ['len ~ 5', 5, /string fields only/],
    ['len == 1 &&', 12, /missing predicate/],
    ['(len == 1', 10, /missing '\)'/],
    ['len == 1)', 9, /unbalanced/],
    ['len == 1 len == 2', 10, /expected && or \|\|/],
    ['name ~ "ab[c"', 11, /unterminated '\['/],
    ['name == "abc', 9, /unterminated string/],
    ['len == 99999999999999999999999', 8, /does not fit/],
    ['len | 1', 5, /use '\|\|'/],
  ])('rejects %j at column %i', (src, col, msg) => {
    let err: unknown;
    try {
      parseFilter(src, layout);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).column).toBe(col);
    expect((err as ParseError).message).toMatch(msg);
  });

  it('renders a caret under the column', () => {
    try {
      parseFilter('len == 1 && nope > 2', layout);
      expect.unreachable();
    } catch (e) {
      expect(caretMessage('len == 1 && nope > 2', e as ParseError)).toBe("len == 1 && nope > 2\n            ^\nparse_error: 'nope' is not a field of this event (fields: common_type, common_flags, common_preempt_count, common_pid, len, delta, flags, name)");
    }
  });
});

describe('parseInteger', () => {
  it.each([
    ['0', 0n], ['42', 42n], ['-42', -42n], ['0x1F', 31n], ['017', 15n], ['+3', 3n],
  ])('%s = %s', (s, v) => expect(parseInteger(s)).toBe(v));
  it.each(['', '08', '0x', '1e3', 'abc', '--1'])('%j is not an integer', (s) => expect(parseInteger(s)).toBeUndefined());
});
