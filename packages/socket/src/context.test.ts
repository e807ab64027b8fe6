import { describe, expect, it } from 'vitest';
import { registerSocket } from './register.js';
import { SK_BUFF, writeSkBuff } from './context.js';
import { SocketSubsystem } from './subsystem.js';
import { createContainer } from '@ebpf/core/runtime';

const socket = new SocketSubsystem();

describe('socket context access', () => {
  it.each([
    [SK_BUFF.LEN, 4, 'read', 'scalar'],
    [SK_BUFF.LEN, 2, 'read', 'scalar'],
    [SK_BUFF.PROTOCOL + 3, 1, 'read', 'scalar'],
    [SK_BUFF.CB + 8, 4, 'write', 'scalar'],
    [SK_BUFF.DATA, 4, 'read', 'ptr_to_packet'],
    [SK_BUFF.DATA_END, 4, 'read', 'ptr_to_packet_end'],
  ] as const)('allows %i/%i %s → %s', (off, size, dir, type) => {
    expect(socket.getContextAccess(off, size, dir)?.type).toBe(type);
  });

  it.each([
    [SK_BUFF.LEN, 4, 'write'],
    [SK_BUFF.DATA, 4, 'write'],
    [SK_BUFF.DATA, 2, 'read'],
    [SK_BUFF.DATA, 8, 'read'],
    [SK_BUFF.LEN + 2, 4, 'read'],
    [SK_BUFF.SIZE, 4, 'read'],
    [-4, 4, 'read'],
  ] as const)('refuses %i/%i %s', (off, size, dir) => {
    expect(socket.getContextAccess(off, size, dir)).toBeUndefined();
  });

  it('offers the map helpers by Linux id', () => {
    expect(socket.getFuncProto(1)?.name).toBe('bpf_map_lookup_elem');
    expect(socket.getFuncProto('bpf_ringbuf_output')?.id).toBe(130);
  });
});

describe('writeSkBuff', () => {
  it('lays out len and the packet pointers at Linux offsets', () => {
    const view = new DataView(new ArrayBuffer(128));
    writeSkBuff(view, 8, 0x20000, 60, { protocol: 0x0008 });
    expect(view.getUint32(8 + SK_BUFF.LEN, true)).toBe(60);
    expect(view.getUint32(8 + SK_BUFF.PROTOCOL, true)).toBe(8);
    expect(view.getUint32(8 + SK_BUFF.DATA, true)).toBe(0x20000);
    expect(view.getUint32(8 + SK_BUFF.DATA_END, true)).toBe(0x20000 + 60);
    expect(() => writeSkBuff(view, 0, 0xffff_fff0, 64)).toThrow(/does not fit the 32-bit data\/data_end fields/);
  });
});

describe('registerSocket', () => {
  it('registers under subsystem:socket in the container given', () => {
    const c = createContainer();
    registerSocket(c);
    expect(c.resolve('subsystem:socket')).toBeInstanceOf(SocketSubsystem);
    expect(c.resolve('subsystem:socket')).toBe(c.resolve('subsystem:socket'));
  });
});
