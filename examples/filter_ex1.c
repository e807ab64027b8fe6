/* The seed's filter_ex1 in C: attached to net:netif_receive_skb, prints the events of the
 * loopback device only. Reads the skb from `si` (a tracepoint's first argument), walks
 * skb->dev with bpf_load_pointer and compares the device name with bpf_memcmp. */
#include "include/trace_ctx.h"

SEC("tracepoint/net/netif_receive_skb")
int filter(struct pt_regs *ctx)
{
	char devname[4] = "lo";
	struct sk_buff *skb = (struct sk_buff *)ctx->si;
	struct net_device *dev = bpf_load_pointer(&skb->dev);

	if (bpf_memcmp(dev->name, devname, 2) == 0) {
		char fmt[] = "skb %p dev %p \n";
		bpf_trace_printk(fmt, sizeof(fmt), (long)skb, (long)dev, 0);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
