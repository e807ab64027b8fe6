/* The @ebpf trace subsystem's context and the seed's helpers, for C programs built with
 * `clang -target bpf`. The context is x86-64 `struct pt_regs` (read-only, 8-byte reads); a
 * tracepoint passes its event in `di` and its arguments from `si` on. */
#ifndef EBPF_TRACE_CTX_H
#define EBPF_TRACE_CTX_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

/* The seed's struct sk_buff and struct net_device, as the trace subsystem lays them out. */
struct net_device {
	char name[16];
};
struct sk_buff {
	struct sk_buff *next, *prev;
	unsigned long tstamp;
	void *sk;
	struct net_device *dev;
};

/* The seed's helpers (the trace subsystem numbers them from 1001). */
static void *(*bpf_load_pointer)(void *unsafe_ptr) = (void *)1001;
static long (*bpf_memcmp)(void *unsafe_ptr, void *safe_ptr, long size) = (void *)1002;

#endif
