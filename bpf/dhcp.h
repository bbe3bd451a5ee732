/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rogue DHCP detection on LAN ports: DHCPv4 and DHCPv6 server messages and
 * IPv6 router advertisements from a source that is not trusted become a
 * ring-buffer event (rate limited per source MAC and overall) and, in guard
 * mode, are dropped.
 *
 * The classification is deliberately wide and follows what a client
 * accepts: any UDP packet to port 68 (or a BOOTREPLY to a relay on 67), any
 * UDP packet to 546 (or a server's message to a relay on 547), whatever its
 * source port, from an untrusted source is a rogue server message, whatever
 * its options say. Options only fill in the event, so a malformed or evasive
 * message cannot slip through by being unparseable. Nor can an IPv6 packet
 * by hiding its upper-layer header behind extension headers the walk cannot
 * finish (RFC 7113): it is judged by what its IPv6 header shows.
 */
#ifndef JALUR_BPF_DHCP_H
#define JALUR_BPF_DHCP_H

#include "maps.h"
#include "parsing.h"

#define DHCP4_SERVER_PORT 67
#define DHCP4_CLIENT_PORT 68
#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547
#define ICMPV6_ROUTER_ADVERT 134

/* RFC 2131 section 2: op, htype, hlen, hops (1 each), xid (4), secs,
 * flags (2 each), ciaddr, yiaddr, siaddr, giaddr (4 each), chaddr (16),
 * sname (64), file (128); the magic cookie follows, then the options. */
#define BOOTP_OP 0
#define BOOTP_XID 4
#define BOOTP_YIADDR 16
#define BOOTP_GIADDR 24
#define BOOTP_CHADDR 28
#define BOOTP_SNAME 44
#define BOOTP_FILE 108
#define BOOTP_COOKIE 236
#define BOOTP_OPTIONS 240
#define BOOTP_REPLY 2
#define DHCP_MAGIC 0x63825363u

#define DHCP_OPT_PAD 0
#define DHCP_OPT_OVERLOAD 52
#define DHCP_OPT_MSG_TYPE 53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_END 255

#define DHCP_BUF_MASK (JALUR_DHCP_BUF - 1)

/* Header offsets are bounded before use: the verifier only trusts a packet
 * pointer whose variable offset plus constant stays under 64 KiB
 * (MAX_PACKET_OFF), and the furthest fixed read past the L4 offset is the
 * DHCPv6 header's 12 bytes. No lower bound: RA guard must not limit the bytes
 * it inspects (RFC 7113 section 3), and a chain that ends past this one is
 * judged as unwalked (CHAIN_LENGTH). The barrier (libbpf's barrier_var)
 * keeps clang from folding the check into a later one. */
#define DHCP_MAX_L4_OFF (0xffff - 16)
#define DHCP_MAX_L3_OFF 64

/* DHCPv6 (RFC 8415) messages only a server or relay sends to a client */
#define DHCP6_ADVERTISE 2
#define DHCP6_REPLY 7
#define DHCP6_RECONFIGURE 10
#define DHCP6_RELAY_REPL 13

static __always_inline __u8 scratch_byte(const struct jalur_dhcp_buf *b, __u32 off)
{
	return b->b[off & DHCP_BUF_MASK];
}

static __always_inline __u32 scratch_u32(const struct jalur_dhcp_buf *b, __u32 off)
{
	return (__u32)scratch_byte(b, off) | (__u32)scratch_byte(b, off + 1) << 8 |
	       (__u32)scratch_byte(b, off + 2) << 16 | (__u32)scratch_byte(b, off + 3) << 24;
}

/* One option per call; 1 stops the walk. */
static long dhcp_option_step(__u32 i __attribute__((unused)), void *ctx __attribute__((unused)))
{
	__u32 zero = 0, v, len;
	struct jalur_dhcp_buf *w = bpf_map_lookup_elem(&dhcp_scratch, &zero);
	__u8 code;

	if (!w || w->off >= w->end)
		return 1;
	code = scratch_byte(w, w->off);
	if (code == DHCP_OPT_PAD) {
		w->off++;
		return 0;
	}
	if (code == DHCP_OPT_END) {
		w->ended = 1;
		return 1;
	}
	if (w->off + 2 > w->end) {
		w->malformed = 1;
		return 1;
	}
	len = scratch_byte(w, w->off + 1);
	v = w->off + 2;
	if (v + len > w->end) {
		w->malformed = 1;
		return 1;
	}
	/* the first occurrence wins: a later copy cannot rewrite what the
	 * client, reading in the same order, has already taken */
	if (code == DHCP_OPT_MSG_TYPE && len == 1 && !w->msg_type)
		w->msg_type = scratch_byte(w, v);
	else if (code == DHCP_OPT_SERVER_ID && len == 4 && !w->server_id)
		w->server_id = scratch_u32(w, v);
	else if (code == DHCP_OPT_OVERLOAD && len == 1 && !w->overload)
		w->overload = scratch_byte(w, v) & 3;
	w->off = v + len;
	return 0;
}

static __always_inline void walk_options(struct jalur_dhcp_buf *w, __u32 start, __u32 end)
{
	w->off = start;
	w->end = end;
	w->ended = 0;
	bpf_loop(JALUR_DHCP_BUF, dhcp_option_step, NULL, 0);
}

/*
 * One inspection for XDP and tc. The hooks differ only in how bytes past
 * the linear header are read, so the code below takes the program's context
 * and `skb`: false for an xdp_md, true for an __sk_buff. It is inlined into
 * one small wrapper per hook (dhcp_inspect, dhcp_inspect_skb) where `skb` is
 * a constant, so each copy holds only its own hook's helper.
 */
static __always_inline long dhcp_load_bytes(void *ctx, const bool skb, __u32 off, void *to, __u32 len)
{
	if (skb)
		return bpf_skb_load_bytes(ctx, off, to, len);
	return bpf_xdp_load_bytes(ctx, off, to, len);
}

/* Fills the event from a DHCPv4 message of `len` bytes at packet offset
 * `off`: copied to scratch, fixed fields read, then the options, and the
 * file and sname fields when option 52 says they hold options too. */
static __always_inline void read_dhcp4(void *ctx, const bool skb, __u32 off, __u32 len,
				       struct jalur_dhcp_event *ev)
{
	struct jalur_dhcp_buf *w;
	__u32 zero = 0;

	if (len > JALUR_DHCP_BUF)
		len = JALUR_DHCP_BUF;
	if (len < BOOTP_COOKIE)
		ev->flags |= JALUR_DHCP_EV_MALFORMED;
	w = bpf_map_lookup_elem(&dhcp_scratch, &zero);
	if (!w || len < 1 || dhcp_load_bytes(ctx, skb, off, w->b, len))
		return;
	if (len < BOOTP_COOKIE) {
		if (len >= BOOTP_XID + 4)
			ev->xid = scratch_u32(w, BOOTP_XID);
		return;
	}
	ev->xid = scratch_u32(w, BOOTP_XID);
	ev->yiaddr = scratch_u32(w, BOOTP_YIADDR);
	ev->giaddr = scratch_u32(w, BOOTP_GIADDR);
	for (int i = 0; i < 6; i++)
		ev->client_mac[i] = scratch_byte(w, BOOTP_CHADDR + i);
	if (len < BOOTP_OPTIONS || scratch_u32(w, BOOTP_COOKIE) != bpf_htonl(DHCP_MAGIC)) {
		ev->flags |= JALUR_DHCP_EV_NO_COOKIE;
		return;
	}
	w->msg_type = 0;
	w->overload = 0;
	w->server_id = 0;
	w->malformed = 0;
	walk_options(w, BOOTP_OPTIONS, len);
	if (!w->ended)
		ev->flags |= JALUR_DHCP_EV_NO_END;
	/* RFC 2131 4.1: with option 52, options continue in file, then sname */
	if (w->overload) {
		ev->flags |= JALUR_DHCP_EV_OVERLOAD;
		if (w->overload & 1)
			walk_options(w, BOOTP_FILE, BOOTP_COOKIE);
		if (w->overload & 2)
			walk_options(w, BOOTP_SNAME, BOOTP_FILE);
	}
	if (w->malformed)
		ev->flags |= JALUR_DHCP_EV_MALFORMED;
	ev->msg_type = w->msg_type;
	ev->server_id = w->server_id;
}

static __always_inline bool dhcp6_server_type(__u8 type)
{
	return type == DHCP6_ADVERTISE || type == DHCP6_REPLY || type == DHCP6_RECONFIGURE ||
	       type == DHCP6_RELAY_REPL;
}

/* Where the IP packet ends (its length field), as an offset in the frame. */
static __always_inline __u32 ip_end(void *data, void *data_end, const struct packet *p, __u32 l3)
{
	if (p->family == JALUR_FAMILY_V4) {
		struct iphdr *iph = data + l3;

		return (void *)(iph + 1) <= data_end ? l3 + bpf_ntohs(iph->tot_len) : 0;
	}
	struct ipv6hdr *ip6 = data + l3;

	return (void *)(ip6 + 1) <= data_end ? l3 + sizeof(*ip6) + bpf_ntohs(ip6->payload_len) : 0;
}

/*
 * The first byte of a UDP payload (the BOOTP op, the DHCPv6 msg-type) in *b;
 * false when the packet has none: a first fragment that carries only the
 * UDP header, which counts as a server's. Absent by the IP length too, since
 * Ethernet pads a short frame with bytes after it.
 */
static __always_inline bool udp_first_byte(void *data, void *data_end, const struct packet *p, __u32 l3, __u32 l4,
					   __u8 *b)
{
	__u8 *first = data + l4 + sizeof(struct udphdr);

	if ((void *)(first + 1) > data_end || l4 + sizeof(struct udphdr) >= ip_end(data, data_end, p, l3))
		return false;
	*b = *first;
	return true;
}

/*
 * The kind of server message a walked packet is, or 0 for any other packet.
 * By destination port, never source port: a client takes what reaches its
 * port whatever port it came from. A non-first fragment has no ports here.
 */
static __always_inline __u8 server_message_kind(void *data, void *data_end, const struct packet *p, __u32 l3,
						__u32 l4)
{
	__u8 first;

	if (p->proto == IPPROTO_UDP && p->family == JALUR_FAMILY_V4) {
		if (p->dport == bpf_htons(DHCP4_CLIENT_PORT))
			return JALUR_DHCP_V4;
		/* server -> relay agent */
		if (p->dport == bpf_htons(DHCP4_SERVER_PORT) &&
		    (!udp_first_byte(data, data_end, p, l3, l4, &first) || first == BOOTP_REPLY))
			return JALUR_DHCP_V4;
		return 0;
	}
	if (p->proto == IPPROTO_UDP && p->family == JALUR_FAMILY_V6) {
		if (p->dport == bpf_htons(DHCP6_CLIENT_PORT))
			return JALUR_DHCP_V6;
		/* server -> relay agent (RELAY-REPL), or what a relay would pass on */
		if (p->dport == bpf_htons(DHCP6_SERVER_PORT) &&
		    (!udp_first_byte(data, data_end, p, l3, l4, &first) || dhcp6_server_type(first)))
			return JALUR_DHCP_V6;
		return 0;
	}
	if (p->proto == IPPROTO_ICMPV6 && p->family == JALUR_FAMILY_V6 && p->icmp_type == ICMPV6_ROUTER_ADVERT)
		return JALUR_DHCP_RA;
	return 0;
}

/* A link-local source and hop limit 255: the only packets a host takes an
 * RA from (RFC 4861 6.1.2). */
static __always_inline bool possible_router(const struct ipv6hdr *ip6)
{
	return ip6->hop_limit == 255 && ip6->saddr.in6_u.u6_addr8[0] == 0xfe &&
	       (ip6->saddr.in6_u.u6_addr8[1] & 0xc0) == 0x80;
}

/*
 * RFC 7113: an IPv6 packet whose header chain cannot be walked to the end
 * of its upper-layer header may hide an RA, and, behind extension headers,
 * a UDP header to the DHCPv6 client port. Its IPv6 header is all there is
 * to judge it by: from a possible router it may be an RA; with extension
 * headers it may be DHCPv6 to a client at any of its addresses (a router
 * forwards a unicast back onto the LAN as well). Anything else has no
 * extension header to hide behind: its upper-layer header is simply cut,
 * and a host drops it.
 */
static __always_inline __u8 unwalked_kind(void *data, void *data_end, __u32 l3)
{
	struct ipv6hdr *ip6 = data + l3;

	if ((void *)(ip6 + 1) > data_end)
		return 0;
	if (possible_router(ip6))
		return JALUR_DHCP_RA_UNPARSED;
	return is_ipv6_ext(ip6->nexthdr) ? JALUR_DHCP_V6_UNPARSED : 0;
}

/*
 * What a parsed packet is to the inspection: a server message of some kind,
 * or 0 for everything else, which goes on without the port's lookup. An
 * IPv6 chain that ends past DHCP_MAX_L4_OFF or past pkt_len is marked
 * unwalked here, where only the guard pays for the check.
 */
static __always_inline __u8 dhcp_kind(void *data, void *data_end, __u32 pkt_len, int parsed, struct packet *p)
{
	__u32 l3 = p->l3_off, l4 = p->l4_off;

	if (l3 > DHCP_MAX_L3_OFF)
		return 0;
	barrier_var(l3);
	if (p->family == JALUR_FAMILY_V6) {
		if (!p->chain && l4 > DHCP_MAX_L4_OFF)
			p->chain = CHAIN_LENGTH;
		/* the last extension header ran past the packet (the walk checks
		 * each header's start only): before no next header or a later
		 * fragment, nothing else noticed */
		else if (!p->chain && l4 > pkt_len)
			p->chain = CHAIN_TRUNCATED;
		if (p->chain)
			return unwalked_kind(data, data_end, l3);
	}
	if ((parsed != PARSE_OK && parsed != PARSE_BCAST_MCAST) || l4 > DHCP_MAX_L4_OFF)
		return 0;
	barrier_var(l4);
	return server_message_kind(data, data_end, p, l3, l4);
}

static __always_inline bool dhcp_trusted(const struct jalur_dhcp_port *port, const struct jalur_dhcp_event *ev)
{
	struct jalur_mac_key mk = {};
	struct jalur_addr_key ak = {};

	if (port->trusted)
		return true;
	__builtin_memcpy(mk.addr, ev->server_mac, 6);
	if (bpf_map_lookup_elem(&dhcp_trusted_macs, &mk))
		return true;
	if (ev->kind == JALUR_DHCP_V4) {
		if (!ev->server_id)
			return false;
		ak.family = JALUR_FAMILY_V4;
		ak.addr[0] = ev->server_id;
	} else {
		ak.family = JALUR_FAMILY_V6;
		__builtin_memcpy(ak.addr, ev->src_addr, 16);
	}
	return bpf_map_lookup_elem(&dhcp_trusted_addrs, &ak) != NULL;
}

/* A fixed window: at most `limit` events per `interval` (0: unlimited). */
static __always_inline bool window_allows(struct jalur_dhcp_rate *r, __u64 now, __u64 interval, __u32 limit)
{
	if (!limit)
		return true;
	if (now - r->window_start_ns >= interval) {
		r->window_start_ns = now;
		r->events = 0;
	}
	if (__sync_fetch_and_add(&r->events, 1) < limit)
		return true;
	__sync_fetch_and_add(&r->suppressed, 1);
	return false;
}

static __always_inline bool rate_allows(const __u8 *mac, __u64 now)
{
	struct jalur_dhcp_rate fresh = { .window_start_ns = now };
	struct jalur_mac_key mk = {};
	struct jalur_dhcp_config *cfg;
	struct jalur_dhcp_rate *r;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&dhcp_config, &zero);
	if (!cfg)
		return true;
	__builtin_memcpy(mk.addr, mac, 6);
	r = bpf_map_lookup_elem(&dhcp_rate, &mk);
	if (!r) {
		bpf_map_update_elem(&dhcp_rate, &mk, &fresh, BPF_NOEXIST);
		r = bpf_map_lookup_elem(&dhcp_rate, &mk);
		if (!r)
			return false;
	}
	if (!window_allows(r, now, cfg->interval_ns, cfg->events_per_mac))
		return false;
	r = bpf_map_lookup_elem(&dhcp_rate_all, &zero);
	return r && window_allows(r, now, cfg->interval_ns, cfg->events_total);
}

