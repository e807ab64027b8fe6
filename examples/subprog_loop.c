/* A static subprogram with a bounded loop: returns the sum of squares 1..n for n = di & 15,
 * computed in a noinline function (a bpf-to-bpf call). */
#include "include/trace_ctx.h"

static __attribute__((noinline)) __u32 sum_squares(__u32 n)
{
	__u32 sum = 0;

#pragma clang loop unroll(disable)
	for (__u32 i = 1; i <= 15; i++) {
		if (i > n)
			break;
		sum += i * i;
	}
	return sum;
}

SEC("kprobe/sum_squares")
int sum_prog(struct pt_regs *ctx)
{
	return (int)sum_squares(ctx->di & 15);
}

char LICENSE[] SEC("license") = "GPL";
