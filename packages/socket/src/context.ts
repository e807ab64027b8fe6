/**
 * The socket context: a subset of Linux's `struct __sk_buff` at Linux's offsets (so clang-built
 * programs read the same fields), with `data`/`data_end` packet pointers. As in Linux these two
 * fields are 4 bytes wide: the buffer holds the packet's 32-bit VM address, which fits while the
 * VM memory base is 0 (interpreter, wasm JIT). Pcap reading and flows come with the socket issue.
 */
import type { ContextDescriptor, ContextField } from '@ebpf/core';

/** Byte offsets in `struct __sk_buff` (the subset we offer). */
export const SK_BUFF = {
  LEN: 0,
  PKT_TYPE: 4,
  MARK: 8,
  QUEUE_MAPPING: 12,
  PROTOCOL: 16,
  VLAN_PRESENT: 20,
  VLAN_TCI: 24,
  VLAN_PROTO: 28,
  PRIORITY: 32,
  INGRESS_IFINDEX: 36,
  IFINDEX: 40,
  TC_INDEX: 44,
  /** u32 cb[5]: scratch the program may write. */
  CB: 48,
  HASH: 68,
  TC_CLASSID: 72,
  /** u32: packet start (a packet pointer). */
  DATA: 76,
  /** u32: one past the packet's end. */
  DATA_END: 80,
  /** Bytes of the subset. */
  SIZE: 84,
} as const;

const u32 = (name: string, offset: number, access: ContextField['access'] = 'read'): ContextField => ({
  name,
  offset,
  size: 4,
  access,
  sizes: [1, 2, 4],
});

/** What a socket program may touch: scalar fields read-only, `cb[]` read-write, packet pointers read. */
export const socketContext: ContextDescriptor = Object.freeze({
  size: SK_BUFF.SIZE,
  fields: Object.freeze<ContextField[]>([
    u32('len', SK_BUFF.LEN),
    u32('pkt_type', SK_BUFF.PKT_TYPE),
    u32('mark', SK_BUFF.MARK),
    u32('queue_mapping', SK_BUFF.QUEUE_MAPPING),
    u32('protocol', SK_BUFF.PROTOCOL),
    u32('vlan_present', SK_BUFF.VLAN_PRESENT),
    u32('vlan_tci', SK_BUFF.VLAN_TCI),
    u32('vlan_proto', SK_BUFF.VLAN_PROTO),
    u32('priority', SK_BUFF.PRIORITY),
    u32('ingress_ifindex', SK_BUFF.INGRESS_IFINDEX),
    u32('ifindex', SK_BUFF.IFINDEX),
    u32('tc_index', SK_BUFF.TC_INDEX),
    ...Array.from({ length: 5 }, (_, i) => u32(`cb[${i}]`, SK_BUFF.CB + 4 * i, 'readwrite')),
    u32('hash', SK_BUFF.HASH),
    u32('tc_classid', SK_BUFF.TC_CLASSID),
    { name: 'data', offset: SK_BUFF.DATA, size: 4, access: 'read', type: 'ptr_to_packet' },
    { name: 'data_end', offset: SK_BUFF.DATA_END, size: 4, access: 'read', type: 'ptr_to_packet_end' },
  ]),
});

/** The scalar fields of one packet's context; unset fields are 0. */
export interface SkBuffFields {
  readonly len?: number;
  readonly pktType?: number;
  readonly mark?: number;
  readonly protocol?: number;
  readonly ifindex?: number;
  readonly hash?: number;
}

/**
 * Writes a context at byte `offset` of `view` for a packet at VM address `packet` of `length`
 * bytes. `len` defaults to `length`.
 * @throws `RangeError` when the packet's end does not fit the 32-bit `data_end` field.
 */
export function writeSkBuff(view: DataView, offset: number, packet: number, length: number, fields: SkBuffFields = {}): void {
  if (!Number.isInteger(packet) || packet < 0 || packet + length > 0xffffffff) {
    throw new RangeError(`socket context: packet address 0x${packet.toString(16)} + ${length} does not fit the 32-bit data/data_end fields`);
  }
  for (let i = 0; i < SK_BUFF.SIZE; i += 4) view.setUint32(offset + i, 0, true);
  view.setUint32(offset + SK_BUFF.LEN, fields.len ?? length, true);
  view.setUint32(offset + SK_BUFF.PKT_TYPE, fields.pktType ?? 0, true);
  view.setUint32(offset + SK_BUFF.MARK, fields.mark ?? 0, true);
  view.setUint32(offset + SK_BUFF.PROTOCOL, fields.protocol ?? 0, true);
  view.setUint32(offset + SK_BUFF.IFINDEX, fields.ifindex ?? 0, true);
  view.setUint32(offset + SK_BUFF.HASH, fields.hash ?? 0, true);
  view.setUint32(offset + SK_BUFF.DATA, packet, true);
  view.setUint32(offset + SK_BUFF.DATA_END, packet + length, true);
}
