/* The seed's filter_ex2 in C: counts received packets per device in a BTF-defined hash map
 * and prints every 10,000th packet of a device. */
#include "include/trace_ctx.h"

struct dev_key {
	void *dev;
};

struct dev_leaf {
	__u64 packet_cnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct dev_key);
	__type(value, struct dev_leaf);
} dev_counts SEC(".maps");

SEC("tracepoint/net/netif_receive_skb")
int filter(struct pt_regs *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx->si;
	struct dev_key key = {};
	struct dev_leaf *leaf;

	key.dev = bpf_load_pointer(&skb->dev);
	leaf = bpf_map_lookup_elem(&dev_counts, &key);
	if (leaf) {
		__sync_fetch_and_add(&leaf->packet_cnt, 1);
		if (leaf->packet_cnt % 10000 == 0) {
			char fmt[] = "dev %p  pkt_cnt %d\n";
			bpf_trace_printk(fmt, sizeof(fmt), (long)key.dev, leaf->packet_cnt, 0);
		}
	} else {
		struct dev_leaf new_leaf = {};
		bpf_map_update_elem(&dev_counts, &key, &new_leaf, BPF_ANY);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
