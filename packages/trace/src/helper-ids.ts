/**
 * Helper ids of the trace subsystem: Linux's `BPF_FUNC_*` numbers for today's helpers, and ids
 * in a private range (1000+) for the seed's helpers, which Linux never numbered (seed images
 * call them by name). The implementations are in `helpers.ts`.
 */

/** Helper ids by name. */
export const HelperId = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  probe_read: 4,
  ktime_get_ns: 5,
  trace_printk: 6,
  get_prandom_u32: 7,
  get_smp_processor_id: 8,
  get_current_pid_tgid: 14,
  get_current_uid_gid: 15,
  get_current_comm: 16,
  perf_event_output: 25,
  probe_read_str: 45,
  probe_read_user: 112,
  probe_read_kernel: 113,
  probe_read_user_str: 114,
  probe_read_kernel_str: 115,
  ringbuf_output: 130,
  /** Seed: `void *bpf_load_pointer(void *unsafe_ptr)`. */
  load_pointer: 1001,
  /** Seed: `long bpf_memcmp(void *unsafe_ptr, void *safe_ptr, long size)`. */
  memcmp: 1002,
  /** Seed: `void bpf_dump_stack(struct bpf_context *ctx)`. */
  dump_stack: 1003,
  /** Seed: `void *bpf_table_lookup(struct bpf_context *ctx, long table_id, const void *key)`. */
  table_lookup: 1004,
  /** Seed: `long bpf_table_update(struct bpf_context *ctx, long table_id, const void *key, const void *leaf)`. */
  table_update: 1005,
} as const;
