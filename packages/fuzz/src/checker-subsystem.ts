/**
 * The world checker-fuzzing programs run in: a 64-byte context (read-write scalars at 0..31,
 * packet `data`/`data_end` pointers at 32/40, read-only scalars at 48..63), a packet buffer, an
 * array map, a hash map and a ring buffer, the map helpers, and two memory helpers whose
 * implementations fault unless the memory they get lies inside one object (the checker must have
 * proven that). One VM and one set of maps serve a whole round; each run refills the bytes.
 */
import { MAP_HELPERS, SimpleSubsystem, Vm, type BpfMap, type HelperDef, type HelperEnv, type MapSpec, type Region } from '@ebpf/core';

/** Context size. */
export const FUZZ_CTX_SIZE = 64;
/** Packet buffer size (the packet length of a run is 0..this). */
export const FUZZ_PACKET_SIZE = 64;
/** Helper ids of the memory helpers. */
export const FuzzHelper = { READ_MEM: 200, FILL_MEM: 201 } as const;

/** The maps every fuzz program may use, by index. */
export const FUZZ_MAPS: readonly MapSpec[] = [
  { name: 'arr', type: 'array', keySize: 4, valueSize: 24, maxEntries: 4, flags: 0 },
  { name: 'hash', type: 'hash', keySize: 8, valueSize: 16, maxEntries: 32, flags: 0 },
  { name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 },
];

/**
 * Throws unless `[address, address + size)` lies inside one object of one region (one stack
 * frame, one map value, the context, the packet): what the checker promised for helper memory.
 */
function checkObject(env: HelperEnv, address: number, size: number, write: boolean, helper: string): number {
  const mem = env.vm.mem;
  const off = mem.offsetOf(address);
  const r: Region | undefined = off < 0 ? undefined : mem.regionAt(off);
  if (!r || r.kind === 'scratch' || r.kind === 'code') throw new Error(`${helper}: 0x${address.toString(16)} is not program memory`);
  if (write && r.readOnly) throw new Error(`${helper}: ${r.name} is read-only`);
  let lo = r.offset;
  let hi = r.offset + r.size;
  if (r.elemSize) {
    lo = r.offset + Math.floor((off - r.offset) / r.elemSize) * r.elemSize;
    hi = Math.min(hi, lo + r.elemSize);
  }
  if (off + size > hi) throw new Error(`${helper}: [${off - lo}, +${size}) crosses the end of one object of ${r.name}`);
  return off;
}

const memHelpers: HelperDef[] = [
  {
    id: FuzzHelper.READ_MEM,
    name: 'fuzz_read_mem',
    proto: { ret: 'integer', args: ['mem', 'const_size'] },
    impl(args, env) {
      const size = args.num(2);
      const off = checkObject(env, args.num(1), size, false, 'fuzz_read_mem');
      let h = 0;
      for (let i = 0; i < size; i++) h = (h * 31 + env.vm.mem.bytes[off + i]!) | 0;
      return h;
    },
  },
  {
    id: FuzzHelper.FILL_MEM,
    name: 'fuzz_fill_mem',
    proto: { ret: 'integer', args: ['uninit_mem', 'const_size_or_zero'] },
    impl(args, env) {
      const size = args.num(2);
      if (size === 0) return 0;
      const off = checkObject(env, args.num(1), size, true, 'fuzz_fill_mem');
      env.vm.mem.bytes.fill(0x5a, off, off + size);
      return size;
    },
  },
];

/** The fuzz subsystem. */
export function fuzzSubsystem(): SimpleSubsystem {
  return new SimpleSubsystem({
    name: 'checker-fuzz',
    context: {
      size: FUZZ_CTX_SIZE,
      fields: [
        { name: 'a', offset: 0, size: 8, access: 'readwrite', sizes: [1, 2, 4, 8] },
        { name: 'b', offset: 8, size: 8, access: 'readwrite', sizes: [1, 2, 4, 8] },
        { name: 'c', offset: 16, size: 8, access: 'readwrite', sizes: [1, 2, 4, 8] },
        { name: 'd', offset: 24, size: 8, access: 'readwrite', sizes: [1, 2, 4, 8] },
        { name: 'data', offset: 32, size: 8, access: 'read', type: 'ptr_to_packet' },
        { name: 'data_end', offset: 40, size: 8, access: 'read', type: 'ptr_to_packet_end' },
        { name: 'e', offset: 48, size: 8, access: 'read', sizes: [1, 2, 4, 8] },
        { name: 'f', offset: 56, size: 8, access: 'read', sizes: [1, 2, 4, 8] },
      ],
    },
    helpers: [...MAP_HELPERS.filter((h) => h.id !== 12), ...memHelpers],
  });
}

/** One VM with the fuzz maps, a context and a packet buffer, reused across a round. */
export class FuzzWorld {
  readonly vm: Vm;
  readonly maps: readonly BpfMap[];
  readonly ctx: Region;
  readonly packet: Region;

  constructor() {
    this.vm = new Vm({ size: 2 << 20 });
    this.maps = FUZZ_MAPS.map((m) => this.vm.createMap(m));
    this.ctx = this.vm.mem.alloc(FUZZ_CTX_SIZE, { kind: 'context', name: 'ctx' });
    this.packet = this.vm.mem.alloc(FUZZ_PACKET_SIZE, { kind: 'packet', name: 'packet' });
  }

  /** Refills context, packet and map values from `rand` (a byte source) for the next run. */
  reset(rand: () => number): void {
    const b = this.vm.mem.bytes;
    for (let i = 0; i < FUZZ_CTX_SIZE; i++) b[this.ctx.offset + i] = rand() & 0xff;
    // Scalars biased small so branches on them go both ways.
    for (let off = 0; off < 32; off += 8) if ((rand() & 1) === 0) b.fill(0, this.ctx.offset + off + 1, this.ctx.offset + off + 8);
    for (let i = 0; i < FUZZ_PACKET_SIZE; i++) b[this.packet.offset + i] = rand() & 0xff;
    const len = rand() % (FUZZ_PACKET_SIZE + 1);
    const view = this.vm.mem.view;
    view.setBigUint64(this.ctx.offset + 32, this.packet.address, true);
    view.setBigUint64(this.ctx.offset + 40, this.packet.address + BigInt(len), true);
    for (const m of this.maps) {
      if (m.spec.type === 'ringbuf') {
        // Unsubmitted records would fill the ring over a round: drop everything.
        (m as BpfMap & { drain(): unknown }).drain();
        continue;
      }
      m.clear();
      if (m.spec.type === 'array') {
        for (let k = 0; k < m.spec.maxEntries; k++) {
          const key = new Uint8Array(4);
          new DataView(key.buffer).setUint32(0, k, true);
          const v = new Uint8Array(m.spec.valueSize).map(() => rand() & 0xff);
          m.update(key, v);
        }
      }
    }
  }
}
