import { describe, expect, it } from 'vitest';
import { SECCOMP_DATA, writeSeccompData } from './context.js';
import { SeccompSubsystem } from './subsystem.js';

const seccomp = new SeccompSubsystem();

describe('seccomp context access', () => {
  it.each([
    [SECCOMP_DATA.NR, 4],
    [SECCOMP_DATA.ARCH, 4],
    [SECCOMP_DATA.INSTRUCTION_POINTER, 8],
    [SECCOMP_DATA.INSTRUCTION_POINTER + 4, 4],
    [SECCOMP_DATA.ARGS, 8],
    [SECCOMP_DATA.ARGS + 5 * 8 + 4, 4],
  ])('allows reading %i/%i', (off, size) => {
    expect(seccomp.getContextAccess(off, size, 'read')?.type).toBe('scalar');
  });

  it.each([
    [SECCOMP_DATA.NR, 4, 'write'],
    [SECCOMP_DATA.NR, 8, 'read'],
    [SECCOMP_DATA.ARGS + 2, 4, 'read'],
    [SECCOMP_DATA.SIZE, 4, 'read'],
    [SECCOMP_DATA.ARGS, 2, 'read'],
  ] as const)('refuses %i/%i %s', (off, size, dir) => {
    expect(seccomp.getContextAccess(off, size, dir)).toBeUndefined();
  });

  it('has no helpers and a 32-bit return', () => {
    expect(seccomp.helpers()).toEqual([]);
    expect(seccomp.returnRange).toEqual({ min: 0n, max: 0xffffffffn });
  });
});

describe('writeSeccompData', () => {
  it('lays out struct seccomp_data', () => {
    const view = new DataView(new ArrayBuffer(64));
    writeSeccompData(view, 0, { nr: 59, arch: 0xc000003e, instructionPointer: 0x401000n, args: [1n, -1n] });
    expect(view.getInt32(0, true)).toBe(59);
    expect(view.getUint32(4, true)).toBe(0xc000003e);
    expect(view.getBigUint64(8, true)).toBe(0x401000n);
    expect(view.getBigUint64(16, true)).toBe(1n);
    expect(view.getBigUint64(24, true)).toBe(0xffffffffffffffffn);
    expect(view.getBigUint64(56, true)).toBe(0n);
  });
});
