/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One parser for XDP and tc (Cilium's lesson): it works on a [data, data_end)
 * window, so either hook can call it. Every bounds check sits right before
 * the access it guards.
 */
#ifndef JALUR_BPF_PARSING_H
#define JALUR_BPF_PARSING_H

#include "common.h"

#define JALUR_MAX_VLAN_TAGS 2   /* 802.1ad outer + 802.1Q inner */
#define JALUR_MAX_IPV6_EXT 6    /* hop-by-hop, dst opts, routing, fragment, AH, dst opts */

enum parse_result {
	PARSE_OK = 0,
	PARSE_NOT_IP,
	PARSE_BCAST_MCAST,
	PARSE_ERR_L2,
	PARSE_ERR_L3,
	PARSE_ERR_L4,
};

enum frag_kind {
	FRAG_NONE = 0,
	FRAG_FIRST,     /* carries the L4 header */
	FRAG_NON_FIRST, /* no L4 header: follows its flow by addresses */
};

/* Why parse_ipv6() did not reach the end of the upper-layer header; set on
 * its error paths only, so the walk costs nothing more when it succeeds.
 * Rogue DHCP/RA inspection reports it (RFC 7113: such a packet may hide an
 * RA or a DHCPv6 server message). */
enum chain_stop {
	CHAIN_WALKED = 0,
	CHAIN_DEPTH,     /* more extension headers than JALUR_MAX_IPV6_EXT */
	CHAIN_LENGTH,    /* the upper-layer header starts past what can be read */
	CHAIN_TRUNCATED, /* a header runs past the frame (or past a first fragment) */
};

struct packet {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport; /* network order; ICMP echo: the identifier */
	__u16 dport; /* network order */
	__u8 family; /* JALUR_FAMILY_V4 / V6 */
	__u8 proto;
	__u8 tcp_flags;
	__u8 frag;   /* enum frag_kind */
	__u16 vlan;  /* innermost VLAN id, 0 when untagged */
	__u16 l3_off;
	__u16 l4_off;
	__u8 icmp_type;
	__u8 chain;  /* enum chain_stop: IPv6 only */
};

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10

static __always_inline int parse_l2(void *data, void *data_end, struct packet *p, __u16 *proto)
{
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);

	if ((void *)(eth + 1) > data_end)
		return PARSE_ERR_L2;
	*proto = eth->h_proto;

#pragma unroll
	for (int i = 0; i < JALUR_MAX_VLAN_TAGS; i++) {
		struct vlan_hdr {
			__be16 tci;
			__be16 proto;
		} *vh;

		if (*proto != bpf_htons(ETH_P_8021Q) && *proto != bpf_htons(ETH_P_8021AD))
			break;
		vh = data + off;
		if ((void *)(vh + 1) > data_end)
			return PARSE_ERR_L2;
		p->vlan = bpf_ntohs(vh->tci) & 0x0fff;
		*proto = vh->proto;
		off += sizeof(*vh);
	}
	p->l3_off = off;
	if (eth->h_dest[0] & 1)
		return PARSE_BCAST_MCAST;
	return PARSE_OK;
}

static __always_inline int parse_l4(void *data, void *data_end, struct packet *p)
{
	void *l4 = data + p->l4_off;

	switch (p->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end || th->doff < 5)
			return PARSE_ERR_L4;
		p->sport = th->source;
		p->dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
		return PARSE_OK;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return PARSE_ERR_L4;
		p->sport = uh->source;
		p->dport = uh->dest;
		return PARSE_OK;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		/* type, code, checksum, then the echo identifier that conntrack
		 * also uses to tell pings apart */
		struct {
			__u8 type;
			__u8 code;
			__u16 csum;
			__u16 id;
			__u16 seq;
		} *ic = l4;

		if ((void *)(ic + 1) > data_end)
			return PARSE_ERR_L4;
		p->icmp_type = ic->type;
		if (ic->type == ICMP_ECHO || ic->type == ICMPV6_ECHO_REQUEST)
			p->sport = ic->id;
		return PARSE_OK;
	}
	default:
		return PARSE_OK; /* GRE, ESP, ...: balanced by addresses */
	}
}

/* pkt_len: the whole packet, which in tc can be longer than the linear
 * [data, data_end) window; used to reject IP lengths that overrun it. */
static __always_inline int parse_ipv4(void *data, void *data_end, __u32 pkt_len, struct packet *p)
{
	struct iphdr *iph = data + p->l3_off;
	__u32 hlen;
	__u16 frag;
	bool bcast;
	int ret;

	if ((void *)(iph + 1) > data_end)
		return PARSE_ERR_L3;
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph))
		return PARSE_ERR_L3;
	if (bpf_ntohs(iph->tot_len) < hlen || bpf_ntohs(iph->tot_len) > pkt_len - p->l3_off)
		return PARSE_ERR_L3;
	if (data + p->l3_off + hlen > data_end)
		return PARSE_ERR_L3;

	p->family = JALUR_FAMILY_V4;
	p->proto = iph->protocol;
	p->saddr[0] = iph->saddr;
	p->daddr[0] = iph->daddr;
	p->l4_off = p->l3_off + hlen;

	frag = bpf_ntohs(iph->frag_off);
	if (frag & 0x1fff)
		p->frag = FRAG_NON_FIRST;
	else if (frag & 0x2000)
		p->frag = FRAG_FIRST;

	/* broadcasts are parsed to L4 too: DHCP inspection needs their ports */
	bcast = iph->daddr == 0xffffffff || (bpf_ntohl(iph->daddr) >> 28) == 0xe;
	if (p->frag == FRAG_NON_FIRST)
		return bcast ? PARSE_BCAST_MCAST : PARSE_OK;
	ret = parse_l4(data, data_end, p);
	return bcast ? PARSE_BCAST_MCAST : ret;
}

