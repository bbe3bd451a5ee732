/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ending a TCP flow towards its LAN client (issue 19). The agent flags the
 * flow JALUR_FLOW_ENDING when its WAN dies (or failback takes it off a
 * WAN); from then on every packet the client sends on it, its data, its
 * ACKs, or the challenge ACK the agent's SYN provoked from a client that
 * only receives, is turned around in place into a reset whose sequence
 * number is that packet's acknowledgement number: the client's RCV.NXT,
 * the one value a stack that follows RFC 5961 accepts.
 */
#ifndef JALUR_BPF_FLOW_RESET_H
#define JALUR_BPF_FLOW_RESET_H

#include "counters.h"
#include "maps.h"
#include "parsing.h"

enum ending_verdict {
	ENDING_RESET = 0, /* answer with a reset */
	ENDING_DROP,      /* nothing to answer: drop (its WAN is gone) */
	ENDING_RENEW,     /* no longer ending: decide as for any known flow */
};

/* Notes a TCP flow whose client is past its handshake: only those are
 * reset (a reset, or the agent's provoking SYN, would break a handshake
 * that can still complete on another WAN). Written once per flow. */
static __always_inline void flow_note_ack(struct jalur_flow *f, const struct packet *p)
{
	if (unlikely(!(f->flags & JALUR_FLOW_ACKED)) && p->proto == IPPROTO_TCP && (p->tcp_flags & TCP_FLAG_ACK))
		f->flags |= JALUR_FLOW_ACKED;
}

