import { describe, expect, it } from 'vitest';
import { parseFuzzArgs, type FuzzCommand } from './cli-args.js';

interface Args {
  count: number;
  share: number;
  loops: boolean;
}

const COMMAND: FuzzCommand<Args> = {
  name: 'fuzz:test',
  synopsis: '[--count N] [--share P] [--no-loops]',
  options: {
    '--count': { kind: 'integer', set: (a, v) => { a.count = v; } },
    '--share': { kind: 'number', set: (a, v) => { a.share = v; } },
    '--no-loops': { kind: 'flag', set: (a) => { a.loops = false; } },
  },
};

const parse = (argv: string[]): Args => parseFuzzArgs(COMMAND, argv, { count: 1, share: 0.5, loops: true });

describe('parseFuzzArgs', () => {
  it.each([
    [[], { count: 1, share: 0.5, loops: true }],
    [['--count', '7'], { count: 7, share: 0.5, loops: true }],
    [['--share', '0.25', '--no-loops'], { count: 1, share: 0.25, loops: false }],
    [['--no-loops', '--count', '0'], { count: 0, share: 0.5, loops: false }],
  ])('%j', (argv, want) => {
    expect(parse(argv)).toEqual(want);
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['toString'], 'unknown option toString'],
    [['--count'], '--count needs a non-negative integer'],
    [['--count', '1.5'], '--count needs a non-negative integer'],
    [['--count', '-1'], '--count needs a non-negative integer'],
    [['--share', 'x'], '--share needs a non-negative number'],
    [['--share', '-0.1'], '--share needs a non-negative number'],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
  });
});
