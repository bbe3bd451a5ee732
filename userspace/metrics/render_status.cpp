// SPDX-License-Identifier: GPL-2.0-only
// /status and `jalur status`: the per-WAN table from the maps, and, with
// the agent, each WAN's health (since when, RTT, loss, last failure).
#include "metrics/render.h"

#include <cstdio>
#include <ctime>

namespace jalur::metrics {

std::string rfc3339(WallClock::time_point t)
{
    std::time_t secs = WallClock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {

std::string ago(WallClock::time_point t)
{
    auto s = std::chrono::duration_cast<std::chrono::seconds>(WallClock::now() - t).count();
    if (s < 0)
        s = 0;
    char buf[32];
    if (s < 120)
        std::snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(s));
    else if (s < 7200)
        std::snprintf(buf, sizeof(buf), "%lldm%02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
    else
        std::snprintf(buf, sizeof(buf), "%lldh%02lldm", static_cast<long long>(s / 3600),
                      static_cast<long long>(s / 60 % 60));
    return buf;
}

// "admin: isp1 drained by root (uid 0) 5m02s ago, until 2026-...Z: reason"
std::string admin_line(const std::string &wan, const WanView &a)
{
    std::string out = "admin: " + wan + (a.admin == "drain" ? " drained" : " disabled") + " by " + a.admin_by + " " +
                      ago(a.admin_since) + " ago";
    out += a.admin_until ? ", until " + rfc3339(*a.admin_until) : ", until enabled";
    if (!a.admin_reason.empty())
        out += ": " + a.admin_reason;
    return out;
}

template <typename T>
void optional_field(JsonWriter &j, const char *key, const std::optional<T> &v)
{
    j.key(key);
    if (v)
        j.value(*v);
    else
        j.null();
}

void wan_json(JsonWriter &j, const WanStatus &w)
{
    j.begin_object()
        .field("name", w.name)
        .field("id", w.id)
        .field("interface", w.interface)
        .field("state", wan_state_name(w.wan.state))
        .field("tier", w.tier)
        .field("weight", w.weight)
        .field("fwmark", w.wan.fwmark)
        .field("tx_packets", w.stats.tx_packets)
        .field("tx_bytes", w.stats.tx_bytes)
        .field("rx_packets", w.stats.rx_packets)
        .field("rx_bytes", w.stats.rx_bytes)
        .field("new_flows", w.stats.new_flows)
        .field("moved_flows", w.stats.moved_flows);
    optional_field(j, "active_flows", w.active_flows);
    if (w.agent) {
        const auto &a = *w.agent;
        j.key("health").begin_object().field("state", a.state).field("since", rfc3339(a.since));
        std::optional<double> rtt_ms;
        if (a.mean_rtt_seconds)
            rtt_ms = *a.mean_rtt_seconds * 1000.0;
        optional_field(j, "mean_rtt_ms", rtt_ms);
        optional_field(j, "loss_percent", a.loss_percent);
        j.field("last_failure", a.last_failure).field("probes_sent", a.probes_sent).field("probes_answered",
                                                                                           a.probes_answered);
        j.key("transitions").begin_object();
        for (const auto &[to, n] : a.transitions)
            j.field(to, n);
        j.end_object().end_object();
        j.key("admin").begin_object().field("state", a.admin);
        if (a.admin != "enabled") {
            j.field("by", a.admin_by).field("reason", a.admin_reason).field("since", rfc3339(a.admin_since));
            j.key("until");
            if (a.admin_until)
                j.value(rfc3339(*a.admin_until));
            else
                j.null();
        }
        j.end_object();
        j.key("flows_ended").begin_object();
        for (const char *cause : {"wan_down", "failback"}) {
            auto n = [&](const std::map<std::string, uint64_t> &m) { return m.count(cause) ? m.at(cause) : 0; };
            j.key(cause)
                .begin_object()
                .field("connections_reset", n(a.connections_reset))
                .field("conntrack_deleted", n(a.conntrack_deleted))
                .end_object();
        }
        j.end_object();
    }
    j.end_object();
}

} // namespace

std::string render_status_json(const Status &s)
{
    JsonWriter j;
    j.begin_object().field("source", s.agent ? "agent" : "pins").key("wans").begin_array();
    for (const auto &w : s.wans)
        wan_json(j, w);
    j.end_array().field("flow_capacity", s.flow_capacity);
    optional_field(j, "active_flows", s.active_flows);
    j.key("flows_counted_at");
    if (s.counted)
        j.value(rfc3339(s.counted->at));
    else
        j.null();
    j.key("packets").begin_object();
    for (uint32_t r = 0; r < JALUR_R_MAX; r++)
        j.field(reason_name(r), s.reasons[r]);
    j.end_object();
    j.key("rogue_dhcp")
        .begin_object()
        .field("inspected", s.dhcp.inspected)
        .field("trusted", s.dhcp.trusted)
        .field("events", s.dhcp.events)
        .field("suppressed", s.dhcp.suppressed)
        .field("ringbuf_full", s.dhcp.ringbuf_full)
        .field("dropped", s.dhcp.dropped)
        .field("malformed", s.dhcp.malformed)
        .field("unparsed_depth", s.dhcp.chain_depth)
        .field("unparsed_length", s.dhcp.chain_length)
        .field("unparsed_truncated", s.dhcp.chain_truncated)
        .end_object();
    if (s.agent) {
        j.key("agent")
            .begin_object()
            .field("config", s.agent->config_file)
            .field("started_at", rfc3339(s.agent->started_at))
            .field("wans", s.agent->wans.size())
            .field("policies", s.agent->policies)
            .field("rules", s.agent->rules)
            .end_object();
        for (const auto &[name, section] : s.agent->sections)
            if (section.status) {
                j.key(name);
                section.status(j);
            }
    }
    j.end_object();
    return j.str() + "\n";
}

std::string render_status_text(const Status &s)
{
    std::string out;
    char line[512];
    std::snprintf(line, sizeof(line), "%-10s %-10s %-11s %4s %6s %8s %12s %14s %12s %14s %9s %7s\n", "WAN", "INTERFACE",
                  "STATE", "TIER", "WEIGHT", "FWMARK", "TX_PACKETS", "TX_BYTES", "RX_PACKETS", "RX_BYTES", "NEW_FLOWS",
                  "FLOWS");
    out += line;
    for (const auto &w : s.wans) {
        std::string flows = w.active_flows ? std::to_string(*w.active_flows) : "?";
        std::snprintf(line, sizeof(line), "%-10s %-10s %-11s %4u %6u %#8x %12llu %14llu %12llu %14llu %9llu %7s\n",
                      w.name.c_str(), w.interface.c_str(), wan_state_name(w.wan.state), w.tier, w.weight, w.wan.fwmark,
                      (unsigned long long)w.stats.tx_packets, (unsigned long long)w.stats.tx_bytes,
                      (unsigned long long)w.stats.rx_packets, (unsigned long long)w.stats.rx_bytes,
                      (unsigned long long)w.stats.new_flows, flows.c_str());
        out += line;
    }
    std::snprintf(line, sizeof(line), "flows: %s pinned of %u\n",
                  s.active_flows ? std::to_string(*s.active_flows).c_str() : "?", s.flow_capacity);
    out += line;
    const auto &d = s.dhcp;
    std::snprintf(line, sizeof(line),
                  "rogue DHCP: %llu server messages inspected, %llu trusted, %llu reported, %llu suppressed by the "
                  "rate limit, %llu lost (ring buffer full), %llu dropped (guard)\n",
                  (unsigned long long)d.inspected, (unsigned long long)d.trusted, (unsigned long long)d.events,
                  (unsigned long long)d.suppressed, (unsigned long long)d.ringbuf_full, (unsigned long long)d.dropped);
    out += line;
    if (!s.agent) {
        out += "health: the agent's endpoint is not reachable; states above are the data path's\n";
        return out;
    }
    out += "\n";
    std::snprintf(line, sizeof(line), "%-10s %-9s %-10s %-22s %9s %6s %5s %6s  %s\n", "WAN", "HEALTH", "FOR", "SINCE",
                  "RTT", "LOSS", "DOWNS", "RESETS", "LAST FAILURE");
    out += line;
    for (const auto &w : s.wans) {
        if (!w.agent)
            continue;
        const auto &a = *w.agent;
        char rtt[16] = "-", loss[16] = "-";
        if (a.mean_rtt_seconds)
            std::snprintf(rtt, sizeof(rtt), "%.1f ms", *a.mean_rtt_seconds * 1000.0);
        if (a.loss_percent)
            std::snprintf(loss, sizeof(loss), "%.0f%%", *a.loss_percent);
        auto downs = a.transitions.count("down") ? a.transitions.at("down") : 0;
        uint64_t resets = 0; // every cause: down and failback
        for (const auto &[cause, n] : a.connections_reset)
            resets += n;
        std::snprintf(line, sizeof(line), "%-10s %-9s %-10s %-22s %9s %6s %5llu %6llu  %s\n", w.name.c_str(),
                      a.state.c_str(), ago(a.since).c_str(), rfc3339(a.since).c_str(), rtt, loss,
                      (unsigned long long)downs, (unsigned long long)resets,
                      a.last_failure.empty() ? "-" : a.last_failure.c_str());
        out += line;
    }
    for (const auto &w : s.wans)
        if (w.agent && w.agent->admin != "enabled")
            out += admin_line(w.name, *w.agent) + "\n";
    for (const auto &[name, section] : s.agent->sections)
        if (section.text)
            section.text(out);
    return out;
}

} // namespace jalur::metrics
