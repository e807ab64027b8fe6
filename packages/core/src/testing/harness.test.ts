import { describe, expect, it } from 'vitest';
import { FirstImmEngine } from '../../test/support/first-imm-engine.js';
import { checkerCases, runCheckerCase } from './checker-cases.js';
import { engineCases, memorySubsystem, runEngineCase } from './engine-cases.js';
import { caseName, type TestApi } from './test-api.js';

/** A TestApi that records tests, so the harness's own verdicts can be checked. */
function recorder() {
  const tests: Array<{ name: string; fn: () => void | Promise<void> }> = [];
  const path: string[] = [];
  const api: TestApi = {
    describe(name, fn) {
      path.push(name);
      fn();
      path.pop();
    },
    it(name, fn) {
      tests.push({ name: [...path, name].join(' > '), fn });
    },
  };
  const verdicts = async () => {
    const out: Record<string, string> = {};
    for (const t of tests) {
      try {
        await t.fn();
        out[t.name] = 'pass';
      } catch (e) {
        out[t.name] = `fail: ${(e as Error).message.split('\n')[0]}`;
      }
    }
    return out;
  };
  return { api, verdicts };
}

describe('checkerCases', () => {
  it('passes right verdicts and fails wrong ones, naming what it got', async () => {
    const { api, verdicts } = recorder();
    const sub = memorySubsystem(8);
    checkerCases(
      sub,
      {
        accept: ['ldxdw %r0, [%r1+0]\nexit', { name: 'wrongly expected to pass', asm: 'ldxdw %r0, [%r1+8]\nexit' }],
        reject: [
          { name: 'right reason', asm: 'ldxdw %r0, [%r1+8]\nexit', reason: 'CTX_ACCESS_DENIED', insn: 0 },
          { name: 'wrong insn', asm: 'ldxdw %r0, [%r1+8]\nexit', reason: 'CTX_ACCESS_DENIED', insn: 1 },
          { name: 'wrong reason', asm: 'exit', reason: 'CTX_ACCESS_DENIED' },
          { name: 'accepted', asm: 'mov %r0, 0\nexit', reason: 'R0_NOT_INIT' },
        ],
      },
      api,
    );
    expect(await verdicts()).toEqual({
      'checker cases: memory > accepts: ldxdw %r0, [%r1+0]; exit': 'pass',
      'checker cases: memory > accepts: wrongly expected to pass': expect.stringMatching(/^fail: expected the program to be accepted, but it was refused \(CTX_ACCESS_DENIED at insn 0\)/),
      'checker cases: memory > rejects (CTX_ACCESS_DENIED): right reason': 'pass',
      'checker cases: memory > rejects (CTX_ACCESS_DENIED): wrong insn': expect.stringMatching(/^fail: expected CTX_ACCESS_DENIED at insn 1, got CTX_ACCESS_DENIED at insn 0/),
      'checker cases: memory > rejects (CTX_ACCESS_DENIED): wrong reason': expect.stringMatching(/^fail: expected CTX_ACCESS_DENIED, got R0_NOT_INIT at insn 0/),
      'checker cases: memory > rejects (R0_NOT_INIT): accepted': 'fail: expected R0_NOT_INIT, but the program was accepted',
    });
  });

  it('runCheckerCase creates the case maps', () => {
    const out = runCheckerCase(memorySubsystem(0), {
      asm: 'stw [%r10-4], 0\nlddw %r1, map_fd(0)\nmov %r2, %r10\nadd %r2, -4\ncall 1\nmov %r0, 0\nexit',
      maps: [{ name: 'm', type: 'hash', keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 }],
    });
    expect(out.accepted).toBe(true);
  });
});

describe('engineCases', () => {
  it('runs each case on each engine and fails on a wrong result, error or memory', async () => {
    const { api, verdicts } = recorder();
    engineCases(
      [new FirstImmEngine('interp'), new FirstImmEngine('jit-wasm', 'not here')],
      [
        { name: 'right', asm: 'mov %r0, 7\nexit', result: 7n },
        { name: 'wrong', asm: 'mov %r0, 7\nexit', result: 8n },
        { name: 'refused', asm: 'exit', error: /R0 !read_ok/ },
        { name: 'memory kept', asm: 'mov %r0, 1\nexit', mem: Uint8Array.of(1, 2), memAfter: Uint8Array.of(1, 2) },
        { name: 'memory differs', asm: 'mov %r0, 1\nexit', mem: Uint8Array.of(1, 2), memAfter: Uint8Array.of(1, 3) },
      ],
      api,
    );
    const v = await verdicts();
    expect(v['engine cases: interp > right']).toBe('pass');
    expect(v['engine cases: interp > wrong']).toBe('fail: r0 = 0x7, expected 0x8');
    expect(v['engine cases: interp > refused']).toBe('pass');
    expect(v['engine cases: interp > memory kept']).toBe('pass');
    expect(v['engine cases: interp > memory differs']).toBe('fail: memory after the run differs: got 01 02, expected 01 03');
    expect(v['engine cases: jit-wasm > right']).toBe("fail: engine 'jit-wasm' cannot run here: not here");
  });

  it('runEngineCase passes r1 = the memory block', () => {
    const out = runEngineCase(new FirstImmEngine('interp'), { asm: 'mov %r0, 3\nexit', mem: new Uint8Array(4) });
    expect(out).toEqual({ r0: 3n, mem: new Uint8Array(4) });
  });
});

describe('caseName', () => {
  it('flattens and shortens program text', () => {
    expect(caseName('  mov %r0, 1\n# note\n\n  exit\n')).toBe('mov %r0, 1; exit');
    expect(caseName('x'.repeat(80), 10)).toBe('xxxxxxxxx…');
  });
});
