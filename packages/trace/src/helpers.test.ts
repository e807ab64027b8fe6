import { describe, expect, it } from 'vitest';
import { Vm, type HelperDef } from '@ebpf/core';
import { formatPrintk, HelperId, traceHelpers } from './helpers.js';
import { HostSlab, NET_DEVICE, SK_BUFF } from './host-structs.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('formatPrintk (the seed rules)', () => {
  it.each([
    ['skb %p dev %p \n\0', [0x1234n, 0xffff880808e3a300n, 0n], 'skb 0000000000001234 dev ffff880808e3a300 '],
    ['dev %p  pkt_cnt %d\n\0', [0x10n, 10000n, 0n], 'dev 0000000000000010  pkt_cnt 10000'],
    ['%d %u %x\0', [-1n, -1n, 255n], '-1 4294967295 ff'],
    ['%d\0', [0x100000005n], '5'],
    ['no args\0', [], 'no args'],
  ])('%j', (fmt, args, want) => {
    expect(formatPrintk(enc(fmt), args as bigint[])).toBe(want);
  });
  it.each([
    ['not terminated', 'no NUL at the end'],
    ['%s\0', 'a conversion other than %d %u %x %p'],
    ['%d %d %d %d\0', 'more than three conversions'],
    ['100%\0', 'a % at the end'],
    ['%%\0', '%% (the seed drops it too)'],
  ])('drops %j: %s', (fmt) => {
    expect(formatPrintk(enc(fmt), [1n, 2n, 3n, 4n])).toBeUndefined();
  });
});

describe('trace helpers', () => {
  const vm = new Vm({ size: 2 << 20 });
  const printed: string[] = [];
  const helpers = new Map<number, HelperDef>(traceHelpers({ sink: { printk: (m) => printed.push(m), dumpStack: () => printed.push('<stack>') }, task: { pid: 9, uid: 1, gid: 2, comm: 'node' } }).map((h) => [h.id, h]));
  const env = { vm, maps: [], program: 't' };
  const call = (id: number, ...a: Array<number | bigint>) => {
    a.forEach((v, i) => vm.args.set(i + 1, v));
    return helpers.get(id)!.impl(vm.args, env);
  };
  const devs = new HostSlab(vm, NET_DEVICE, 2);
  const skbs = new HostSlab(vm, SK_BUFF, 2);
  const dev = devs.alloc().set('name', 'eth5');
  const skb = skbs.alloc().set('dev', dev).set('len', 1500);
  const stack = Number(vm.stackTop) - 64;
  const stackOff = stack - vm.mem.baseNumber;

  it('bpf_load_pointer reads a pointer, or gives 0 for a bad address', () => {
    expect(call(HelperId.load_pointer, skb.address + 32)).toBe(dev.address);
    expect(call(HelperId.load_pointer, 8)).toBe(0);
    expect(call(HelperId.load_pointer, 2n ** 63n)).toBe(0);
    expect(call(HelperId.load_pointer, vm.mem.baseNumber + vm.mem.size - 4)).toBe(0);
  });

  it('bpf_memcmp compares an unsafe pointer with stack bytes (size < 64)', () => {
    vm.mem.bytes.set(enc('eth5'), stackOff);
    expect(call(HelperId.memcmp, dev.address, stack, 4)).toBe(0);
    vm.mem.bytes.set(enc('eth0'), stackOff);
    expect(call(HelperId.memcmp, dev.address, stack, 4)).toBe(5);
    expect(call(HelperId.memcmp, 16, stack, 4)).toBe(-14);
    expect(call(HelperId.memcmp, dev.address, stack, 64)).toBe(-1);
  });

  it('bpf_probe_read_kernel copies or zero-fills with -EFAULT', () => {
    vm.mem.bytes.fill(0xaa, stackOff, stackOff + 8);
    expect(call(HelperId.probe_read_kernel, stack, 4, skb.address + 88)).toBe(0);
    expect(vm.mem.view.getUint32(stackOff, true)).toBe(1500);
    expect(call(HelperId.probe_read_kernel, stack, 8, 0x100)).toBe(-14);
    expect(vm.mem.view.getBigUint64(stackOff, true)).toBe(0n);
    expect(() => call(HelperId.probe_read_kernel, 0x100, 8, skb.address)).toThrow(/not writable VM memory/);
  });

  it('bpf_probe_read_kernel_str stops at NUL and terminates', () => {
    vm.mem.bytes.fill(0xaa, stackOff, stackOff + 16);
    expect(call(HelperId.probe_read_kernel_str, stack, 16, dev.address)).toBe(5);
    expect(Array.from(vm.mem.bytes.subarray(stackOff, stackOff + 6))).toEqual([101, 116, 104, 53, 0, 0xaa]);
    expect(call(HelperId.probe_read_kernel_str, stack, 3, dev.address)).toBe(3);
    expect(Array.from(vm.mem.bytes.subarray(stackOff, stackOff + 3))).toEqual([101, 116, 0]);
  });

  it('bpf_trace_printk formats from the stack and hands the line to the sink', () => {
    const fmt = enc('len %u\n\0');
    vm.mem.bytes.set(fmt, stackOff);
    expect(call(HelperId.trace_printk, stack, fmt.length, 1500)).toBe(8);
    expect(printed.at(-1)).toBe('len 1500');
    expect(call(HelperId.trace_printk, stack, 3, 0)).toBe(-22); // not NUL-terminated at size
  });

  it('pid/tgid, uid/gid and comm come from the task', () => {
    expect(call(HelperId.get_current_pid_tgid)).toBe(9 * 2 ** 32 + 9);
    expect(call(HelperId.get_current_uid_gid)).toBe(2 * 2 ** 32 + 1);
    expect(call(HelperId.get_current_comm, stack, 16)).toBe(0);
    expect(new TextDecoder().decode(vm.mem.bytes.subarray(stackOff, stackOff + 5))).toBe('node\0');
  });

  it('offers the seed helpers by name and today\'s by Linux id', () => {
    const names = [...helpers.values()].map((h) => h.name);
    for (const n of ['bpf_load_pointer', 'bpf_memcmp', 'bpf_trace_printk', 'bpf_dump_stack', 'bpf_table_lookup', 'bpf_table_update', 'bpf_map_lookup_elem', 'bpf_probe_read', 'bpf_ktime_get_ns', 'bpf_get_current_pid_tgid', 'bpf_perf_event_output', 'bpf_ringbuf_output']) expect(names).toContain(n);
    expect(helpers.get(6)!.name).toBe('bpf_trace_printk');
    expect(helpers.get(HelperId.memcmp)!.proto).toEqual({ ret: 'integer', args: ['anything', 'ptr_to_stack', 'const_stack_size'], gplOnly: true });
  });
});