/* A packet of a flow flagged JALUR_FLOW_ENDING. */
static __always_inline int flow_ending(struct jalur_flow *f, const struct packet *p)
{
	/* a SYN: a handshake begun before the WAN died retries (or a new
	 * connection reuses the ports): nothing to reset, the flow is moved
	 * off a dead WAN as any other (or the flow is not TCP, which the
	 * agent never flags) */
	if (p->proto != IPPROTO_TCP || (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN) {
		f->flags &= ~(JALUR_FLOW_ENDING | JALUR_FLOW_RESET_SENT | JALUR_FLOW_ACKED);
		return ENDING_RENEW;
	}
	if (!(p->tcp_flags & TCP_FLAG_ACK) || (p->tcp_flags & TCP_FLAG_RST)) {
		count_reason(JALUR_R_FLOW_ENDING_DROP);
		return ENDING_DROP;
	}
	f->flags |= JALUR_FLOW_RESET_SENT;
	return ENDING_RESET;
}

static __always_inline __u32 csum_add32(__u32 sum, __u32 word)
{
	return sum + (word & 0xffff) + (word >> 16);
}

/* The one's complement sum of 20 bytes (an IPv4 or a TCP header without
 * options), read as 16-bit words in memory order. */
static __always_inline __u32 csum_add20(__u32 sum, const __u32 *w)
{
#pragma unroll
	for (int i = 0; i < 5; i++)
		sum = csum_add32(sum, w[i]);
	return sum;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * Rewrites the client's TCP packet in [data, data_end) into the reset that
 * answers it: MACs, addresses and ports swapped, VLAN tags kept as they
 * are, seq = its ack, ack = its seq + its length, no options, no payload.
 * Returns the reset's frame length, or -1 when the packet is not one this
 * rewrites (IPv4 options, IPv6 extension headers, a fragment, a header cut
 * short); the caller drops those.
 */
static __always_inline int reset_frame(void *data, void *data_end, const struct packet *p)
{
	struct ethhdr *eth = data;
	struct tcphdr *th;
	__u8 mac[ETH_ALEN], flags;
	__u32 sum, seq, l4_len, hdr_len, l3_off = p->l3_off, l4_off = p->l4_off;
	__u16 port;

	if (p->frag != FRAG_NONE || p->proto != IPPROTO_TCP)
		return -1;
	/* bounded for the verifier: two VLAN tags and a bare IP header at most */
	if (l3_off > 64 || l4_off > l3_off + sizeof(struct ipv6hdr))
		return -1;
	if ((void *)(eth + 1) > data_end)
		return -1;
	th = data + l4_off;
	if ((void *)(th + 1) > data_end)
		return -1;
	flags = ((__u8 *)th)[13];
	if (!(flags & TCP_FLAG_ACK) || (flags & TCP_FLAG_RST))
		return -1;
	hdr_len = th->doff * 4;

	if (p->family == JALUR_FAMILY_V4) {
		struct iphdr *iph = data + l3_off;
		__u32 a;

		if ((void *)(iph + 1) > data_end)
			return -1;
		if (l4_off != l3_off + sizeof(*iph))
			return -1;
		l4_len = bpf_ntohs(iph->tot_len) - sizeof(*iph);
		a = iph->saddr;
		iph->saddr = iph->daddr;
		iph->daddr = a;
		iph->tos = 0;
		iph->tot_len = bpf_htons(sizeof(*iph) + sizeof(*th));
		iph->id = 0;
		iph->frag_off = bpf_htons(0x4000); /* DF */
		iph->ttl = 64;
		iph->check = 0;
		iph->check = csum_fold(csum_add20(0, (const __u32 *)iph));
		sum = csum_add32(0, iph->saddr);
		sum = csum_add32(sum, iph->daddr);
	} else {
		struct ipv6hdr *ip6 = data + l3_off;
		__u32 a[4];

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		if (l4_off != l3_off + sizeof(*ip6))
			return -1;
		l4_len = bpf_ntohs(ip6->payload_len);
		__builtin_memcpy(a, &ip6->saddr, sizeof(a));
		__builtin_memcpy(&ip6->saddr, &ip6->daddr, sizeof(a));
		__builtin_memcpy(&ip6->daddr, a, sizeof(a));
		ip6->payload_len = bpf_htons(sizeof(*th));
		ip6->hop_limit = 64;
		sum = 0;
#pragma unroll
		for (int i = 0; i < 4; i++) {
			sum = csum_add32(sum, ip6->saddr.in6_u.u6_addr32[i]);
			sum = csum_add32(sum, ip6->daddr.in6_u.u6_addr32[i]);
		}
	}
	if (hdr_len < sizeof(*th) || l4_len < hdr_len)
		return -1;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);

	seq = th->ack_seq;
	th->ack_seq = bpf_htonl(bpf_ntohl(th->seq) + (l4_len - hdr_len) + !!(flags & TCP_FLAG_SYN) +
				!!(flags & TCP_FLAG_FIN));
	th->seq = seq;
	port = th->source;
	th->source = th->dest;
	th->dest = port;
	((__u8 *)th)[12] = (sizeof(*th) / 4) << 4; /* no options */
	((__u8 *)th)[13] = TCP_FLAG_RST | TCP_FLAG_ACK;
	th->window = 0;
	th->urg_ptr = 0;
	th->check = 0;
	/* pseudo header: addresses (above), protocol and TCP length */
	sum += bpf_htons(IPPROTO_TCP) + bpf_htons(sizeof(*th));
	th->check = csum_fold(csum_add20(sum, (const __u32 *)th));
	return l4_off + sizeof(*th);
}

/* XDP: the reset leaves by the port the packet came in on. */
static __always_inline int flow_reset_xdp(struct xdp_md *ctx, const struct packet *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int len = reset_frame(data, data_end, p);

	if (len < 0 || bpf_xdp_adjust_tail(ctx, len - (int)(data_end - data))) {
		count_reason(JALUR_R_FLOW_ENDING_DROP);
		return XDP_DROP;
	}
	count_reason(JALUR_R_FLOW_RESET);
	return XDP_TX;
}

/* tc: the same, out of the interface the packet came in on. p: as parsed
 * from this skb (its offsets stay valid: the headers do not move). */
static __always_inline int flow_reset_tc(struct __sk_buff *skb, const struct packet *p)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	int len = reset_frame(data, data_end, p);

	if (len < 0 || bpf_skb_change_tail(skb, len, 0)) {
		count_reason(JALUR_R_FLOW_ENDING_DROP);
		return TC_ACT_SHOT;
	}
	count_reason(JALUR_R_FLOW_RESET);
	return bpf_redirect(skb->ingress_ifindex, 0);
}

#endif
