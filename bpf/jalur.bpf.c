// SPDX-License-Identifier: GPL-2.0-only
/*
 * jalur's data path. Control flow only; each concern has its header.
 *
 *   LAN ingress XDP: decide the WAN, hand the fwmark to tc in metadata;
 *                    inspect DHCP/RA (also on LAN bridge ports with native XDP)
 *   LAN ingress tc:  set skb->mark (XDP cannot), or decide itself without XDP
 *   both LAN hooks:  answer a client's packet of an ending TCP flow with a reset
 *   LAN port tc:     inspect DHCP/RA on bridge ports without native XDP
 *   WAN ingress tc:  rx counters, pin inbound connections to their WAN
 */
#include "balance.h"
#include "common.h"
#include "counters.h"
#include "decide.h"
#include "dhcp.h"
#include "flow_reset.h"
#include "flow_table.h"
#include "maps.h"
#include "parsing.h"

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int jalur_xdp_lan(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex;
	const struct jalur_dhcp_port *port;
	struct jalur_xdp_meta *meta;
	struct verdict v = {};
	struct packet p = {};
	void *data, *data_end;
	int parsed;
	__u8 kind;

	/* without room for metadata tc decides alone, so count nothing here */
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)))
		return XDP_PASS;
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if ((void *)(meta + 1) > data)
		return XDP_PASS;

	parsed = parse_packet(data, data_end, data_end - data, &p);
	/* the port is looked up for server messages only, not every packet */
	kind = dhcp_kind(data, data_end, data_end - data, parsed, &p);
	if (kind && (port = inspected_port(ifindex)) && dhcp_inspect(ctx, port, kind, &p))
		return XDP_DROP;
	decide_parsed(parsed, &p, data_end - data, ifindex, &v);
	if (v.action == VERDICT_RESET)
		return flow_reset_xdp(ctx, &p);
	meta->mark = v.mark;
	meta->magic = JALUR_META_MAGIC;
	return v.action == VERDICT_DROP ? XDP_DROP : XDP_PASS;
}

/* LAN bridge ports: rogue DHCP inspection only; the bridge's own XDP
 * program balances what the bridge hands up to the router. */
SEC("xdp")
int jalur_xdp_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct jalur_dhcp_port *port;
	struct packet p = {};
	int parsed;
	__u8 kind;

	parsed = parse_packet(data, data_end, data_end - data, &p);
	kind = dhcp_kind(data, data_end, data_end - data, parsed, &p);
	if (!kind || !(port = inspected_port(ctx->ingress_ifindex)))
		return XDP_PASS;
	return dhcp_inspect(ctx, port, kind, &p) ? XDP_DROP : XDP_PASS;
}

/* LAN bridge ports where XDP would run in generic mode (the agent's rule:
 * userspace/dhcp/rogue_watch.cpp): the same inspection as jalur_xdp_port,
 * from tc. Generic XDP builds an XDP view of every skb; here most packets
 * leave after a look at their linear header, GSO skbs as they are, and only
 * a possible server message is looked up, parsed and inspected. */
