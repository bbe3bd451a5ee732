// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/dashboard_json.h"

#include "metrics/render.h"

#include <charconv>

namespace jalur::metrics {

namespace {

uint64_t query_number(const std::string &query, const std::string &key)
{
    size_t i = 0;
    while (i <= query.size()) {
        size_t end = std::min(query.find('&', i), query.size());
        std::string_view pair(query.data() + i, end - i);
        if (pair.size() > key.size() && pair.compare(0, key.size(), key) == 0 && pair[key.size()] == '=') {
            uint64_t v = 0;
            auto digits = pair.substr(key.size() + 1);
            auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            return ec == std::errc() && ptr == digits.data() + digits.size() ? v : 0;
        }
        i = end + 1;
    }
    return 0;
}

// Unix time in milliseconds, as an integer: a double written with 6
// significant digits (JsonWriter) would lose the seconds of today's times.
int64_t unix_ms(WallClock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

template <typename T>
void maybe(JsonWriter &j, const char *key, const std::optional<T> &v)
{
    j.key(key);
    if (v)
        j.value(*v);
    else
        j.null();
}

void rates(JsonWriter &j, const char *key, const std::vector<std::optional<double>> &v)
{
    j.key(key).begin_array();
    for (const auto &r : v) {
        if (r)
            j.value(*r);
        else
            j.null();
    }
    j.end_array();
}

void wan_card(JsonWriter &j, const WanStatus &w)
{
    j.begin_object()
        .field("name", w.name)
        .field("interface", w.interface)
        .field("datapath_state", wan_state_name(w.wan.state))
        .field("tier", w.tier)
        .field("weight", w.weight)
        .field("tx_bytes", w.stats.tx_bytes)
        .field("rx_bytes", w.stats.rx_bytes);
    maybe(j, "flows", w.active_flows);
    if (!w.agent) {
        // without the agent's board only the data path's view is known
        j.field("state", wan_state_name(w.wan.state)).field("admin", "enabled").field("cause", "");
        j.key("since").null().key("since_ms").null().key("rtt_ms").null().key("loss_percent").null();
        j.end_object();
        return;
    }
    const auto &a = *w.agent;
    std::optional<double> rtt_ms;
    if (a.mean_rtt_seconds)
        rtt_ms = *a.mean_rtt_seconds * 1000.0;
    j.field("state", a.state)
        .field("admin", a.admin)
        .field("since", rfc3339(a.since))
        .field("since_ms", unix_ms(a.since))
        .field("cause", a.last_failure);
    maybe(j, "rtt_ms", rtt_ms);
    maybe(j, "loss_percent", a.loss_percent);
    j.end_object();
}

void throughput(JsonWriter &j, const ThroughputHistory *h, uint64_t after)
{
    j.key("throughput").begin_object().field("interval_seconds", 1);
    auto win = h ? h->window(after) : ThroughputHistory::Window{};
    j.field("capacity", h ? h->capacity() : 0).field("first_seq", win.first_seq).field("last_seq", win.last_seq);
    j.key("at_ms").begin_array();
    for (auto t : win.at)
        j.value(unix_ms(t));
    j.end_array().key("wans").begin_object();
    for (const auto &[name, r] : win.wans) {
        j.key(name).begin_object();
        rates(j, "tx_bytes_per_second", r.tx);
        rates(j, "rx_bytes_per_second", r.rx);
        j.end_object();
    }
    j.end_object().end_object();
}

void events(JsonWriter &j, const EventLog *log, uint64_t after)
{
    j.key("events").begin_object().field("last_seq", log ? log->last_seq() : 0).key("items").begin_array();
    if (log)
        for (const auto &e : log->after(after, kDashboardEvents))
            write_event(j, e);
    j.end_array().end_object();
}

} // namespace

DashboardQuery parse_dashboard_query(const std::string &query)
{
    return {query_number(query, "after"), query_number(query, "events_after")};
}

std::string render_dashboard_json(const Status &s, const DashboardQuery &q, WallClock::time_point now)
{
    JsonWriter j;
    j.begin_object().field("now_ms", unix_ms(now)).key("agent");
    if (s.agent)
        j.begin_object()
            .field("config", s.agent->config_file)
            .field("started_at", rfc3339(s.agent->started_at))
            .field("version", JALUR_VERSION)
            .end_object();
    else
        j.null();
    j.key("wans").begin_array();
    for (const auto &w : s.wans)
        wan_card(j, w);
    j.end_array();
    j.key("flows").begin_object();
    maybe(j, "active", s.active_flows);
    j.field("capacity", s.flow_capacity).key("counted_at");
    if (s.counted)
        j.value(rfc3339(s.counted->at));
    else
        j.null();
    j.end_object();
    throughput(j, s.agent ? s.agent->throughput.get() : nullptr, q.after);
    events(j, s.agent ? s.agent->events.get() : nullptr, q.events_after);
    j.key("rogue_dhcp")
        .begin_object()
        .field("inspected", s.dhcp.inspected)
        .field("events", s.dhcp.events)
        .field("suppressed", s.dhcp.suppressed)
        .field("dropped", s.dhcp.dropped)
        .end_object();
    j.key("sections").begin_object();
    if (s.agent)
        for (const auto &[name, section] : s.agent->sections)
            if (section.status) {
                j.key(name);
                section.status(j);
            }
    j.end_object().end_object();
    return j.str() + "\n";
}

} // namespace jalur::metrics
