/**
 * The clang-built examples (`examples/*.c`, built by `examples/build.sh` with clang-19 -mcpu=v3,
 * clang-19 -mcpu=v4 and clang-14): every committed object decodes to the programs and maps its
 * source declares, with subprograms linked, BTF function names and source lines carried, and the
 * same shape from every compiler. The examples are also rebuilt with the installed compilers
 * (the test environment installs them) into a temporary directory, and the fresh objects must
 * decode the same way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readElfObject, type ElfObject } from '../src/image/elf/index.js';
import { LdImmSrc, Mode } from '../src/isa/opcodes.js';

const EXAMPLES = join(import.meta.dirname, '../../../examples');
const BUILDS = ['clang19-v3', 'clang19-v4', 'clang14'] as const;

/** CO-RE layouts the trace subsystem would provide for `struct pt_regs`. */
const PT_REGS = [{ name: 'pt_regs', size: 168, fields: [{ name: 'si', offset: 104, size: 8 }, { name: 'di', offset: 112, size: 8 }] }];

interface Expected {
  /** [section, program name, function names] */
  readonly programs: ReadonlyArray<readonly [string, string, readonly string[]]>;
  /** [name, type, keySize, valueSize, maxEntries] of every map the object defines (order-free). */
  readonly maps: ReadonlyArray<readonly [string, string, number, number, number]>;
  /** Maps each program refers to, by program name. */
  readonly uses: Readonly<Record<string, readonly string[]>>;
  /** A source fragment some line-info record must carry. */
  readonly line: string;
  /** Subsystem the section names (default trace). */
  readonly subsystem?: string;
}

const EXPECTED: Record<string, Expected> = {
  filter_ex1: {
    programs: [['tracepoint/net/netif_receive_skb', 'filter', ['filter']]],
    maps: [['.rodata.str1.1', 'array', 4, 16, 1]],
    uses: { filter: [] },
    line: 'bpf_load_pointer(&skb->dev)',
  },
  filter_ex2: {
    programs: [['tracepoint/net/netif_receive_skb', 'filter', ['filter']]],
    maps: [['dev_counts', 'hash', 8, 8, 4096], ['.rodata.str1.1', 'array', 4, 20, 1]],
    uses: { filter: ['dev_counts'] },
    line: 'bpf_map_lookup_elem(&dev_counts, &key)',
  },
  counter: {
    programs: [['kprobe/counter', 'count_calls', ['count_calls']]],
    maps: [['calls', 'hash', 8, 8, 1024], ['.bss', 'array', 4, 8, 1]],
    uses: { count_calls: ['calls', '.bss'] },
    line: '__sync_fetch_and_add(&total, 1)',
  },
  rodata_strings: {
    programs: [['kprobe/log_level', 'level_checksum', ['level_checksum']]],
    maps: [['.rodata.cst32', 'array', 4, 32, 1]],
    uses: { level_checksum: ['.rodata.cst32'] },
    line: 'levels[ctx->di & 3]',
  },
  subprog_loop: {
    programs: [['kprobe/sum_squares', 'sum_prog', ['sum_prog', 'sum_squares']]],
    maps: [],
    uses: { sum_prog: [] },
    line: 'sum_squares(ctx->di & 15)',
  },
  tail_call: {
    programs: [['kprobe/second', 'second', ['second']], ['kprobe/dispatch', 'dispatch', ['dispatch']]],
    maps: [['jump_table', 'prog_array', 4, 4, 4]],
    uses: { second: [], dispatch: ['jump_table'] },
    line: 'bpf_tail_call(ctx, &jump_table, ctx->di & 3)',
  },
  ringbuf: {
    programs: [['kprobe/emit', 'emit', ['emit']]],
    maps: [['events', 'ringbuf', 0, 0, 4096], ['.bss', 'array', 4, 4, 1]],
    uses: { emit: ['events', '.bss'] },
    line: 'bpf_ringbuf_reserve(&events, sizeof(*e), 0)',
  },
  core_regs: {
    programs: [['kprobe/core_regs', 'core_regs', ['core_regs']]],
    maps: [],
    uses: { core_regs: [] },
    line: 'ctx->di - ctx->si',
  },
  maps_mix: {
    programs: [['kprobe/bump', 'bump', ['bump']]],
    maps: [['totals', 'array', 4, 8, 4], ['inner_a', 'array', 4, 4, 2], ['inner_b', 'array', 4, 4, 2], ['outer', 'array_of_maps', 4, 4, 4], ['.data', 'array', 4, 8, 1]],
    uses: { bump: ['totals', '.data'] },
    line: '*v += step',
  },
  socket_ethertype: {
    programs: [['socket', 'keep_ipv4', ['keep_ipv4']]],
    maps: [],
    uses: { keep_ipv4: [] },
    line: 'data + 14 > data_end',
    subsystem: 'socket',
  },
};