SEC("tc")
int jalur_tc_port(struct __sk_buff *skb)
{
	const struct jalur_dhcp_port *port;
	struct packet p = {};
	void *data, *data_end;
	int parsed;
	__u8 kind;

	if (!maybe_server_message((void *)(long)skb->data, (void *)(long)skb->data_end))
		return TC_ACT_OK;
	/* the parser reads headers in place: make all of the (rare, small)
	 * candidate linear, as generic XDP would; on failure parse what is */
	bpf_skb_pull_data(skb, skb->len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	parsed = parse_packet(data, data_end, skb->len, &p);
	kind = dhcp_kind(data, data_end, skb->len, parsed, &p);
	if (!kind || !(port = inspected_port(skb->ingress_ifindex)))
		return TC_ACT_OK;
	return dhcp_inspect_skb(skb, port, kind, &p) ? TC_ACT_SHOT : TC_ACT_OK;
}

static __always_inline void set_mark(struct __sk_buff *skb, __u32 mark)
{
	__u32 zero = 0;
	struct jalur_settings *cfg = bpf_map_lookup_elem(&settings, &zero);
	__u32 mask = cfg ? cfg->fwmark_mask : 0xffffffffu;

	skb->mark = (skb->mark & ~mask) | (mark & mask);
}

SEC("tc")
int jalur_tc_lan(struct __sk_buff *skb)
{
	struct jalur_xdp_meta *meta = (void *)(long)skb->data_meta;
	void *data = (void *)(long)skb->data;
	struct verdict v = {};
	struct packet p = {};
	int parsed;

	if ((void *)(meta + 1) <= data && meta->magic == JALUR_META_MAGIC) {
		if (meta->mark)
			set_mark(skb, meta->mark);
		return TC_ACT_OK;
	}

	count_reason(JALUR_R_TC_DECIDED);
	parsed = parse_packet(data, (void *)(long)skb->data_end, skb->len, &p);
	decide_parsed(parsed, &p, skb->len, skb->ingress_ifindex, &v);
	if (v.action == VERDICT_RESET)
		return flow_reset_tc(skb, &p);
	if (v.action == VERDICT_DROP)
		return TC_ACT_SHOT;
	if (v.action == VERDICT_MARK)
		set_mark(skb, v.mark);
	return TC_ACT_OK;
}

SEC("tc")
int jalur_tc_wan(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 ifindex = skb->ingress_ifindex;
	struct jalur_wan_stats *s;
	struct packet p = {};
	__u32 *wan;

	wan = bpf_map_lookup_elem(&wan_ifindex, &ifindex);
	if (!wan)
		return TC_ACT_OK;
	count_reason(JALUR_R_WAN_RX);
	s = wan_stats_of(*wan);
	if (s) {
		s->rx_packets++;
		s->rx_bytes += skb->len;
	}
	if (parse_packet(data, data_end, skb->len, &p) != PARSE_OK || p.proto != IPPROTO_TCP)
		return TC_ACT_OK;

	if ((p.tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK)) {
		if (s)
			s->synack_in++;
		handshake_answered(&p, *wan);
	} else if (p.tcp_flags & TCP_FLAG_SYN) {
		/* a connection opened from outside (a port forward): its LAN
		 * host's replies must leave by this WAN, whatever the balancer says */
		struct jalur_inbound_key k;
		struct jalur_inbound in = { .last_seen_ns = bpf_ktime_get_coarse_ns(), .wan = *wan };

		inbound_key_of_remote(&k, p.saddr, p.sport, &p);
		bpf_map_update_elem(&inbound, &k, &in, BPF_ANY);
	}
	return TC_ACT_OK;
}

/* `jalur why` (include/jalur/why.h): run by the agent with
 * BPF_PROG_TEST_RUN on [struct jalur_why][frame], never attached. The LAN
 * decision of decide.h, as a dry run, recorded in the struct. */
SEC("xdp")
int jalur_why(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct jalur_why *out = data;
	struct jalur_why w = {};
	struct verdict v = {};
	struct packet p = {};
	void *frame;
	int parsed;

	if ((void *)(out + 1) > data_end)
		return XDP_ABORTED;
	w.ifindex = out->ifindex;
	w.policy = JALUR_WHY_NONE;
	w.rule = JALUR_WHY_NONE;
	w.wan = JALUR_WAN_NONE;
	w.slot_wan = JALUR_WAN_NONE;
	w.inbound_wan = JALUR_WAN_NONE;
	frame = data + sizeof(*out);
	parsed = parse_packet(frame, data_end, data_end - frame, &p);
	decide_why(parsed, &p, data_end - frame, w.ifindex, &v, &w);
	w.magic = JALUR_WHY_MAGIC;
	w.action = v.action;
	w.mark = v.mark;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	out = data;
	if ((void *)(out + 1) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(out, &w, sizeof(w));
	return XDP_PASS;
}
