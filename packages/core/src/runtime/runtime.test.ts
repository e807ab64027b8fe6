import { describe, expect, it } from 'vitest';
import { parseAsm } from '../asm/parse.js';
import type { Engine } from '../engine/engine.js';
import { NotSupportedError } from '../errors.js';
import type { ProgramSpec } from '../image/program-spec.js';
import type { MapSpec } from '../maps/map-spec.js';
import type { ProgArrayMap } from '../maps/prog-array.js';
import { memorySubsystem } from '../testing/engine-cases.js';
import { AUTO_PREFERENCE } from './auto.js';
import { createContainer } from './container.js';
import { Runtime } from './runtime.js';
import { registerEngine, registerSubsystem } from './tokens.js';
import { FirstImmEngine } from '../../test/support/first-imm-engine.js';

const counts: MapSpec = { name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16, flags: 0 };
const prog = (name: string, asm: string, maps: MapSpec[] = []): ProgramSpec => ({ name, dialect: 'rfc', insns: parseAsm(asm), maps, license: 'GPL' });
const usesCounts = (name: string, r0: number) =>
  prog(name, `mov %r0, ${r0}\nstw [%r10-4], 0\nlddw %r1, map_fd(0)\nmov %r2, %r10\nadd %r2, -4\ncall 1\nmov %r0, 0\nexit`, [counts]);

function setup(...engines: Engine[]) {
  const container = createContainer();
  for (const e of engines) registerEngine(container, e);
  registerSubsystem(container, memorySubsystem(8));
  return new Runtime({ container, memorySize: 1 << 20 });
}

