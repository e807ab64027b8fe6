/**
 * A simulated network stack for demos and benchmarks: devices `lo`, `eth0`, `eth5` as
 * `struct net_device` and packets as `struct sk_buff` in VM memory (slab-allocated, the seed's
 * layouts), with the tracepoints `net:netif_receive_skb`, `skb:kfree_skb` and `skb:consume_skb`
 * fired where Linux fires them. It moves no real packets; it exists so the seed's examples
 * have something to walk.
 */
import { EbpfError } from '@ebpf/core';
import type { Tracepoint } from '../events/tracepoint.js';
import { HostRef, HostSlab, NET_DEVICE, SK_BUFF, writeU64 } from '../host-structs.js';

const OFF_DEV = SK_BUFF.field('dev')!.offset;
const OFF_LEN = SK_BUFF.field('len')!.offset;
const OFF_PROTOCOL = SK_BUFF.field('protocol')!.offset;
const OFF_TSTAMP = SK_BUFF.field('tstamp')!.offset;
import type { Tracer } from '../tracer.js';

/** The simulated devices, in ifindex order. */
export const SIM_DEVICES = ['lo', 'eth0', 'eth5'] as const;
/** A simulated device name. */
export type SimDevice = (typeof SIM_DEVICES)[number];

/**
 * The `location` `kfree_skb` reports by default (the caller's address in Linux). Not one of
 * 0x100..0x900, 0x1000, so the seed's ten-condition filter discards every free.
 */
export const DEFAULT_FREE_LOCATION = 0x4242;

/** Options of {@link SimNetStack}. */
export interface SimNetStackOptions {
  /** Maximum packets alive at once (default 1024). */
  readonly skbCapacity?: number;
}

/** Which device packet `i` of {@link SimNetStack.traffic} arrives on: lo 50%, eth0 30%, eth5 20%. */
export function deviceOfPacket(i: number): SimDevice {
  const k = i % 10;
  return k < 5 ? 'lo' : k < 8 ? 'eth0' : 'eth5';
}

/** Length of packet `i` of {@link SimNetStack.traffic} (60..1514 bytes, deterministic). */
export function lengthOfPacket(i: number): number {
  return 60 + ((i * 7919) % 1455);
}

/** The simulated stack. */
export class SimNetStack {
  /** `net:netif_receive_skb(struct sk_buff *skb)`. */
  readonly netifReceiveSkb: Tracepoint;
  /** `skb:kfree_skb(struct sk_buff *skb, void *location)` (also records the device name). */
  readonly kfreeSkb: Tracepoint;
  /** `skb:consume_skb(struct sk_buff *skb)`. */
  readonly consumeSkb: Tracepoint;
  /** The devices by name. */
  readonly devices: ReadonlyMap<SimDevice, HostRef>;
  private readonly skbs: HostSlab;
  private readonly devSlab: HostSlab;
  private tstamp = 0;
  private readonly view: DataView;

