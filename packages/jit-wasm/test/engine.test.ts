/**
 * The wasm engine's run-time contract: helper calling convention, errors (helpers that throw,
 * wasm traps, call depth, bad callx) that end a run and leave the VM usable, the unwind
 * extension, local-call frames, both entry points, and a VM memory with a non-zero base.
 */
import { describe, expect, it } from 'vitest';
import { EbpfError, lower, mapLookupElemHelper, parseAsm, tailCallHelper, Vm, VmError, type HelperDef, type HelperImpl } from '@ebpf/core';
import { compileLowered } from '../src/engine.js';

function helper(id: number, impl: HelperImpl, extra: Partial<HelperDef> = {}): [number, HelperDef] {
  return [id, { id, name: `h${id}`, proto: { ret: 'integer', args: [] }, impl, ...extra }];
}

function compile(vm: Vm, asm: string, helpers: Array<[number, HelperDef]> = []) {
  return compileLowered(vm, lower(parseAsm(asm)), { helpers: new Map(helpers), name: 'test' });
}

describe('helpers', () => {
  it('passes r1..r5 through the argument block and takes r0 from the result', () => {
    const vm = new Vm({ size: 1 << 20 });
    const seen: bigint[][] = [];
    const r = compile(
      vm,
      `mov %r1, 1
       mov %r2, -2
       lddw %r3, 0x123456789abcdef0
       mov %r4, 4
       mov %r5, 5
       call 7
       exit`,
      [helper(7, (a) => (seen.push([1, 2, 3, 4, 5].map((i) => a.u64(i))), -22))],
    );
    expect(r.run()).toBe(BigInt.asUintN(64, -22n));
    expect(seen).toEqual([[1n, BigInt.asUintN(64, -2n), 0x123456789abcdef0n, 4n, 5n]]);
  });

  it.each<[string, number | bigint, bigint]>([
    ['small number', 7, 7n],
    ['negative number', -1, 0xffffffffffffffffn],
    ['large number', 2 ** 40 + 3, 2n ** 40n + 3n],
    ['bigint', 0xfedcba9876543210n, 0xfedcba9876543210n],
  ])('helper result as %s', (_n, value, want) => {
    const vm = new Vm({ size: 1 << 20 });
    expect(compile(vm, 'call 1\nexit', [helper(1, () => value)]).run()).toBe(want);
  });

  it('a helper that throws ends the run with a HELPER error; the VM stays usable', () => {
    const vm = new Vm({ size: 1 << 20 });
    let fail = true;
    const r = compile(vm, 'mov %r0, 3\ncall 2\nadd %r0, 1\nexit', [
      helper(2, () => {
        if (fail) throw new Error('boom');
        return 41;
      }),
    ]);
    let err: unknown;
    try {
      r.run();
    } catch (e) {
      err = e;
    }
    expect(EbpfError.is(err)).toBe(true);
    expect((err as VmError).code).toBe('HELPER');
    expect((err as VmError).insn).toBe(1);
    expect((err as Error).message).toMatch(/helper h2 failed: boom/);
    fail = false;
    expect(r.run()).toBe(42n);
  });

  it('an unwinding helper returning 0 ends the run with r0 = 0, also from a subprogram', () => {
    const vm = new Vm({ size: 1 << 20 });
    const unwind = helper(5, (a) => a.u64(1), { unwindOnZero: true });
    const direct = compile(vm, 'mov %r1, 0\ncall 5\nmov %r0, 9\nexit', [unwind]);
    expect(direct.run()).toBe(0n);
    const keep = compile(vm, 'mov %r1, 3\ncall 5\nmov %r0, 9\nexit', [unwind]);
    expect(keep.run()).toBe(9n);
    const nested = compile(
      vm,
      `mov %r6, 0
       call local f
       mov %r0, 9
       exit
       f:
       mov %r1, %r6
       call 5
       mov %r0, 7
       exit`,
      [unwind],
    );
    expect(nested.run()).toBe(0n);
    expect(nested.runLow32(0, 0)).toBe(0);
  });

  it('callx calls the helper its register names, and faults on anything else', () => {
    const vm = new Vm({ size: 1 << 20 });
    const r = compileLowered(vm, lower(parseAsm('callx %r1\nexit')), { helpers: new Map([helper(3, () => 33)]) });
    expect(r.run(3n)).toBe(33n);
    expect(() => r.run(4n)).toThrow(/callx to 0x4/);
    expect(() => r.run(3n + (1n << 32n))).toThrow(VmError);
  });
});

