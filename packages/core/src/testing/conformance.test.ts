/**
 * Tests of the bpf_conformance harness: the `.data` parser, the `conformance` subsystem's
 * context rule and the suite's helpers (called directly through a VM's argument block).
 */
import { describe, expect, it } from 'vitest';
import { ParseError } from '../errors.js';
import { Vm } from '../runtime/vm.js';
import { CONFORMANCE_HELPERS, assembleConformance, conformanceProgram, conformanceSubsystem, parseConformanceTest } from './conformance.js';

describe('parseConformanceTest', () => {
  it('reads asm, mem, raw and result sections; ignores -- c and -- no register offset', () => {
    const t = parseConformanceTest(
      ['# comment', '-- asm', 'mov %r0, 1 # one', 'exit', '-- c', 'int x;', '-- raw', '0x00000001000000b7', '0x0000000000000095',
        '-- mem', '00 01', 'ff', '-- no register offset', 'call instruction', '-- result', '0x1'].join('\n'),
      'sample',
    );
    expect(t.name).toBe('sample');
    expect(t.asm).toBe('mov %r0, 1 # one\nexit');
    expect([...t.memory]).toEqual([0, 1, 255]);
    expect(t.result).toBe(1n);
    expect(Buffer.from(t.raw!).toString('hex')).toBe('b7000000010000009500000000000000');
    expect(conformanceProgram(t)).toBe(t.raw);
    expect(Buffer.from(assembleConformance(t)).toString('hex')).toBe('b7000000010000009500000000000000');
  });

  it.each([
    ['decimal', '42', 42n],
    ['hex', '0xffffffffffffffff', 0xffffffffffffffffn],
    ['negative', '-1', 0xffffffffffffffffn],
  ])('reads a %s result', (_n, text, want) => {
    expect(parseConformanceTest(`-- asm\nexit\n-- result\n${text}\n`).result).toBe(want);
  });

  it('reads an error section', () => {
    const t = parseConformanceTest('-- asm\nja -1\n-- error\nFailed to load code: infinite loop\n');
    expect(t.error).toBe('Failed to load code: infinite loop');
    expect(t.result).toBeUndefined();
  });

  it.each([
    ['an unknown section', '-- asm\nexit\n-- frob\n-- result\n0\n', /unknown section/],
    ['a bad memory byte', '-- asm\nexit\n-- mem\n0g\n-- result\n0\n', /bad memory byte '0g'/],
    ['a bad raw word', '-- raw\nzz\n-- result\n0\n', /bad raw instruction/],
    ['no result', '-- asm\nexit\n', /no '-- result'/],
    ['a bad result', '-- asm\nexit\n-- result\nabc\n', /bad result/],
  ])('refuses %s with a ParseError', (_n, text, message) => {
    expect(() => parseConformanceTest(text)).toThrow(ParseError);
    expect(() => parseConformanceTest(text)).toThrow(message);
  });
});

describe('the conformance subsystem', () => {
  it('allows any access of 1, 2, 4 or 8 bytes inside the block, at any alignment', () => {
    const s = conformanceSubsystem(10);
    expect(s.name).toBe('conformance');
    expect(s.entryScalars).toEqual([2]);
    expect(s.context.size).toBe(10);
    expect(s.getContextAccess(1, 4, 'read')).toBeDefined();
    expect(s.getContextAccess(2, 8, 'write')).toBeDefined();
    expect(s.getContextAccess(3, 8, 'read')).toBeUndefined();
    expect(s.getContextAccess(0, 3, 'read')).toBeUndefined();
    expect(s.getContextAccess(-1, 1, 'read')).toBeUndefined();
    expect(conformanceSubsystem(0).getContextAccess(0, 1, 'read')).toBeUndefined();
  });

  it('offers the suite helpers by their ids', () => {
    const s = conformanceSubsystem(8);
    expect([0, 1, 2, 3, 4, 5].map((id) => s.getFuncProto(id)?.name)).toEqual(['gather_bytes', 'memfrob', 'no_op', 'sqrti', 'strcmp_ext', 'unwind']);
    expect(s.getFuncProto(5)?.unwindOnZero).toBe(true);
  });
});

describe('the suite helpers', () => {
  const vm = new Vm({ size: 1 << 20 });
  const env = { vm, maps: [], program: 't' };
  const call = (id: number, ...args: Array<bigint | number>) => {
    args.forEach((a, i) => vm.args.set(i + 1, a));
    return CONFORMANCE_HELPERS.find((h) => h.id === id)!.impl(vm.args, env);
  };
  const buf = vm.mem.alloc(16, { kind: 'context', name: 'mem' });
  const put = (s: string, at = 0) => vm.mem.bytes.set(new TextEncoder().encode(s + '\0'), buf.offset + at);

  it('gather_bytes packs the low bytes of its five arguments', () => {
    expect(BigInt(call(0, 0x101, 0x102, 0x103, 0x1ff, 0x105))).toBe(0x010203ff05n);
  });

  it('memfrob xors each byte with 42 and refuses memory outside a region', () => {
    vm.mem.bytes.set([0, 42, 1], buf.offset);
    expect(call(1, buf.address, 3)).toBe(0);
    expect([...vm.mem.bytes.subarray(buf.offset, buf.offset + 3)]).toEqual([42, 0, 43]);
    expect(() => call(1, buf.address + 10n, 10)).toThrow(/not writable memory/);
  });

  it('sqrti is the integer square root; no_op returns 0; unwind returns its argument', () => {
    expect(call(3, 1000000)).toBe(1000);
    expect(call(3, 99)).toBe(9);
    expect(call(2)).toBe(0);
    expect(call(5, 7)).toBe(7n);
  });

  it('strcmp_ext compares NUL-terminated strings like C strcmp', () => {
    put('abc', 0);
    put('abd', 4);
    put('ab', 8);
    expect(call(4, buf.address, buf.address)).toBe(0);
    expect(Math.sign(Number(call(4, buf.address, buf.address + 4n)))).toBe(-1);
    expect(Math.sign(Number(call(4, buf.address + 4n, buf.address)))).toBe(1);
    expect(Math.sign(Number(call(4, buf.address + 8n, buf.address)))).toBe(-1);
    expect(() => call(4, 16n, buf.address)).toThrow(/not a valid pointer/);
  });
});
