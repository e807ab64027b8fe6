import { describe, expect, it } from 'vitest';
import { ParseError } from '@ebpf/core';
import { matchGlob, parseGlob } from './glob.js';

/** Reference: the glob as a regular expression. */
function toRegex(p: string): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      let j = i + 1;
      const neg = p[j] === '!';
      if (neg) j++;
      let body = '';
      let first = true;
      while (p[j] !== ']' || first) {
        const ch = p[j]!;
        if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
          const [a, b] = [ch, p[j + 2]!].sort();
          body += `\\u${a!.charCodeAt(0).toString(16).padStart(4, '0')}-\\u${b!.charCodeAt(0).toString(16).padStart(4, '0')}`;
          j += 3;
        } else {
          body += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
          j++;
        }
        first = false;
      }
      re += `[${neg ? '^' : ''}${body}]`;
      i = j;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

describe('glob', () => {
  it.each([
    ['eth*', 'eth5', true], ['eth*', 'lo', false], ['*5', 'eth5', true], ['*th*', 'eth0', true],
    ['e?h?', 'eth0', true], ['e?h?', 'eth', false], ['eth[0-4]', 'eth5', false], ['eth[!0-4]', 'eth5', true],
    ['[]]x', ']x', true], ['*', '', true], ['', '', true], ['a*b*c', 'aXbYbZc', true], ['a*b*c', 'aXbYbZ', false],
    ['**a', 'a', true], ['[a-]', '-', true],
  ])('%j ~ %j is %s', (p, s, want) => {
    expect(matchGlob(parseGlob(p, 1), s)).toBe(want);
  });

  it('agrees with a regular-expression reference on generated cases', () => {
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const atoms = ['a', 'b', 'c', '*', '?', '[ab]', '[!a]', '[a-c]'];
    for (let k = 0; k < 3000; k++) {
      const p = Array.from({ length: rnd(6) }, () => atoms[rnd(atoms.length)]).join('');
      const s = Array.from({ length: rnd(7) }, () => 'abcd'[rnd(4)]).join('');
      expect(matchGlob(parseGlob(p, 1), s), `${p} ~ ${s}`).toBe(toRegex(p).test(s));
    }
  });

  it('reports an unterminated class at its column', () => {
    expect(() => parseGlob('ab[cd', 10)).toThrow(ParseError);
    try {
      parseGlob('ab[cd', 10);
    } catch (e) {
      expect((e as ParseError).column).toBe(12);
    }
  });
});
