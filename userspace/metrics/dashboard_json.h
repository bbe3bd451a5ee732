// SPDX-License-Identifier: GPL-2.0-only
// /api/dashboard: what the dashboard page draws, in one JSON answer it polls
// once a second. Incremental where it would otherwise repeat itself: the
// page passes the last throughput tick and the last event it holds
// (?after=N&events_after=M) and gets only what came since, so a poll stays
// small once the page holds the 15 minutes.
//
// Shape (every number's unit is in its key, or stated here):
// Times are Unix milliseconds (*_ms, integers) or RFC 3339 strings.
//   {"now_ms", "agent": {config, started_at, version} | null,
//    "wans": [{name, interface, state, datapath_state, admin, since, since_ms,
//              cause, rtt_ms, loss_percent, tier, weight, flows, tx_bytes, rx_bytes}],
//    "flows": {active, capacity, counted_at},
//    "throughput": {interval_seconds, capacity, first_seq, last_seq, at_ms: [],
//                   wans: {NAME: {tx_bytes_per_second: [], rx_bytes_per_second: []}}},
//    "events": {last_seq, items: [event_log.h's write_event]},
//    "rogue_dhcp": {inspected, events, suppressed, dropped},
//    "sections": {NAME: the section's /status value}}  (rogue_dhcp_servers, notify, ...)
#pragma once

#include "metrics/status_model.h"

#include <cstdint>
#include <string>

namespace jalur::metrics {

struct DashboardQuery {
    uint64_t after = 0;        // throughput ticks after this sequence number
    uint64_t events_after = 0; // events after this sequence number
};

// "after=12&events_after=3"; a key absent or not a number counts as 0.
DashboardQuery parse_dashboard_query(const std::string &query);

// At most this many events per answer (the newest): the page shows no more.
constexpr size_t kDashboardEvents = 200;

std::string render_dashboard_json(const Status &s, const DashboardQuery &q, WallClock::time_point now);

} // namespace jalur::metrics