/*
 * Inspects a server message on a port in dhcp_ports. Returns true when
 * guard mode drops it. kind: dhcp_kind()'s verdict; p: what parse_packet()
 * made of the packet; pkt_len: the whole packet (an skb's can run past
 * data_end); hw_vlan: a tag the stack took off the frame before the hook
 * (tc's skb->vlan_tci), reported when the frame itself carries none.
 */
static __always_inline bool dhcp_inspect_pkt(void *ctx, const bool skb, void *data, void *data_end, __u32 pkt_len,
					     __u32 ifindex, __u16 hw_vlan, const struct jalur_dhcp_port *port,
					     __u8 kind, const struct packet *p)
{
	struct jalur_dhcp_stats *st;
	struct jalur_dhcp_event ev = {};
	struct jalur_dhcp_event *out;
	struct ethhdr *eth = data;
	__u32 zero = 0, l4 = p->l4_off;

	/* dhcp_kind() gave a walked message's kind only within these bounds */
	if (kind != JALUR_DHCP_RA_UNPARSED && kind != JALUR_DHCP_V6_UNPARSED && l4 > DHCP_MAX_L4_OFF)
		return false;
	barrier_var(l4);
	if ((void *)(eth + 1) > data_end)
		return false;

	st = bpf_map_lookup_elem(&dhcp_stats, &zero);
	if (!st)
		return false;
	st->inspected++;

	ev.time_ns = bpf_ktime_get_ns();
	ev.ifindex = ifindex;
	ev.vlan = p->vlan ? p->vlan : hw_vlan;
	ev.kind = kind;
	__builtin_memcpy(ev.server_mac, eth->h_source, 6);
	__builtin_memcpy(ev.src_addr, p->saddr, 16);
	if (kind == JALUR_DHCP_V4) {
		struct udphdr *uh = data + l4;
		__u32 msg = l4 + sizeof(*uh), len;

		if ((void *)(uh + 1) > data_end)
			return false;
		len = bpf_ntohs(uh->len);
		len = len > sizeof(*uh) ? len - sizeof(*uh) : 0;
		if (msg + len > pkt_len) {
			len = pkt_len > msg ? pkt_len - msg : 0;
			ev.flags |= JALUR_DHCP_EV_MALFORMED;
		}
		read_dhcp4(ctx, skb, msg, len, &ev);
	} else if (kind == JALUR_DHCP_V6) {
		__u8 *m = data + l4 + sizeof(struct udphdr);

		if ((void *)(m + 4) <= data_end) {
			ev.msg_type = m[0];
			ev.xid = (__u32)m[1] << 16 | (__u32)m[2] << 8 | m[3];
		}
	} else if (kind == JALUR_DHCP_RA) {
		ev.msg_type = ICMPV6_ROUTER_ADVERT;
	} else if (p->chain == CHAIN_DEPTH) {
		ev.flags |= JALUR_DHCP_EV_CHAIN_DEPTH;
		st->chain_depth++;
	} else if (p->chain == CHAIN_LENGTH) {
		ev.flags |= JALUR_DHCP_EV_CHAIN_LENGTH;
		st->chain_length++;
	} else {
		ev.flags |= JALUR_DHCP_EV_CHAIN_TRUNCATED;
		st->chain_truncated++;
	}
	if (ev.flags & JALUR_DHCP_EV_MALFORMED)
		st->malformed++;

	if (dhcp_trusted(port, &ev)) {
		st->trusted++;
		return false;
	}
	if (port->mode == JALUR_DHCP_GUARD) {
		ev.flags |= JALUR_DHCP_EV_DROPPED;
		st->dropped++;
	}
	if (!rate_allows(ev.server_mac, ev.time_ns)) {
		st->suppressed++;
	} else if ((out = bpf_ringbuf_reserve(&dhcp_events, sizeof(*out), 0))) {
		*out = ev;
		bpf_ringbuf_submit(out, 0);
		st->events++;
	} else {
		st->ringbuf_full++;
	}
	return port->mode == JALUR_DHCP_GUARD;
}

