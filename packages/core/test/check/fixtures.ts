/**
 * Subsystems and helpers for the checker's tests: the seed's trace context (`pt_regs`, read-only
 * 8-byte registers) with its six helpers and their 2013 prototypes, a Linux-style subsystem with
 * today's map, memory and ring-buffer helpers, and a packet subsystem (`data`, `data_end`).
 * Helper implementations return 0: these subsystems are for checking, not running.
 */
import type { HelperDef, HelperProto } from '@ebpf/core';
import { SimpleSubsystem } from '@ebpf/core';

const noop = (): number => 0;
const h = (id: number, name: string, proto: HelperProto): HelperDef => ({ id, name, proto, impl: noop });

/** The seed's helpers (bpf_trace_callbacks.c), by name; ids are ours. */
export const SEED_HELPERS: readonly HelperDef[] = [
  h(1001, 'bpf_load_pointer', { ret: 'integer', args: ['anything'] }),
  h(1002, 'bpf_memcmp', { ret: 'integer', args: ['anything', 'ptr_to_stack', 'const_stack_size'], maxSize: 63 }),
  h(1003, 'bpf_dump_stack', { ret: 'void', args: ['ptr_to_ctx'] }),
  h(1004, 'bpf_trace_printk', { ret: 'void', args: ['ptr_to_stack', 'const_stack_size'] }),
  h(1005, 'bpf_table_lookup', { ret: 'map_value_or_null', args: ['ptr_to_ctx', 'const_map_id', 'ptr_to_stack_key'] }),
  h(1006, 'bpf_table_update', { ret: 'integer', args: ['ptr_to_ctx', 'const_map_id', 'ptr_to_stack_key', 'ptr_to_stack_value'] }),
];

/** x86-64 `pt_regs` offsets of the argument registers. */
export const PT_REGS = { r9: 64, r8: 72, ax: 80, cx: 88, dx: 96, si: 104, di: 112 } as const;

/** The seed's trace subsystem: `pt_regs` context, read-only 8-byte register reads. */
export function seedTrace(): SimpleSubsystem {
  return new SimpleSubsystem({
    name: 'seed-trace',
    context: {
      size: 168,
      fields: Object.entries(PT_REGS).map(([name, offset]) => ({ name, offset, size: 8, access: 'read' as const })),
    },
    helpers: SEED_HELPERS,
  });
}

/** Linux-style helpers (Linux ids). */
export const LINUX_HELPERS: readonly HelperDef[] = [
  h(1, 'bpf_map_lookup_elem', { ret: 'map_value_or_null', args: ['map_ptr', 'map_key'] }),
  h(2, 'bpf_map_update_elem', { ret: 'integer', args: ['map_ptr', 'map_key', 'map_value', 'scalar'] }),
  h(3, 'bpf_map_delete_elem', { ret: 'integer', args: ['map_ptr', 'map_key'] }),
  h(4, 'bpf_probe_read', { ret: 'integer', args: ['uninit_mem', 'const_size_or_zero', 'anything'], gplOnly: true }),
  h(5, 'bpf_ktime_get_ns', { ret: 'integer', args: [] }),
  h(6, 'bpf_trace_printk', { ret: 'integer', args: ['mem', 'const_size'], gplOnly: true }),
  h(12, 'bpf_tail_call', { ret: 'void', args: ['ptr_to_ctx', 'map_ptr', 'scalar'] }),
  h(14, 'bpf_get_current_pid_tgid', { ret: 'integer', args: [] }),
  h(25, 'bpf_perf_event_output', { ret: 'integer', args: ['ptr_to_ctx', 'map_ptr', 'scalar', 'mem', 'const_size_or_zero'] }),
  h(130, 'bpf_ringbuf_output', { ret: 'integer', args: ['map_ptr', 'mem', 'const_size_or_zero', 'scalar'] }),
  h(131, 'bpf_ringbuf_reserve', { ret: 'ringbuf_mem_or_null', args: ['map_ptr', 'const', 'scalar'] }),
  h(132, 'bpf_ringbuf_submit', { ret: 'void', args: ['ringbuf_mem', 'scalar'] }),
  h(133, 'bpf_ringbuf_discard', { ret: 'void', args: ['ringbuf_mem', 'scalar'] }),
  h(200, 'test_memcmp_small', { ret: 'integer', args: ['mem', 'const_size'], maxSize: 16 }),
  h(201, 'test_mem_or_null', { ret: 'integer', args: ['mem_or_null', 'const_size_or_zero'] }),
  h(202, 'test_callback', { ret: 'integer', args: ['func'] }),
];

/** A kprobe-like subsystem: the `pt_regs` context with Linux helpers. */
export function linuxTrace(returnRange?: { min: bigint; max: bigint }): SimpleSubsystem {
  return new SimpleSubsystem({
    name: 'linux-trace',
    context: {
      size: 168,
      fields: [
        ...Object.entries(PT_REGS).map(([name, offset]) => ({ name, offset, size: 8, access: 'read' as const, sizes: [1, 2, 4, 8] })),
        { name: 'orig_ax', offset: 120, size: 8, access: 'readwrite' as const },
      ],
    },
    helpers: LINUX_HELPERS,
    ...(returnRange ? { returnRange } : {}),
  });
}

/** A packet subsystem (an XDP-like context): data, data_end, len, a writable mark. */
export function packetSubsystem(): SimpleSubsystem {
  return new SimpleSubsystem({
    name: 'packet',
    context: {
      size: 32,
      fields: [
        { name: 'data', offset: 0, size: 8, access: 'read', type: 'ptr_to_packet' },
        { name: 'data_end', offset: 8, size: 8, access: 'read', type: 'ptr_to_packet_end' },
        { name: 'data_meta', offset: 16, size: 8, access: 'read', type: 'ptr_to_packet_meta' },
        { name: 'len', offset: 24, size: 4, access: 'read' },
        { name: 'mark', offset: 28, size: 4, access: 'readwrite' },
      ],
    },
    helpers: LINUX_HELPERS,
    returnRange: { min: 0n, max: 3n },
  });
}
