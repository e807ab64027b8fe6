/**
 * Glob patterns as ftrace's filters take them (Linux `lib/glob.c`): `*` any run, `?` one
 * char, `[abc]`, `[a-z]`, `[!a-z]`; no escapes. Parsing gives elements the BPF compiler
 * unrolls; matching here is Linux's backtracking `glob_match`, the walker's reference.
 */
import { ParseError } from '@ebpf/core';

/** One element of a parsed glob (chars are byte values). */
export type GlobElem =
  | { readonly kind: 'lit'; readonly c: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'class'; readonly ranges: ReadonlyArray<readonly [number, number]>; readonly negate: boolean };

/** True when a byte string contains a glob metacharacter. */
export function hasGlobChars(s: string): boolean {
  return /[*?[]/.test(s);
}

/**
 * Parses a byte-string pattern. `column` is the 1-based column of the pattern's first char in
 * the filter, for errors.
 * @throws {@link @ebpf/core!ParseError} on an unterminated `[`.
 */
export function parseGlob(p: string, column: number): GlobElem[] {
  const out: GlobElem[] = [];
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
    } else if (ch === '?') out.push({ kind: 'any' });
    else if (ch === '[') {
      let j = i + 1;
      const negate = p[j] === '!';
      if (negate) j++;
      const ranges: Array<[number, number]> = [];
      let first = true;
      while (j < p.length && (p[j] !== ']' || first)) {
        const lo = p.charCodeAt(j);
        if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
          const hi = p.charCodeAt(j + 2);
          ranges.push(lo <= hi ? [lo, hi] : [hi, lo]);
          j += 3;
        } else {
          ranges.push([lo, lo]);
          j++;
        }
        first = false;
      }
      if (j >= p.length) throw new ParseError(`unterminated '[' in glob pattern`, 1, column + i);
      out.push({ kind: 'class', ranges, negate });
      i = j;
    } else out.push({ kind: 'lit', c: p.charCodeAt(i) });
  }
  return out;
}

/** True when byte `c` matches element `e` (a non-star element). */
export function elemMatches(e: GlobElem, c: number): boolean {
  switch (e.kind) {
    case 'lit': return e.c === c;
    case 'any': return true;
    case 'star': return true;
    case 'class': {
      let hit = false;
      for (const [lo, hi] of e.ranges) if (c >= lo && c <= hi) hit = true;
      return hit !== e.negate;
    }
  }
}

/** Matches a byte string against a parsed glob (Linux's glob_match: backtrack to the last `*`). */
export function matchGlob(pat: readonly GlobElem[], s: string): boolean {
  let pi = 0;
  let si = 0;
  let backPat = -1;
  let backStr = -1;
  for (;;) {
    if (pi < pat.length && pat[pi]!.kind === 'star') {
      backPat = ++pi;
      backStr = si;
      continue;
    }
    if (si >= s.length) return pi === pat.length;
    if (pi < pat.length && elemMatches(pat[pi]!, s.charCodeAt(si))) {
      pi++;
      si++;
      continue;
    }
    if (backPat < 0) return false;
    pi = backPat;
    si = ++backStr;
  }
}
