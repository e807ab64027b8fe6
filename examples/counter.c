/* A BTF hash map and a global counter in .bss: counts calls per first argument (`di`) of a
 * dynamic probe, and all calls in `total`. Returns the new count for this argument. */
#include "include/trace_ctx.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} calls SEC(".maps");

__u64 total = 0;

SEC("kprobe/counter")
int count_calls(struct pt_regs *ctx)
{
	__u64 key = ctx->di;
	__u64 one = 1;
	__u64 *n;

	__sync_fetch_and_add(&total, 1);
	n = bpf_map_lookup_elem(&calls, &key);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return (int)*n;
	}
	bpf_map_update_elem(&calls, &key, &one, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
