import { describe, expect, it } from 'vitest';
import { Vm } from '@ebpf/core';
import { defineStruct, HostSlab, NET_DEVICE, SK_BUFF } from './host-structs.js';
import { parseCType } from './ctypes.js';

describe('host structs', () => {
  it("lay out the seed's sk_buff and net_device", () => {
    expect(SK_BUFF.field('dev')!.offset).toBe(32);
    expect(NET_DEVICE.field('name')).toMatchObject({ offset: 0, type: { kind: 'chars', size: 16 } });
  });

  it('align fields naturally and reject overlaps', () => {
    const s = defineStruct('s', [{ name: 'a', type: 'u8' }, { name: 'b', type: 'u32' }, { name: 'c', type: 'char[3]' }, { name: 'd', type: 'u64' }]);
    expect(s.fields.map((f) => f.offset)).toEqual([0, 4, 8, 16]);
    expect(s.size).toBe(24);
    expect(() => defineStruct('t', [{ name: 'a', type: 'u64' }, { name: 'b', type: 'u8', offset: 4 }])).toThrow(/overlaps/);
  });

  it('read and write through HostRef; slabs allocate, free and refuse double frees', () => {
    const vm = new Vm({ size: 2 << 20 });
    const slab = new HostSlab(vm, NET_DEVICE, 2);
    const a = slab.alloc().set('name', 'a-very-long-device-name').set('ifindex', -3);
    expect(a.get('name')).toBe('a-very-long-devi');
    expect(a.get('ifindex')).toBe(-3);
    const b = slab.alloc();
    expect(() => slab.alloc()).toThrow(/full/);
    slab.release(b);
    expect(() => slab.release(b)).toThrow(/freed twice/);
    expect(slab.count).toBe(1);
    expect(() => a.get('nope')).toThrow(/no field 'nope'/);
    expect(vm.mem.regionAt(a.offset)).toMatchObject({ kind: 'host', readOnly: true });
  });

  it.each([
    ['unsigned int', { kind: 'int', size: 4, signed: false }],
    ['long', { kind: 'int', size: 8, signed: true }],
    ['unsigned long int', { kind: 'int', size: 8, signed: false }],
    ['signed char', { kind: 'int', size: 1, signed: true }],
    ['struct sk_buff *', { kind: 'ptr', struct: 'sk_buff' }],
    ['const char *', { kind: 'ptr', string: true }],
    ['void*', { kind: 'ptr', size: 8 }],
    ['char[16]', { kind: 'chars', size: 16 }],
  ])('parses C type %j', (t, want) => {
    expect(parseCType(t)).toMatchObject(want);
  });
});
