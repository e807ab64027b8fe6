/* A socket filter (the socket subsystem's `__sk_buff` context): keeps IPv4 frames whole and
 * drops everything else, reading the EtherType from the packet after the bounds check the
 * checker demands (data + 14 <= data_end). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("socket")
int keep_ipv4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	unsigned char *eth = data;

	if (data + 14 > data_end)
		return 0;
	if (((eth[12] << 8) | eth[13]) != 0x0800)
		return 0;
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
