// SPDX-License-Identifier: GPL-2.0-only
#include "agent/board_sections.h"

#include "metrics/bounded_counts.h"
#include "metrics/render.h"

#include <vector>

namespace jalur::agent {

namespace {

struct ServerRow {
    std::string mac, ip, port, message;
    uint64_t total;
    metrics::WallClock::time_point first_seen, last_seen;
};

std::string field(const dhcp::Fields &f, const char *k)
{
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
}

} // namespace

metrics::Section rogue_servers_section(const dhcp::RogueAlerts &alerts, size_t max_series)
{
    // RogueAlerts keeps steady-clock times: shown as wall-clock times
    auto wall_now = metrics::WallClock::now();
    auto steady_now = dhcp::Clock::now();
    auto wall = [&](dhcp::Clock::time_point t) {
        return wall_now - std::chrono::duration_cast<metrics::WallClock::duration>(steady_now - t);
    };
    std::vector<ServerRow> rows;
    metrics::BoundedCounts counts(max_series, "other\tother");
    for (const auto &[mac, s] : alerts.servers()) {
        rows.push_back({mac, field(s.last, "server_ip"), field(s.last, "port"), field(s.last, "message"), s.total,
                        wall(s.first_seen), wall(s.last_seen)});
        counts.add(mac + "\t" + rows.back().port, s.total);
    }
    return metrics::Section{
        [c = counts.counts()](metrics::Writer &w) {
            w.family("jalur_dhcp_rogue_events_total", metrics::Type::Counter,
                     "Rogue DHCP server messages the agent received, by server MAC and port (a forgotten server's "
                     "count leaves with it).");
            for (const auto &[key, n] : c) {
                auto tab = key.find('\t');
                w.sample({{"server_mac", key.substr(0, tab)}, {"port", key.substr(tab + 1)}}, n);
            }
        },
        [rows = std::move(rows)](JsonWriter &j) {
            j.begin_object().key("servers").begin_array();
            for (const auto &r : rows)
                j.begin_object()
                    .field("server_mac", r.mac)
                    .field("server_ip", r.ip)
                    .field("port", r.port)
                    .field("last_message", r.message)
                    .field("events", r.total)
                    .field("first_seen", metrics::rfc3339(r.first_seen))
                    .field("last_seen", metrics::rfc3339(r.last_seen))
                    .end_object();
            j.end_array().end_object();
        }};
}

metrics::Section notify_section(const notify::Stats &s)
{
    return metrics::Section{
        [s](metrics::Writer &w) {
            w.family("jalur_notifications_sent_total", metrics::Type::Counter, "Alerts delivered (the API said ok).");
            w.sample({{"sink", "telegram"}}, s.sent);
            w.family("jalur_notifications_failed_total", metrics::Type::Counter,
                     "Delivery attempts that failed (network, 4xx, 5xx).");
            w.sample({{"sink", "telegram"}}, s.failed);
            w.family("jalur_notifications_dropped_total", metrics::Type::Counter,
                     "Alerts dropped because the queue was full (the oldest are kept), or because more than 1000 were held "
                     "in memory while the spool could not be written.");
            w.sample({{"sink", "telegram"}}, s.dropped);
            w.family("jalur_notifications_queued", metrics::Type::Gauge, "Alerts waiting in the spool.");
            w.sample({}, s.queued);
            w.family("jalur_notifications_unspooled", metrics::Type::Gauge,
                     "Waiting alerts held in memory only: the spool could not be written (a full disk).");
            w.sample({}, s.unspooled);
            w.family("jalur_notifications_oldest_age_seconds", metrics::Type::Gauge,
                     "How long the oldest waiting alert has waited (0: none waits).");
            w.sample({}, s.oldest_age_seconds);
            w.family("jalur_notifications_last_success_timestamp_seconds", metrics::Type::Gauge,
                     "When an alert was last delivered, Unix time (0: none since start).");
            w.sample({}, s.last_success_unix);
        },
        [s](JsonWriter &j) {
            j.begin_object()
                .field("queued", s.queued)
                .field("oldest_age_seconds", s.oldest_age_seconds)
                .field("last_success_unix", s.last_success_unix)
                .field("sent", s.sent)
                .field("failed", s.failed)
                .field("dropped", s.dropped)
                .field("unspooled", s.unspooled)
                .end_object();
        }};
}

} // namespace jalur::agent
