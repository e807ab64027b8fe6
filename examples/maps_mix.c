/* Map definitions in every form the loader reads: a legacy `maps` section (struct bpf_map_def),
 * an initialised global in .data, and a BTF map-in-map whose `values` name its inner map.
 * `bump` adds `step` (from .data) to slot di & 3 of the legacy array and returns the new value. */
#include "include/trace_ctx.h"

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") totals = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

__u64 step = 5;

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [3] = &inner_b },
};

SEC("kprobe/bump")
int bump(struct pt_regs *ctx)
{
	__u32 key = ctx->di & 3;
	__u64 *v = bpf_map_lookup_elem(&totals, &key);

	if (!v)
		return -1;
	*v += step;
	return (int)*v;
}

char LICENSE[] SEC("license") = "GPL";