describe('Runtime', () => {
  it('loads: checks, compiles with the named engine, runs, reports the choice', () => {
    const interp = new FirstImmEngine('interp');
    const rt = setup(interp);
    const p = rt.load(prog('seven', 'mov %r0, 7\nexit'), { subsystem: 'memory', engine: 'interp' });
    expect(p.run()).toBe(7n);
    expect([p.engine, p.engineReason]).toEqual(['interp', 'explicit']);
    expect(interp.compiled[0]!.spec.name).toBe('seven');
    expect(rt.programs()).toEqual([p]);
    p.dispose();
    expect(interp.disposed).toBe(1);
    expect(rt.programs()).toEqual([]);
  });

  it.each([
    [['interp'], 'interp'],
    [['interp', 'jit-wasm'], 'jit-wasm'],
  ])('auto picks by AUTO_PREFERENCE among %j → %s', (names, chosen) => {
    const rt = setup(...names.map((n) => new FirstImmEngine(n)));
    const p = rt.load(prog('p', 'mov %r0, 1\nexit'), { subsystem: 'memory' });
    expect(p.engine).toBe(chosen);
    expect(p.engineReason).toMatch(new RegExp(`^auto: ${chosen} \\(`));
  });

  it('auto skips an unavailable engine and says why', () => {
    const rt = setup(new FirstImmEngine('interp'), new FirstImmEngine('jit-wasm', 'no WebAssembly here'));
    const p = rt.load(prog('p', 'mov %r0, 1\nexit'), { subsystem: 'memory' });
    expect(p.engine).toBe('interp');
    expect(p.engineReason).toContain('jit-wasm: no WebAssembly here');
  });

  it.each([
    ['not registered', [] as Engine[], 'jit-wasm', /engine 'jit-wasm' is not registered \(registered: none\)/],
    ['unavailable, no fallback', [new FirstImmEngine('interp'), new FirstImmEngine('jit-x86_64', 'x86-64 only')], 'jit-x86_64', /engine 'jit-x86_64' cannot run here: x86-64 only/],
    ['auto with nothing', [], 'auto', new RegExp(`auto: no engine can run here \\(${AUTO_PREFERENCE.map((n) => `${n}: not registered`).join('; ')}\\)`)],
  ])('an engine that cannot be used is a clear error: %s', (_n, engines, engine, message) => {
    const rt = setup(...engines);
    expect(() => rt.load(prog('p', 'mov %r0, 1\nexit'), { subsystem: 'memory', engine })).toThrow(message);
    expect(() => rt.load(prog('p', 'mov %r0, 1\nexit'), { subsystem: 'memory', engine })).toThrow(NotSupportedError);
  });

  it('an unknown subsystem is a clear error; an instance works without registration', () => {
    const rt = setup(new FirstImmEngine('interp'));
    expect(() => rt.load(prog('p', 'mov %r0, 1\nexit'), { subsystem: 'nope' })).toThrow(/no subsystem 'nope' is registered/);
    expect(rt.load(prog('p', 'mov %r0, 3\nexit'), { subsystem: memorySubsystem(0) }).run()).toBe(3n);
  });

  it('a refused program frees the maps it created', () => {
    const rt = setup(new FirstImmEngine('interp'));
    const before = rt.vm.mem.usage().free;
    expect(() => rt.load(prog('bad', 'exit', [counts]), { subsystem: 'memory' })).toThrow(/check:/);
    expect(rt.vm.maps()).toEqual([]);
    expect(rt.vm.mem.usage().free).toBe(before);
  });

  it('maps: own per load by default, shared by name on request, freed with the last user', () => {
    const rt = setup(new FirstImmEngine('interp'));
    const a = rt.load(usesCounts('a', 1), { subsystem: 'memory' });
    const b = rt.load(usesCounts('b', 2), { subsystem: 'memory' });
    expect(a.map('counts')).not.toBe(b.map('counts'));
    const c = rt.load(usesCounts('c', 3), { subsystem: 'memory', shareMaps: true });
    const d = rt.load(usesCounts('d', 4), { subsystem: 'memory', shareMaps: true });
    expect(c.map('counts')).toBe(d.map('counts'));
    const e = rt.load(usesCounts('e', 5), { subsystem: 'memory', maps: { counts: a.map('counts')! } });
    expect(e.map('counts')).toBe(a.map('counts'));
    expect(rt.vm.maps()).toHaveLength(3);
    a.dispose();
    expect(rt.vm.maps()).toHaveLength(3); // e still uses a's map
    e.dispose();
    c.dispose();
    expect(rt.vm.maps()).toHaveLength(2);
    d.dispose();
    b.dispose();
    expect(rt.vm.maps()).toHaveLength(0);
  });

  it('refuses to share maps whose blueprints differ', () => {
    const rt = setup(new FirstImmEngine('interp'));
    const a = rt.load(usesCounts('a', 1), { subsystem: 'memory' });
    const other = prog('x', 'mov %r0, 0\nexit', [{ ...counts, valueSize: 16 }]);
    expect(() => rt.load(other, { subsystem: 'memory', maps: { counts: a.map('counts')! } })).toThrow(
      /program x: map counts: cannot share: valueSize is 8 in the existing map, 16 in the program/,
    );
  });

  it('map errors at load name the program and the map', () => {
    const rt = setup(new FirstImmEngine('interp'));
    const huge = prog('big', 'mov %r0, 0\nexit', [{ ...counts, name: 'huge', maxEntries: 1 << 20 }]);
    expect(() => rt.load(huge, { subsystem: 'memory' })).toThrow(/program big: map huge: cannot store 1048576 values/);
    expect(rt.vm.maps()).toEqual([]);
  });

  it('loadAll shares maps inside one object and fills prog_array slots it names', () => {
    const rt = setup(new FirstImmEngine('interp'));
    const jmp: MapSpec = { name: 'jmp', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, flags: 0, initialSlots: [[2, 'target']] };
    const [caller, target] = rt.loadAll(
      [prog('caller', 'mov %r0, 1\nlddw %r2, map_fd(0)\nmov %r3, 2\ncall 12\nmov %r0, 1\nexit', [jmp]), prog('target', 'mov %r0, 9\nexit', [jmp])],
      { subsystem: memorySubsystem(8) },
    );
    expect(caller!.map('jmp')).toBe(target!.map('jmp'));
    const pa = caller!.map('jmp') as ProgArrayMap;
    expect(pa.programAt(2)).toBe(target!.id);
    expect(rt.vm.tailCall(pa.address, 2, 0)).toEqual({ taken: true, r0: 9n });
    target!.dispose();
    expect(pa.programAt(2)).toBe(0);
  });

  it('creates the VM at the base a registered native engine needs, and refuses a late mismatch', () => {
    const native = new FirstImmEngine('jit-x86_64', undefined, () => 0x7000_0000_0000n);
    const rt = setup(new FirstImmEngine('interp'), native);
    expect(rt.vm.mem.base).toBe(0x7000_0000_0000n);
    expect(rt.load(prog('p', 'mov %r0, 5\nexit'), { subsystem: 'memory', engine: 'jit-x86_64' }).run()).toBe(5n);

    const late = setup(new FirstImmEngine('interp'));
    void late.vm; // created with base 0
    registerEngine(late.container, native);
    expect(() => late.load(prog('p', 'mov %r0, 5\nexit'), { subsystem: 'memory', engine: 'jit-x86_64' })).toThrow(
      /engine 'jit-x86_64' needs VM memory at 0x700000000000 but this runtime's VM uses base 0x0/,
    );
  });

  it('the license option overrides the spec, and reaches the checker', () => {
    const interp = new FirstImmEngine('interp');
    const rt = setup(interp);
    const p = rt.load(prog('p', 'mov %r0, 1\nexit'), { subsystem: 'memory', license: 'Dual MIT/GPL' });
    expect(p.spec.license).toBe('Dual MIT/GPL');
    expect(interp.compiled[0]!.spec.license).toBe('Dual MIT/GPL');
  });

  it('registrations stay in the runtime’s own child container', () => {
    const parent = createContainer();
    const rt = new Runtime({ container: parent });
    registerEngine(rt.container, new FirstImmEngine('interp'));
    expect(rt.engineNames()).toEqual(['interp']);
    expect(new Runtime({ container: parent }).engineNames()).toEqual([]);
  });

  it('factory registrations are built once, on first use', () => {
    let built = 0;
    const container = createContainer();
    registerEngine(container, { name: 'interp', create: () => (built++, new FirstImmEngine('interp')) });
    registerSubsystem(container, { name: 'memory', create: () => memorySubsystem(8) });
    expect(built).toBe(0);
    const rt = new Runtime({ container, memorySize: 1 << 20 });
    rt.load(prog('p', 'mov %r0, 1\nexit'), { subsystem: 'memory', engine: 'interp' });
    rt.load(prog('q', 'mov %r0, 1\nexit'), { subsystem: 'memory', engine: 'interp' });
    expect(built).toBe(1);
  });
});