function load(dir: string, name: string, build: string): ElfObject {
  return readElfObject(new Uint8Array(readFileSync(join(dir, `${name}.${build}.o`))), { structs: PT_REGS });
}

/** Checks an object against its expectation. */
function checkObject(obj: ElfObject, exp: Expected): void {
  expect(obj.license).toBe('GPL');
  expect(obj.programs.map((p) => [p.section, p.name, p.funcs!.map((f) => f.name)])).toEqual(exp.programs);
  expect(obj.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries]).sort()).toEqual([...exp.maps].map((m) => [...m]).sort());
  for (const p of obj.programs) {
    expect(p.subsystemHint).toBe(exp.subsystem ?? 'trace');
    expect(p.dialect).toBe('rfc');
    expect(p.maps.map((m) => m.name)).toEqual(exp.uses[p.name]);
    // Every map reference became a by-index pseudo load within the program's own list.
    for (const i of p.insns) {
      if (i.code !== 0x18 || i.src === LdImmSrc.IMM64) continue;
      expect([LdImmSrc.MAP_BY_IDX, LdImmSrc.MAP_VALUE_BY_IDX]).toContain(i.src);
      expect(Number(i.imm64! & 0xffffffffn)).toBeLessThan(p.maps.length);
    }
    // Line info is sorted and inside the program.
    const slots = p.insns.reduce((n, i) => n + (i.code === 0x18 ? 2 : 1), 0);
    for (const l of p.lineInfo ?? []) expect(l.insn).toBeLessThan(slots);
  }
  const lines = obj.programs.flatMap((p) => p.lineInfo ?? []).map((l) => l.text);
  expect(lines.some((t) => t.includes(exp.line)), `no line info carrying "${exp.line}"`).toBe(true);
}

describe.each(Object.keys(EXPECTED))('example %s', (name) => {
  it.each(BUILDS)('committed %s object decodes as its source declares', (build) => {
    checkObject(load(EXAMPLES, name, build), EXPECTED[name]!);
  });
});