describe('inline array lookups', () => {
  it.each([true, false])('bpf_map_lookup_elem gives the helper\'s answer for arrays and other maps (inline %s)', (inline) => {
    const vm = new Vm({ size: 1 << 20 });
    const array = vm.createMap({ name: 'a', type: 'array', keySize: 4, valueSize: 12, maxEntries: 5, flags: 0 });
    const hash = vm.createMap({ name: 'h', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 5, flags: 0 });
    hash.update(Uint8Array.of(3, 0, 0, 0), Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0));
    // r0 = lookup(map r1, &key r2 on the stack); if found, *(u32 *)value += 1 and return the pointer.
    const asm = (map: bigint) => `stxw [%r10-4], %r1
      lddw %r1, 0x${map.toString(16)}
      mov %r2, %r10
      add %r2, -4
      call 1
      jeq %r0, 0, out
      ldxw %r1, [%r0]
      add %r1, 1
      stxw [%r0], %r1
      out:
      exit`;
    let calls = 0;
    const counting: HelperDef = { ...mapLookupElemHelper, impl: (a, env) => (calls++, mapLookupElemHelper.impl(a, env)) };
    const helpers = new Map([[1, counting]]);
    const run = (map: bigint, key: bigint) => compileLowered(vm, lower(parseAsm(asm(map))), { helpers, inlineLookups: inline }).run(key);
    expect(run(array.address, 0n)).toBe(array.values!.address);
    expect(run(array.address, 4n)).toBe(array.values!.address + 4n * 16n); // stride: 12 rounded to 16
    expect(run(array.address, 5n)).toBe(0n);
    expect(run(array.address, 0xffffffffn)).toBe(0n);
    expect(array.lookup(Uint8Array.of(4, 0, 0, 0))![0]).toBe(1);
    expect(calls).toBe(inline ? 0 : 4); // inline: arrays never reach the helper
    expect(run(hash.address, 3n)).not.toBe(0n);
    expect(hash.lookup(Uint8Array.of(3, 0, 0, 0))![0]).toBe(10);
    expect(run(hash.address, 2n)).toBe(0n);
  });
});

describe('tail calls', () => {
  function setup() {
    const vm = new Vm({ size: 1 << 20 });
    const progs = vm.createMap({ name: 'progs', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 }) as unknown as { set(i: number, id: number): void; address: bigint };
    // The target: r0 = *(u32 *)r1 + 100.
    const target = compile(vm, 'ldxw %r0, [%r1]\nadd %r0, 100\nexit');
    progs.set(1, vm.registerProgram({ name: 'target', run: (r1) => target.run(r1) }));
    const ctx = vm.mem.alloc(8, { kind: 'context', name: 'ctx' });
    vm.mem.view.setUint32(ctx.offset, 5, true);
    const tail = [12, tailCallHelper] as [number, HelperDef];
    const caller = (asm: string) => compile(vm, asm.replace('MAP', `0x${progs.address.toString(16)}`), [tail]);
    return { vm, ctx, caller };
  }

  it('a taken tail call ends the run with the target\'s r0; a miss continues with the errno', () => {
    const { ctx, caller } = setup();
    const asm = 'mov %r6, %r2\nlddw %r2, MAP\nmov %r3, %r6\ncall 12\nadd %r0, 1000\nexit';
    const p = caller(asm);
    expect(p.run(ctx.address, 1n)).toBe(105n); // slot 1: taken
    expect(p.run(ctx.address, 0n)).toBe(BigInt.asUintN(64, 1000n - 2n)); // slot 0 empty: -ENOENT + 1000
    expect(p.run(ctx.address, 9n)).toBe(BigInt.asUintN(64, 1000n - 7n)); // out of range: -E2BIG + 1000
    expect(p.runLow32(Number(ctx.address), 1)).toBe(105);
  });

  it('a tail call taken inside a subprogram ends the whole run', () => {
    const { ctx, caller } = setup();
    const p = caller('call local f\nadd %r0, 1000\nexit\nf:\nlddw %r2, MAP\nmov %r3, 1\ncall 12\nmov %r0, 3\nexit');
    expect(p.run(ctx.address)).toBe(105n);
    expect(p.runLow32(Number(ctx.address), 0)).toBe(105);
  });
});