static __noinline bool dhcp_inspect(struct xdp_md *ctx, const struct jalur_dhcp_port *port, __u8 kind,
				    const struct packet *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	return dhcp_inspect_pkt(ctx, false, data, data_end, data_end - data, ctx->ingress_ifindex, 0, port, kind, p);
}

static __noinline bool dhcp_inspect_skb(struct __sk_buff *skb, const struct jalur_dhcp_port *port, __u8 kind,
					const struct packet *p)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u16 hw_vlan = skb->vlan_present ? skb->vlan_tci & 0x0fff : 0;

	return dhcp_inspect_pkt(skb, true, data, data_end, skb->len, skb->ingress_ifindex, hw_vlan, port, kind, p);
}

/* The port of a server message, when it is inspected; NULL otherwise. */
static __always_inline const struct jalur_dhcp_port *inspected_port(__u32 ifindex)
{
	const struct jalur_dhcp_port *port = bpf_map_lookup_elem(&dhcp_ports, &ifindex);

	return port && port->mode != JALUR_DHCP_OFF ? port : NULL;
}

/*
 * A first look at a frame's linear header, for programs that see every
 * packet of a port (jalur_tc_port): false when dhcp_inspect_pkt() could not
 * report it, whatever its mode; true when it may (then the full parse and
 * the inspection decide). IPv4 that is not UDP to port 67 or 68, IPv6 TCP,
 * UDP not to 546 or 547 and ICMPv6 other than an RA leave here. What cannot
 * be told from the linear header (a tag still in the frame, IPv6 extension
 * headers, headers past data_end, a possible router's packet that RA guard
 * must see) goes on to the full parse.
 */