  /** @throws {@link @ebpf/core!EbpfError} when the events already exist or VM memory is short. */
  constructor(readonly tracer: Tracer, options: SimNetStackOptions = {}) {
    const vm = tracer.vm;
    this.view = vm.mem.view;
    this.devSlab = new HostSlab(vm, NET_DEVICE, SIM_DEVICES.length);
    this.skbs = new HostSlab(vm, SK_BUFF, options.skbCapacity ?? 1024);
    const devs = new Map<SimDevice, HostRef>();
    SIM_DEVICES.forEach((name, i) => {
      const d = this.devSlab.alloc();
      d.set('name', name).set('ifindex', i + 1).set('mtu', name === 'lo' ? 65536 : 1500);
      devs.set(name, d);
    });
    this.devices = devs;
    const skbArg = [{ name: 'skb', type: 'struct sk_buff *' }];
    this.netifReceiveSkb = tracer.tracepoint({
      name: 'net:netif_receive_skb',
      args: skbArg,
      fields: [
        { name: 'skbaddr', type: 'void *', assign: 'skb' },
        { name: 'len', type: 'unsigned int', assign: 'skb->len' },
        { name: 'name', type: 'char[16]', assign: 'skb->dev->name' },
      ],
      print: { fmt: 'dev=%s skbaddr=%p len=%u', fields: ['name', 'skbaddr', 'len'] },
    });
    this.kfreeSkb = tracer.tracepoint({
      name: 'skb:kfree_skb',
      args: [...skbArg, { name: 'location', type: 'void *' }],
      fields: [
        { name: 'skbaddr', type: 'void *', assign: 'skb' },
        { name: 'location', type: 'void *', assign: 'location' },
        { name: 'protocol', type: 'unsigned short', assign: 'skb->protocol' },
        { name: 'name', type: 'char[16]', assign: 'skb->dev->name' },
      ],
      print: { fmt: 'skbaddr=%p protocol=%u location=%p dev=%s', fields: ['skbaddr', 'protocol', 'location', 'name'] },
    });
    this.consumeSkb = tracer.tracepoint({
      name: 'skb:consume_skb',
      args: skbArg,
      fields: [{ name: 'skbaddr', type: 'void *', assign: 'skb' }],
      print: { fmt: 'skbaddr=%p', fields: ['skbaddr'] },
    });
  }

  /**
   * The device called `name`.
   * @throws {@link @ebpf/core!EbpfError} (`USAGE`) for an unknown device.
   */
  device(name: string): HostRef {
    const d = this.devices.get(name as SimDevice);
    if (!d) throw new EbpfError('USAGE', `no device '${name}' (devices: ${SIM_DEVICES.join(', ')})`);
    return d;
  }

  /** `netdev_alloc_skb(dev, len)`: a packet of `len` bytes on `dev` (IPv4). */
  allocSkb(dev: HostRef, len: number): HostRef {
    const skb = this.skbs.alloc();
    const view = this.view;
    const o = skb.offset;
    writeU64(view, o + OFF_DEV, dev.address);
    view.setUint32(o + OFF_LEN, len >>> 0, true);
    view.setUint16(o + OFF_PROTOCOL, 0x0008, true);
    writeU64(view, o + OFF_TSTAMP, ++this.tstamp);
    return skb;
  }

  /** `kfree_skb(skb)`: fires `skb:kfree_skb` (a drop), then frees. */
  freeSkb(skb: HostRef, location = DEFAULT_FREE_LOCATION): void {
    this.kfreeSkb.emit(skb, location);
    this.skbs.release(skb);
  }

  /** `consume_skb(skb)`: fires `skb:consume_skb` (normal end of life), then frees. */
  consumeSkbNow(skb: HostRef): void {
    this.consumeSkb.emit(skb);
    this.skbs.release(skb);
  }

  /** A packet arrives on `dev`: alloc, `net:netif_receive_skb`, consume. */
  receive(dev: HostRef, len: number): void {
    const skb = this.allocSkb(dev, len);
    this.netifReceiveSkb.emit(skb);
    this.consumeSkbNow(skb);
  }

  /** Receives `count` packets on the mixed devices (see {@link deviceOfPacket}). */
  traffic(count: number, start = 0): void {
    const devs = SIM_DEVICES.map((n) => this.devices.get(n)!);
    for (let i = start; i < start + count; i++) {
      const k = i % 10;
      this.receive(devs[k < 5 ? 0 : k < 8 ? 1 : 2]!, lengthOfPacket(i));
    }
  }

  /** Packets alive now. */
  get liveSkbs(): number {
    return this.skbs.count;
  }

  /** Frees the stack's memory and removes its tracepoints. */
  dispose(): void {
    for (const e of [this.netifReceiveSkb, this.kfreeSkb, this.consumeSkb]) this.tracer.removeEvent(e.fullName);
    this.skbs.dispose();
    this.devSlab.dispose();
  }
}
