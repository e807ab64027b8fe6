/* A tail call through a prog_array: `dispatch` jumps to slot `di & 3`; slot 1 holds `second`
 * (from the map's BTF `values`), which returns 42 + si. A missed tail call returns 7. */
#include "include/trace_ctx.h"

SEC("kprobe/second")
int second(struct pt_regs *ctx)
{
	return 42 + (int)ctx->si;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(struct pt_regs *));
} jump_table SEC(".maps") = {
	.values = { [1] = (void *)&second },
};

SEC("kprobe/dispatch")
int dispatch(struct pt_regs *ctx)
{
	bpf_tail_call(ctx, &jump_table, ctx->di & 3);
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