describe('what the examples exercise', () => {
  it('the v4 build uses v4 instructions (sign-extending loads)', () => {
    const p = load(EXAMPLES, 'rodata_strings', 'clang19-v4').programs[0]!;
    expect(p.insns.some((i) => (i.code & 0x07) === 0x01 && (i.code & 0xe0) === Mode.MEMSX)).toBe(true);
  });

  it('subprograms are linked after the entry and calls point at them', () => {
    for (const build of BUILDS) {
      const p = load(EXAMPLES, 'subprog_loop', build).programs[0]!;
      const sub = p.funcs![1]!.insn;
      let slot = 0;
      const targets: number[] = [];
      for (const i of p.insns) {
        if (i.code === 0x85 && i.src === 1) targets.push(slot + i.imm + 1);
        slot += i.code === 0x18 ? 2 : 1;
      }
      expect(targets).toEqual([sub]);
    }
  });

  it('prog_array values name the programs to put in the slots', () => {
    const obj = load(EXAMPLES, 'tail_call', 'clang19-v3');
    expect(obj.maps.find((m) => m.name === 'jump_table')!.initialSlots).toEqual([[1, 'second']]);
  });

  it('legacy maps, BTF map-in-map values and initialised .data', () => {
    for (const build of BUILDS) {
      const obj = load(EXAMPLES, 'maps_mix', build);
      const outer = obj.maps.find((m) => m.name === 'outer')!;
      expect(outer.innerMap).toMatchObject({ type: 'array', keySize: 4, valueSize: 4, maxEntries: 2 });
      expect(outer.initialSlots).toEqual([[0, 'inner_a'], [3, 'inner_b']]);
      const data = obj.maps.find((m) => m.name === '.data')!;
      expect(new DataView(data.initialValue!.buffer).getBigUint64(0, true)).toBe(5n);
      expect(data.frozen).toBeFalsy();
    }
  });

  it('global data keeps its initial contents; .rodata is frozen', () => {
    const counter = load(EXAMPLES, 'counter', 'clang19-v3');
    const bss = counter.maps.find((m) => m.name === '.bss')!;
    expect(bss.initialValue).toBeUndefined();
    expect(bss.frozen).toBeFalsy();
    const ro = load(EXAMPLES, 'rodata_strings', 'clang19-v3').maps[0]!;
    expect(ro.frozen).toBe(true);
    expect(new TextDecoder().decode(ro.initialValue!.subarray(8, 12))).toBe('info');
  });

  it('CO-RE field offsets come from the subsystem layout, not the object', () => {
    for (const build of BUILDS) {
      const p = load(EXAMPLES, 'core_regs', build).programs[0]!;
      const offs = p.insns.filter((i) => i.code === 0x79).map((i) => i.off).sort();
      expect(offs).toEqual([104, 112]); // the object declared si at 0, di at 8
    }
    const moved = readElfObject(new Uint8Array(readFileSync(join(EXAMPLES, 'core_regs.clang19-v3.o'))), {
      structs: [{ name: 'pt_regs', size: 32, fields: [{ name: 'si', offset: 16, size: 8 }, { name: 'di', offset: 24, size: 8 }] }],
    });
    expect(moved.programs[0]!.insns.filter((i) => i.code === 0x79).map((i) => i.off).sort()).toEqual([16, 24]);
  });

  it('CO-RE without a layout, or with a missing field, is refused naming the field', () => {
    const bytes = new Uint8Array(readFileSync(join(EXAMPLES, 'core_regs.clang19-v3.o')));
    expect(() => readElfObject(bytes, { structs: [] })).toThrow(/CO-RE relocation at insn \d \(field byte offset of 'pt_regs\.(si|di)'\)/);
    expect(() => readElfObject(bytes, { structs: [{ name: 'pt_regs', size: 168, fields: [{ name: 'si', offset: 104, size: 8 }] }] }))
      .toThrow(/field byte offset of 'pt_regs\.di'\): field 'di' of struct 'pt_regs' is not described/);
    expect(() => readElfObject(bytes, { structs: [{ name: 'pt_regs', size: 168, fields: [{ name: 'si', offset: 104, size: 4 }, { name: 'di', offset: 112, size: 8 }] }] }))
      .toThrow(/accesses 8 bytes but the subsystem's field is 4 bytes/);
  });
});

// The compilers are part of the test environment (.ci/run and scripts/setup.sh install them).
describe('rebuilt with the installed compilers', () => {
  const out = mkdtempSync(join(tmpdir(), 'ebpf-elf-'));
  beforeAll(() => {
    execFileSync('bash', [join(EXAMPLES, 'build.sh'), out], { stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('build.sh compiles every example with clang-19 (v3, v4) and clang-14', () => {
    for (const name of Object.keys(EXPECTED)) for (const b of BUILDS) expect(existsSync(join(out, `${name}.${b}.o`))).toBe(true);
  });

  it.each(Object.keys(EXPECTED))('fresh %s objects decode like the committed ones', (name) => {
    for (const b of BUILDS) {
      const fresh = load(out, name, b);
      checkObject(fresh, EXPECTED[name]!);
      const committed = load(EXAMPLES, name, b);
      expect(fresh.programs.map((p) => p.insns.length)).toEqual(committed.programs.map((p) => p.insns.length));
    }
  });
});
