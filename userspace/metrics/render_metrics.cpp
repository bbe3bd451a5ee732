// SPDX-License-Identifier: GPL-2.0-only
// Every family jalur exports. Names follow Prometheus's conventions: the
// jalur_ prefix, counters ending in _total, base units (_seconds, _bytes,
// _ratio), one label per dimension; the table is in docs/operations.md.
#include "metrics/render.h"

#include <chrono>
#include <cstdio>
#include <tuple>

namespace jalur::metrics {

namespace {

double unix_seconds(WallClock::time_point t)
{
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

using StatsField = __u64 jalur_wan_stats::*;

struct CounterFamily {
    const char *name;
    StatsField field;
    const char *help;
};

constexpr CounterFamily kWanCounters[] = {
    {"jalur_wan_tx_packets_total", &jalur_wan_stats::tx_packets,
     "Packets from the LAN classified to this WAN (counted at LAN ingress)."},
    {"jalur_wan_tx_bytes_total", &jalur_wan_stats::tx_bytes,
     "Bytes of those packets, Ethernet header included (counted at LAN ingress)."},
    {"jalur_wan_rx_packets_total", &jalur_wan_stats::rx_packets, "Packets arriving on this WAN (WAN ingress)."},
    {"jalur_wan_rx_bytes_total", &jalur_wan_stats::rx_bytes,
     "Bytes arriving on this WAN, Ethernet header included (WAN ingress)."},
    {"jalur_wan_new_flows_total", &jalur_wan_stats::new_flows, "Connections assigned to this WAN."},
    {"jalur_wan_moved_flows_total", &jalur_wan_stats::moved_flows,
     "Connections moved to this WAN because their WAN went down."},
    {"jalur_wan_tcp_syn_sent_total", &jalur_wan_stats::syn_out, "TCP handshakes started through this WAN (not the SYN retries of connections moved to it)."},
    {"jalur_wan_tcp_synack_received_total", &jalur_wan_stats::synack_in,
     "TCP handshakes answered (SYN-ACK) through this WAN."},
};

// Counted in the data path: every untrusted message is exactly one of
// reported, suppressed or lost to a full ring buffer.
void dhcp_families(const jalur_dhcp_stats &d, Writer &w)
{
    w.family("jalur_dhcp_server_messages_total", Type::Counter,
             "DHCP/DHCPv6 server messages and router advertisements seen on inspected LAN ports, by verdict.");
    w.sample({{"verdict", "trusted"}}, d.trusted);
    w.sample({{"verdict", "untrusted"}}, d.inspected - d.trusted);
    w.family("jalur_dhcp_rogue_reported_total", Type::Counter,
             "Untrusted server messages reported to the agent through the ring buffer.");
    w.sample({}, d.events);
    w.family("jalur_dhcp_events_suppressed_total", Type::Counter,
             "Untrusted server messages not reported because of the rate limit.");
    w.sample({{"reason", "rate_limit"}}, d.suppressed);
    w.family("jalur_events_ring_dropped_total", Type::Counter,
             "Events lost because the ring buffer was full (the agent was not reading).");
    w.sample({{"ring", "dhcp_events"}}, d.ringbuf_full);
    w.family("jalur_dhcp_dropped_total", Type::Counter, "Rogue server messages dropped in guard mode.");
    w.sample({}, d.dropped);
    w.family("jalur_dhcp_malformed_total", Type::Counter,
             "Server messages whose options ran past the message (still judged by their source).");
    w.sample({}, d.malformed);
    w.family("jalur_dhcp_unparsed_total", Type::Counter,
             "IPv6 packets that may carry a router advertisement or a DHCPv6 answer but whose extension-header "
             "chain could not be walked (judged as rogue), by why.");
    w.sample({{"reason", "depth"}}, d.chain_depth);
    w.sample({{"reason", "length"}}, d.chain_length);
    w.sample({{"reason", "truncated"}}, d.chain_truncated);
}

void wan_families(const Status &s, Writer &w)
{
    w.family("jalur_wan_info", Type::Gauge, "A configured WAN: its interface and fwmark; always 1.");
    for (const auto &v : s.wans) {
        char mark[16];
        std::snprintf(mark, sizeof(mark), "%#x", v.wan.fwmark);
        w.sample({{"wan", v.name}, {"interface", v.interface}, {"fwmark", mark}}, 1);
    }
    w.family("jalur_wan_up", Type::Gauge,
             "1 when the WAN is up or degraded, 0 when down (also while it carries traffic as the last resort).");
    for (const auto &v : s.wans)
        w.sample({{"wan", v.name}}, v.wan.state == JALUR_WAN_UP || v.wan.state == JALUR_WAN_DEGRADED ? 1 : 0);
    w.family("jalur_wan_state", Type::Gauge, "The WAN's state in the data path: 1 for its current state, 0 for the others.");
    for (const auto &v : s.wans)
        for (uint32_t st : {JALUR_WAN_UP, JALUR_WAN_DEGRADED, JALUR_WAN_DOWN, JALUR_WAN_LAST_RESORT})
            w.sample({{"wan", v.name}, {"state", wan_state_name(st)}}, v.wan.state == st ? 1 : 0);
    w.family("jalur_wan_tier", Type::Gauge, "The WAN's configured tier (failover order, 1 first).");
    for (const auto &v : s.wans)
        w.sample({{"wan", v.name}}, v.tier);
    w.family("jalur_wan_weight", Type::Gauge, "The WAN's configured weight.");
    for (const auto &v : s.wans)
        w.sample({{"wan", v.name}}, v.weight);
    for (const auto &c : kWanCounters) {
        w.family(c.name, Type::Counter, c.help);
        for (const auto &v : s.wans)
            w.sample({{"wan", v.name}}, v.stats.*c.field);
    }
    if (s.active_flows) {
        w.family("jalur_wan_active_flows", Type::Gauge,
                 "Flows pinned to this WAN in the flow table, as of jalur_flows_counted_timestamp_seconds.");
        for (const auto &v : s.wans)
            w.sample({{"wan", v.name}}, v.active_flows.value_or(0));
    }
}

void health_families(const Status &s, Writer &w)
{
    w.family("jalur_wan_state_since_timestamp_seconds", Type::Gauge,
             "When the WAN entered its current health state (Unix time).");
    for (const auto &v : s.wans)
        if (v.agent)
            w.sample({{"wan", v.name}}, unix_seconds(v.agent->since));
    w.family("jalur_wan_transitions_total", Type::Counter, "Health state changes into each state since the agent started.");
    for (const auto &v : s.wans)
        if (v.agent)
            for (const char *to : {"up", "degraded", "down"}) {
                auto it = v.agent->transitions.find(to);
                w.sample({{"wan", v.name}, {"to", to}}, it == v.agent->transitions.end() ? 0 : it->second);
            }
    w.family("jalur_wan_admin_state", Type::Gauge,
             "The admin's state of the WAN (jalur wan drain|disable|enable): 1 for the current one, 0 for the others.");
    for (const auto &v : s.wans)
        if (v.agent)
            for (const char *st : {"enabled", "drain", "disabled"})
                w.sample({{"wan", v.name}, {"state", st}}, v.agent->admin == st ? 1 : 0);
    using Counts = std::map<std::string, uint64_t> WanView::*;
    for (auto [name, field, help] : {
             std::tuple<const char *, Counts, const char *>{
                 "jalur_wan_connections_reset_total", &WanView::connections_reset,
                 "TCP connections of this WAN reset towards their LAN client, by cause (wan_down, failback)."},
             {"jalur_wan_conntrack_deleted_total", &WanView::conntrack_deleted,
              "Conntrack entries of this WAN's flows deleted so they take a fresh NAT, by cause."},
         }) {
        w.family(name, Type::Counter, help);
        for (const auto &v : s.wans)
            if (v.agent)
                for (const char *cause : {"wan_down", "failback"}) {
                    auto it = ((*v.agent).*field).find(cause);
                    w.sample({{"wan", v.name}, {"cause", cause}}, it == ((*v.agent).*field).end() ? 0 : it->second);
                }
    }
    w.family("jalur_probe_rtt_seconds", Type::Histogram,
             "Round-trip time of health probes: each round's mean over the targets that answered.");
    for (const auto &v : s.wans)
        if (v.agent)
            w.histogram({{"wan", v.name}}, v.agent->rtt);
    w.family("jalur_probes_sent_total", Type::Counter, "Health probes sent through the WAN.");
    for (const auto &v : s.wans)
        if (v.agent)
            w.sample({{"wan", v.name}}, v.agent->probes_sent);
    w.family("jalur_probes_answered_total", Type::Counter, "Health probes answered through the WAN.");
    for (const auto &v : s.wans)
        if (v.agent)
            w.sample({{"wan", v.name}}, v.agent->probes_answered);
    w.family("jalur_probe_loss_ratio", Type::Gauge,
             "Share of probes lost over the health window (0..1); absent until the window is full.");
    for (const auto &v : s.wans)
        if (v.agent && v.agent->loss_percent)
            w.sample({{"wan", v.name}}, *v.agent->loss_percent / 100.0);
}

} // namespace

void render_metrics(const Status &s, Writer &w)
{
    w.family("jalur_build_info", Type::Gauge, "The running jalur's version; always 1.");
    w.sample({{"version", JALUR_VERSION}}, 1);
    if (s.agent) {
        w.family("jalur_agent_start_time_seconds", Type::Gauge, "When the agent started (Unix time).");
        w.sample({}, unix_seconds(s.agent->started_at));
        w.family("jalur_agent_heartbeat_timestamp_seconds", Type::Gauge,
                 "The agent's event loop's last heartbeat (Unix time; it beats every second).");
        w.sample({}, unix_seconds(s.agent->loop_tick));
    }
    wan_families(s, w);
    if (s.agent)
        health_families(s, w);

    w.family("jalur_flow_table_capacity", Type::Gauge, "Entries the flow table holds before it evicts the least recently used.");
    w.sample({}, s.flow_capacity);
    if (s.counted) {
        w.family("jalur_flows_active", Type::Gauge, "Flows in the flow table, as of jalur_flows_counted_timestamp_seconds.");
        w.sample({}, s.counted->total);
        w.family("jalur_flows_counted_timestamp_seconds", Type::Gauge, "When the flow table was last counted (Unix time).");
        w.sample({}, unix_seconds(s.counted->at));
        w.family("jalur_flow_count_duration_seconds", Type::Gauge, "How long the last count of the flow table took.");
        w.sample({}, s.counted->took_seconds);
    }
    w.family("jalur_datapath_packets_total", Type::Counter,
             "LAN packets by what the data path did with them: marked for a WAN, passed (local, bypass, no live "
             "WAN, not IP), dropped, or malformed (parse_l2/l3/l4); wan_rx counts WAN ingress.");
    for (uint32_t r = 0; r < JALUR_R_MAX; r++)
        w.sample({{"reason", reason_name(r)}}, s.reasons[r]);

    dhcp_families(s.dhcp, w);

    if (s.agent)
        for (const auto &[name, section] : s.agent->sections)
            if (section.metrics)
                section.metrics(w);
}

} // namespace jalur::metrics