describe('faults', () => {
  it('an access beyond VM memory is a VM_FAULT, and the next run works', () => {
    const vm = new Vm({ size: 1 << 20 });
    const r = compile(vm, 'ldxw %r0, [%r1]\nexit');
    const ok = vm.mem.alloc(8, { kind: 'context', name: 'ctx' });
    vm.mem.view.setUint32(ok.offset, 1234, true);
    expect(() => r.run(BigInt(vm.mem.size + 4096))).toThrow(expect.objectContaining({ code: 'VM_FAULT' }));
    expect(r.run(ok.address)).toBe(1234n);
  });

  it('recursion past the VM stack frames is a VM_FAULT naming the call depth', () => {
    const vm = new Vm({ size: 1 << 20, maxCallFrames: 4 });
    const r = compile(vm, 'call local f\nexit\nf:\ncall local f\nexit');
    expect(() => r.run()).toThrow(/call depth exceeds 4 frames/);
  });
});

describe('frames and entry points', () => {
  it('r10 is the stack top; each local call gets a frame 512 bytes lower', () => {
    const vm = new Vm({ size: 1 << 20 });
    const r = compile(
      vm,
      `stxdw [%r10-8], %r10
       call local f
       ldxdw %r1, [%r10-8]
       sub %r1, %r10
       jne %r1, 0, bad
       exit
       bad:
       mov %r0, -1
       exit
       f:
       mov %r0, %r10
       stdw [%r10-8], 0
       exit`,
    );
    expect(r.run()).toBe(vm.stackTop - 512n);
  });

  it('runLow32 returns the low 32 bits of r0 unsigned, run all 64', () => {
    const vm = new Vm({ size: 1 << 20 });
    const r = compile(vm, 'lddw %r0, 0xfedcba98f6543210\nadd %r0, %r1\nadd %r0, %r2\nexit');
    expect(r.run(1n, 2n)).toBe(0xfedcba98f6543213n);
    expect(r.run(1, 2)).toBe(0xfedcba98f6543213n); // Number arguments: no BigInt going in
    expect(r.run(-1, 0)).toBe(0xfedcba98f654320fn);
    const small = compile(vm, 'mov %r0, %r1\nadd %r0, %r2\nexit');
    expect(small.run(2 ** 52, 5)).toBe(2n ** 52n + 5n);
    expect(small.run(2 ** 60, 0)).toBe(2n ** 60n); // not a safe integer: the BigInt path
    expect(r.runLow32(1, 2)).toBe(0xf6543213);
    expect(r.runLow32(2 ** 40, 0)).toBe(0xf6543210);
  });

  it('works over a VM memory with a non-zero base address', () => {
    const base = 0x7f12_3456_0000;
    const vm = new Vm({ size: 1 << 20, base: () => BigInt(base) });
    const ctx = vm.mem.alloc(16, { kind: 'context', name: 'ctx' });
    vm.mem.view.setUint32(ctx.offset + 4, 0xabcd, true);
    const r = compile(
      vm,
      `ldxw %r0, [%r1+4]
       stxw [%r10-4], %r0
       ldxw %r0, [%r10-4]
       add %r0, 1
       stxw [%r1+4], %r0
       mov %r2, %r10
       exit`,
    );
    expect(r.run(ctx.address)).toBe(0xabcen);
    expect(vm.mem.view.getUint32(ctx.offset + 4, true)).toBe(0xabce);
    expect(r.runLow32(Number(ctx.address), 0)).toBe(0xabcf);
  });
});
