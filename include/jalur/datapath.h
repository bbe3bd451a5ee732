/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The contract between the BPF programs and the agent: every map key and
 * value, every constant both sides must agree on. Compiled by clang -target
 * bpf and by the C++ agent, so: fixed-width types only, explicit padding, no
 * pointers. The map names in bpf/maps.h are a user interface (bpftool shows
 * them), so changing a struct here is a map-layout change and the agent must
 * recreate the pin rather than reuse it.
 */
#ifndef JALUR_DATAPATH_H
#define JALUR_DATAPATH_H

#include <linux/types.h>

#define JALUR_MAX_WANS 16
#define JALUR_MAX_POLICIES 16
#define JALUR_MAX_RULES 64 /* one bit each in a __u64 match mask */
#define JALUR_RULE_SETS 2  /* double buffer: the agent fills the idle set, then flips */

/* Consistent-hash slot tables: 2^16 slots per policy, double buffered.
 * Packed 64 one-byte WAN ids per array element, because an array map rounds
 * every value up to 8 bytes and 64 Ki one-slot values would cost 8x more. */
#define JALUR_SLOT_BITS 16
#define JALUR_SLOTS (1u << JALUR_SLOT_BITS)
#define JALUR_SLOTS_PER_BLOCK 64
#define JALUR_BLOCKS_PER_TABLE (JALUR_SLOTS / JALUR_SLOTS_PER_BLOCK)
#define JALUR_SLOT_TABLES 2
#define JALUR_SLOT_BLOCKS (JALUR_MAX_POLICIES * JALUR_SLOT_TABLES * JALUR_BLOCKS_PER_TABLE)

#define JALUR_WAN_NONE 0xffu
#define JALUR_ACTION_BYPASS 0xffffu /* a rule's action: pass, never mark */

#define JALUR_DEFAULT_FLOWS 262144u
#define JALUR_DEFAULT_AFFINITY 65536u
#define JALUR_DEFAULT_INBOUND 65536u
#define JALUR_DEFAULT_LPM 16384u

/* XDP -> tc handoff in the packet's metadata area. */
#define JALUR_META_MAGIC 0x6a6c7231u /* "jlr1" */

struct jalur_xdp_meta {
	__u32 mark;  /* fwmark to set; 0: leave the packet unmarked */
	__u32 magic; /* JALUR_META_MAGIC: XDP has decided this packet */
};

enum jalur_wan_state {
	JALUR_WAN_DOWN = 0,
	JALUR_WAN_UP = 1,
	JALUR_WAN_DEGRADED = 2, /* still carries traffic; the agent lowers its weight */
	JALUR_WAN_LAST_RESORT = 3, /* down, but carries traffic: every WAN is down
				      and the configured last resort keeps it */
};

/* map "wans": array, WAN id -> this. */
struct jalur_wan {
	__u32 ifindex;
	__u32 fwmark;
	__u32 state;      /* enum jalur_wan_state */
	__u32 generation; /* bumped by the agent on every state change */
};

/* Which fields a policy's classifier hashes (RouterOS PCC names in config). */
enum jalur_field {
	JALUR_F_SRC_ADDR = 1u << 0,
	JALUR_F_DST_ADDR = 1u << 1,
	JALUR_F_SRC_PORT = 1u << 2,
	JALUR_F_DST_PORT = 1u << 3,
};

enum jalur_mode {
	JALUR_MODE_HASH = 0, /* slot = hash(fields) */
	JALUR_MODE_NTH = 1,  /* slot = per-policy counter: weighted round robin */
	/* by the members' load and latency (include/jalur/balance.h), not slots */
	JALUR_MODE_LEAST_LOADED = 2,   /* lowest load per capacity, just-assigned counted */
	JALUR_MODE_OVERFLOW = 3,       /* the first member in order under its threshold */
	JALUR_MODE_LOWEST_LATENCY = 4, /* lowest smoothed handshake RTT */
};

enum jalur_affinity_mode {
	JALUR_AFFINITY_NONE = 0,
	JALUR_AFFINITY_SRC = 1,     /* all connections of a client leave by one WAN */
	JALUR_AFFINITY_SRC_DST = 2, /* ... of a client to one server */
};

enum jalur_fallback {
	JALUR_FALLBACK_MAIN = 0, /* no live member: pass unmarked, the main table routes */
	JALUR_FALLBACK_DROP = 1, /* no live member: drop (unreachable) */
};

