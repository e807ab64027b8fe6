/* CO-RE: `struct pt_regs` declared with preserve_access_index and only the fields it reads, in
 * the wrong order. The loader resolves each field offset against the trace subsystem's own
 * description of pt_regs (si at 104, di at 112). Returns di - si. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pt_regs {
	unsigned long si;
	unsigned long di;
} __attribute__((preserve_access_index));

SEC("kprobe/core_regs")
int core_regs(struct pt_regs *ctx)
{
	return (int)(ctx->di - ctx->si);
}

char LICENSE[] SEC("license") = "GPL";
