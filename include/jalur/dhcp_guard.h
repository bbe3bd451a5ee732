/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Rogue DHCP detection: the maps and the ring-buffer event shared by
 * bpf/dhcp.h and the agent. Same rules as datapath.h: fixed-width types,
 * explicit padding, a struct change is a map-layout change.
 */
#ifndef JALUR_DHCP_GUARD_H
#define JALUR_DHCP_GUARD_H

#include <linux/types.h>

/* DHCP payloads are copied to a per-CPU buffer before their options are
 * walked: every read is then an index masked to the buffer, which the
 * verifier accepts, and an option that runs past the copied length is
 * rejected by comparison, never read. 2048 holds any message a 1500-byte
 * MTU can carry. */
#define JALUR_DHCP_BUF 2048u

enum jalur_dhcp_port_mode {
	JALUR_DHCP_OFF = 0,   /* not inspected (absent from the map: the same) */
	JALUR_DHCP_ALERT = 1, /* pass and report */
	JALUR_DHCP_GUARD = 2, /* drop and report */
};

/* map "dhcp_ports": hash, ifindex -> this. The interfaces the agent
 * inspects: a LAN interface, or each port of a LAN bridge. */
struct jalur_dhcp_port {
	__u32 mode;    /* enum jalur_dhcp_port_mode */
	__u32 trusted; /* 1: a trusted port (the router's uplink to a known server) */
};

/* map "dhcp_trusted_macs": hash, this -> 1. */
struct jalur_mac_key {
	__u8 addr[6];
	__u8 pad[2];
};

/* map "dhcp_trusted_addrs": hash, this -> 1. IPv4: the DHCP server
 * identifier (option 54); IPv6: the server's (link-local) source address. */
struct jalur_addr_key {
	__u32 addr[4];
	__u32 family; /* JALUR_FAMILY_V4 / V6 */
};

/* map "dhcp_config": array of one. */
struct jalur_dhcp_config {
	__u32 events_per_mac; /* per source MAC and interval; 0: no limit */
	__u32 events_total;   /* all MACs together per interval; 0: no limit */
	__u64 interval_ns;
};

/* map "dhcp_rate": LRU hash, source MAC -> this. */
struct jalur_dhcp_rate {
	__u64 window_start_ns;
	__u64 events;     /* in the current window */
	__u64 suppressed; /* since the entry was created */
};

enum jalur_dhcp_kind {
	JALUR_DHCP_V4 = 1, /* DHCPv4 server message (UDP to 68, or a BOOTREPLY to a relay on 67) */
	JALUR_DHCP_V6 = 2, /* DHCPv6 server message (UDP to 546, or a RELAY-REPL... to 547) */
	JALUR_DHCP_RA = 3, /* ICMPv6 router advertisement */
	JALUR_DHCP_RA_UNPARSED = 4, /* IPv6 from a possible router whose header chain cannot be walked */
	JALUR_DHCP_V6_UNPARSED = 5, /* other IPv6 with extension headers that cannot be walked:
				       its UDP port, maybe 546, is hidden */
};

enum jalur_dhcp_event_flags {
	JALUR_DHCP_EV_DROPPED = 1u << 0,   /* guard mode: the packet was dropped */
	JALUR_DHCP_EV_MALFORMED = 1u << 1, /* an option ran past the message; parsed up to it */
	JALUR_DHCP_EV_NO_END = 1u << 2,    /* the options ended without the end option */
	JALUR_DHCP_EV_OVERLOAD = 1u << 3,  /* option 52: options were also read from sname/file */
	JALUR_DHCP_EV_NO_COOKIE = 1u << 4, /* BOOTP without the DHCP magic cookie */
	/* *_UNPARSED: why the header chain was not walked to the end */
	JALUR_DHCP_EV_CHAIN_DEPTH = 1u << 5,     /* more extension headers than the walk takes (6) */
	JALUR_DHCP_EV_CHAIN_LENGTH = 1u << 6,    /* the upper-layer header past 64 KiB */
	JALUR_DHCP_EV_CHAIN_TRUNCATED = 1u << 7, /* a header cut by the frame's end or a fragment's */
};

/* ring buffer "dhcp_events": one per untrusted server message that passed
 * the rate limit. Addresses in network order. */
struct jalur_dhcp_event {
	__u64 time_ns; /* bpf_ktime_get_ns() */
	__u32 ifindex; /* the port it came in on */
	__u32 flags;   /* enum jalur_dhcp_event_flags */
	__u32 src_addr[4]; /* IP source; IPv4 in [0] */
	__u32 server_id;   /* DHCPv4 option 54 */
	__u32 giaddr;      /* DHCPv4 relay address */
	__u32 yiaddr;      /* DHCPv4 offered address */
	__u32 xid;         /* DHCPv4 transaction id; DHCPv6: 24 bits */
	__u16 vlan;        /* innermost tag; 0: untagged */
	__u8 kind;         /* enum jalur_dhcp_kind */
	__u8 msg_type;     /* DHCPv4 option 53, DHCPv6 msg-type, ICMPv6 type */
	__u8 server_mac[6];
	__u8 client_mac[6]; /* DHCPv4 chaddr */
};

/* map "dhcp_stats": per-CPU array of one. Every untrusted server message
 * ends as exactly one of events, suppressed or ringbuf_full; every
 * *_UNPARSED one inspected counts in exactly one chain_* reason. */
struct jalur_dhcp_stats {
	__u64 inspected;    /* server messages seen on inspected ports */
	__u64 trusted;      /* ... from a trusted port, MAC or server */
	__u64 events;       /* untrusted: reported */
	__u64 suppressed;   /* untrusted: over the rate limit */
	__u64 ringbuf_full; /* untrusted: the ring buffer had no room */
	__u64 dropped;      /* guard mode drops */
	__u64 malformed;    /* options that ran past the message */
	__u64 chain_depth;     /* *_UNPARSED inspected: too many extension headers */
	__u64 chain_length;    /* ... the upper-layer header past 64 KiB */
	__u64 chain_truncated; /* ... a header cut short */
};

#endif /* JALUR_DHCP_GUARD_H */