static __always_inline bool maybe_server_message(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return true;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);
		struct udphdr *uh;

		if ((void *)(iph + 1) > data_end)
			return true;
		if (iph->protocol != IPPROTO_UDP)
			return false;
		uh = (void *)iph + iph->ihl * 4;
		if ((void *)(uh + 1) > data_end)
			return true;
		return uh->dest == bpf_htons(DHCP4_CLIENT_PORT) || uh->dest == bpf_htons(DHCP4_SERVER_PORT);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return true;
		/* a possible router: RA guard judges all it sends (unwalked_kind) */
		if (possible_router(ip6))
			return true;
		if (ip6->nexthdr == IPPROTO_UDP) {
			struct udphdr *uh = (void *)(ip6 + 1);

			if ((void *)(uh + 1) > data_end)
				return true;
			return uh->dest == bpf_htons(DHCP6_CLIENT_PORT) || uh->dest == bpf_htons(DHCP6_SERVER_PORT);
		}
		if (ip6->nexthdr == IPPROTO_ICMPV6) {
			__u8 *type = (void *)(ip6 + 1);

			if ((void *)(type + 1) > data_end)
				return true;
			return *type == ICMPV6_ROUTER_ADVERT;
		}
		return is_ipv6_ext(ip6->nexthdr);
	}
	/* a tag left in the frame (the stack takes off only the outer one) */
	return eth->h_proto == bpf_htons(ETH_P_8021Q) || eth->h_proto == bpf_htons(ETH_P_8021AD);
}

#endif