/* map "policies": array, policy id -> this. */
struct jalur_policy {
	__u32 fields;   /* enum jalur_field bits */
	__u32 mode;     /* enum jalur_mode */
	__u32 table;    /* live half of this policy's slot tables: 0 or 1 */
	__u32 live;     /* 0: no member is usable, apply fallback */
	__u32 fallback; /* enum jalur_fallback */
	__u32 affinity; /* enum jalur_affinity_mode */
	__u64 affinity_timeout_ns;
	__u64 nth_counter; /* advanced atomically by the data path */
};

/* map "slots": array of JALUR_SLOT_BLOCKS; see jalur_slot_block_index(). */
struct jalur_slot_block {
	__u8 wan[JALUR_SLOTS_PER_BLOCK];
};

static inline __u32 jalur_slot_block_index(__u32 policy, __u32 table, __u32 slot)
{
	return (policy * JALUR_SLOT_TABLES + table) * JALUR_BLOCKS_PER_TABLE +
	       slot / JALUR_SLOTS_PER_BLOCK;
}

/*
 * Key of the LPM tries "rule_src", "rule_dst" and "local_nets". The tag
 * keeps families (and, for rules, the two rule sets) apart in one trie; it
 * is always matched in full, so prefixlen = 32 + the address prefix length.
 */
struct jalur_lpm_key {
	__u32 prefixlen;
	__u32 tag; /* jalur_lpm_tag() */
	__u32 addr[4];
};

static inline __u32 jalur_lpm_tag(__u32 set, __u32 family)
{
	return (set << 8) | family;
}

#define JALUR_FAMILY_V4 4
#define JALUR_FAMILY_V6 6

/* map "rules": array, set * JALUR_MAX_RULES + index -> this. */
struct jalur_rule {
	__u32 action;  /* policy id, or JALUR_ACTION_BYPASS */
	__u32 ifindex; /* ingress interface; 0: any */
	__u16 dport_lo; /* host order, inclusive; 0..65535 for any */
	__u16 dport_hi;
	__u8 proto;    /* IPPROTO_*; 0: any */
	__u8 family;   /* JALUR_FAMILY_*; 0: any */
	__u8 pad[2];
};

struct jalur_rule_set {
	__u64 any_src; /* rules without a source list */
	__u64 any_dst; /* rules without a destination list */
	__u32 count;
	__u32 default_action; /* when no rule matches: policy id or bypass */
};

/* map "settings": array of one. */
struct jalur_settings {
	__u32 fwmark_mask;
	__u32 rule_set; /* live rule set: 0 or 1 */
	struct jalur_rule_set sets[JALUR_RULE_SETS];
};

/* map "flows": LRU hash. Addresses and ports in network order; IPv4 in [0]. */
struct jalur_flow_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u8 family;
	__u8 proto;
	__u16 pad;
};

enum jalur_flow_flags {
	JALUR_FLOW_MOVED = 1u << 0,    /* reassigned after its WAN went down */
	JALUR_FLOW_INBOUND = 1u << 1,  /* reply of a connection that came in by a WAN */
	JALUR_FLOW_AFFINITY = 1u << 2, /* WAN taken from the client's affinity */
	JALUR_FLOW_FRAGMENTS = 1u << 3, /* address-only entry for non-first fragments */
	JALUR_FLOW_ENDING = 1u << 4,    /* set by the agent: answer the client's TCP packets with a
					   reset (bpf/flow_reset.h); its WAN died or it must leave it */
	JALUR_FLOW_RESET_SENT = 1u << 5, /* ... and one was sent: the agent provokes no more */
	JALUR_FLOW_ACKED = 1u << 6,      /* TCP: the client sent an ACK, its handshake is done;
					    a half-open flow is moved by its SYN retry, never reset */
};

struct jalur_flow {
	__u64 created_ns;
	__u64 last_seen_ns; /* coarse clock, refreshed at most every JALUR_TOUCH_NS */
	__u32 wan;
	__u16 policy;
	__u16 flags; /* enum jalur_flow_flags */
};

#define JALUR_TOUCH_NS 1000000000ull

/* map "affinity": LRU hash. daddr is zero in JALUR_AFFINITY_SRC mode. */
struct jalur_affinity_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 policy;
	__u8 family;
	__u8 pad;
};

struct jalur_affinity {
	__u64 last_seen_ns;
	__u32 wan;
	__u32 pad;
};

/* map "inbound": LRU hash. A connection that came in by a WAN, keyed by its
 * remote end (address, port), so the LAN host's replies leave by that WAN. */
struct jalur_inbound_key {
	__u32 addr[4];
	__u16 port;
	__u8 family;
	__u8 proto;
};

struct jalur_inbound {
	__u64 last_seen_ns;
	__u32 wan;
	__u32 pad;
};