/* One test instead of five comparisons: each comparison would teach the
 * verifier another exact value and multiply the states it must walk. */
#define IPV6_EXT_MASK ((1ull << IPPROTO_HOPOPTS) | (1ull << IPPROTO_ROUTING) | \
		       (1ull << IPPROTO_DSTOPTS) | (1ull << IPPROTO_FRAGMENT) | (1ull << IPPROTO_AH))

static __always_inline bool is_ipv6_ext(__u8 nexthdr)
{
	return nexthdr < 64 && ((1ull << nexthdr) & IPV6_EXT_MASK);
}

static __always_inline int parse_ipv6(void *data, void *data_end, __u32 pkt_len, struct packet *p)
{
	struct ipv6hdr *ip6 = data + p->l3_off;
	__u32 off = p->l3_off + sizeof(*ip6);
	__u8 nexthdr;
	bool mcast;
	int ret;

	if ((void *)(ip6 + 1) > data_end)
		return PARSE_ERR_L3;
	if (ip6->version != 6)
		return PARSE_ERR_L3;
	/* an IPv6 packet from here on, also when its chain cannot be walked:
	 * RA guard judges those by their addresses */
	p->family = JALUR_FAMILY_V6;
	__builtin_memcpy(p->saddr, &ip6->saddr, 16);
	__builtin_memcpy(p->daddr, &ip6->daddr, 16);
	if (bpf_ntohs(ip6->payload_len) + sizeof(*ip6) > pkt_len - p->l3_off) {
		p->chain = CHAIN_TRUNCATED;
		return PARSE_ERR_L3;
	}
	nexthdr = ip6->nexthdr;

#pragma unroll
	for (int i = 0; i < JALUR_MAX_IPV6_EXT; i++) {
		struct {
			__u8 nexthdr;
			__u8 len;
			__u16 frag_off; /* fragment header only */
		} *ext = data + off;

		if (!is_ipv6_ext(nexthdr))
			break;
		if ((void *)(ext + 1) > data_end) {
			p->chain = CHAIN_TRUNCATED;
			return PARSE_ERR_L3;
		}
		if (nexthdr == IPPROTO_FRAGMENT) {
			__u16 fo = bpf_ntohs(ext->frag_off);

			p->frag = (fo & 0xfff8) ? FRAG_NON_FIRST : (fo & 1) ? FRAG_FIRST : p->frag;
			off += 8;
		} else if (nexthdr == IPPROTO_AH) {
			off += (ext->len + 2) * 4;
		} else {
			off += (ext->len + 1) * 8;
		}
		nexthdr = ext->nexthdr;
		if (p->frag == FRAG_NON_FIRST)
			break;
	}
	/* still an extension header after the bounded walk: refuse to guess */
	if (p->frag != FRAG_NON_FIRST && is_ipv6_ext(nexthdr)) {
		p->chain = CHAIN_DEPTH;
		return PARSE_ERR_L3;
	}
	if (off > 0xffff) {
		p->chain = CHAIN_LENGTH;
		return PARSE_ERR_L3;
	}
	p->proto = nexthdr;
	p->l4_off = off;

	mcast = ip6->daddr.in6_u.u6_addr8[0] == 0xff;
	if (p->frag == FRAG_NON_FIRST || nexthdr == IPPROTO_NONE)
		return mcast ? PARSE_BCAST_MCAST : PARSE_OK;
	ret = parse_l4(data, data_end, p);
	/* the upper-layer header is cut: in a first fragment, by the sender */
	if (ret == PARSE_ERR_L4)
		p->chain = CHAIN_TRUNCATED;
	return mcast ? PARSE_BCAST_MCAST : ret;
}

static __always_inline int parse_packet(void *data, void *data_end, __u32 pkt_len, struct packet *p)
{
	__u16 proto;
	int ret = parse_l2(data, data_end, p, &proto);

	if (ret != PARSE_OK && ret != PARSE_BCAST_MCAST)
		return ret;
	if (proto == bpf_htons(ETH_P_IP)) {
		int r3 = parse_ipv4(data, data_end, pkt_len, p);
		return ret == PARSE_BCAST_MCAST && r3 == PARSE_OK ? ret : r3;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		int r3 = parse_ipv6(data, data_end, pkt_len, p);
		return ret == PARSE_BCAST_MCAST && r3 == PARSE_OK ? ret : r3;
	}
	return PARSE_NOT_IP;
}

#endif
