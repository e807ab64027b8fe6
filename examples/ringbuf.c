/* A ring buffer: every call reserves an event, fills it from the probe's arguments and
 * submits it (or discards it when `di` is 0); returns 1 when an event was submitted. */
#include "include/trace_ctx.h"

struct event {
	__u64 arg0;
	__u64 arg1;
	__u32 seq;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

__u32 seq = 0;

SEC("kprobe/emit")
int emit(struct pt_regs *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	if (ctx->di == 0) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	e->arg0 = ctx->di;
	e->arg1 = ctx->si;
	e->seq = __sync_fetch_and_add(&seq, 1);
	e->flags = 0;
	bpf_ringbuf_submit(e, 0);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