/* map "wan_stats": per-CPU array, WAN id -> this. */
struct jalur_wan_stats {
	__u64 tx_packets; /* LAN -> WAN, counted at LAN ingress, L2 bytes */
	__u64 tx_bytes;
	__u64 rx_packets; /* counted at WAN ingress, L2 bytes */
	__u64 rx_bytes;
	__u64 new_flows;
	__u64 moved_flows; /* flows reassigned to this WAN from a dead one */
	__u64 syn_out;     /* TCP handshakes started through this WAN */
	__u64 synack_in;   /* ... and answered */
};

/* map "reasons": per-CPU array, enum jalur_reason -> packet count. */
enum jalur_reason {
	JALUR_R_MARKED = 0,       /* given a WAN's mark */
	JALUR_R_NOT_IP,           /* ARP, LLDP, ... */
	JALUR_R_BCAST_MCAST,      /* link or IP broadcast/multicast */
	JALUR_R_LOCAL,            /* to the router itself or a connected/specific route */
	JALUR_R_BYPASS,           /* a bypass rule */
	JALUR_R_NO_POLICY,        /* no rule matched and no default policy */
	JALUR_R_NO_LIVE_WAN,      /* policy has no live member: passed unmarked */
	JALUR_R_DROP_NO_LIVE_WAN, /* ... and its fallback is drop */
	JALUR_R_PARSE_L2,         /* truncated or malformed Ethernet/VLAN */
	JALUR_R_PARSE_L3,         /* ... IPv4/IPv6 (incl. extension headers) */
	JALUR_R_PARSE_L4,         /* ... TCP/UDP/ICMP */
	JALUR_R_FRAG_NO_FLOW,     /* non-first fragment classified by addresses only */
	JALUR_R_TC_DECIDED,       /* no XDP metadata: tc made the decision itself */
	JALUR_R_WAN_RX,           /* counted at WAN ingress */
	JALUR_R_FLOW_RESET,       /* a packet of an ending TCP flow answered with a reset */
	JALUR_R_FLOW_ENDING_DROP, /* ... that cannot be answered (no ACK, a reset, IP options,
				     IPv6 extension headers): dropped, its WAN is gone */
	JALUR_R_MAX,
};

/*
 * Balancing by load and latency (the modes from JALUR_MODE_LEAST_LOADED on).
 * The agent measures and publishes; the data path decides once per new
 * connection (include/jalur/balance.h) and never on an established one.
 */
#define JALUR_LOAD_ONE 65536u /* fixed point: a WAN's whole capacity */
#define JALUR_RTT_UNKNOWN 0xffffffffu

/* map "members": array, jalur_members_index(policy, table) -> this: the
 * policy's active members (its best live tier) in config order, double
 * buffered with its slot table (struct jalur_policy.table). */
struct jalur_member {
	__u32 wan;
	__u32 weight;
	__u32 threshold; /* overflow: load (JALUR_LOAD_ONE = capacity) it fills up to */
	__u32 pad;
};

struct jalur_members {
	__u32 count;
	__u32 pad;
	struct jalur_member m[JALUR_MAX_WANS];
};

static inline __u32 jalur_members_index(__u32 policy, __u32 table)
{
	return policy * JALUR_SLOT_TABLES + (table & 1);
}

/* map "wan_load": array, WAN id -> this, written by the agent a few times a
 * second; the data path only reads it. */
struct jalur_wan_load {
	__u64 load;          /* measured throughput over capacity (the busier direction), JALUR_LOAD_ONE = full */
	__u64 step;          /* what one new connection is expected to add to load */
	__u64 assigned_base; /* wan_assigned already reflected in load: the rest were just assigned */
	__u32 rtt_us;        /* smoothed handshake RTT with hysteresis; JALUR_RTT_UNKNOWN */
	__u32 pad;
};

/* map "wan_assigned": array, WAN id -> new connections given this WAN (every
 * mode), added to atomically: a burst of new connections on many CPUs must
 * see each other at once. */

/* map "handshakes": LRU hash, a TCP SYN sent through a WAN, keyed by what its
 * SYN-ACK carries back before NAT is undone: the remote end and the local
 * port (masquerade keeps the port unless it clashes: then no sample). */
struct jalur_handshake_key {
	__u32 remote[4];
	__u16 remote_port;
	__u16 local_port;
	__u8 family;
	__u8 pad[3];
};

struct jalur_handshake {
	__u64 syn_ns;
	__u32 wan;
	__u32 pad;
};

#define JALUR_DEFAULT_HANDSHAKES 16384u

/* map "wan_rtt": per-CPU array, WAN id -> SYN to SYN-ACK times measured. */
struct jalur_wan_rtt {
	__u64 samples;
	__u64 sum_us;
};

#endif /* JALUR_DATAPATH_H */
