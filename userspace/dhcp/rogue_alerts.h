// SPDX-License-Identifier: GPL-2.0-only
// Aggregates rogue-DHCP events per server (by MAC), the way RouterOS's
// alert-timeout does: the first sighting is an alert at once, later ones
// are counted and summed up at most once per timeout. A budget bounds the
// alerts of all servers together per timeout: a flood of forged MACs would
// otherwise be hundreds of messages, queued behind Telegram's pacing for
// many minutes; past the budget, alerts fold into one at the window's end.
// Pure: time comes from the caller.
#pragma once

#include "dhcp/event_text.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace jalur::dhcp {

using Clock = std::chrono::steady_clock;

struct RogueAlert {
    Fields fields;        // of the latest event
    uint64_t count = 0;   // events this alert stands for
    uint64_t total = 0;   // events from this server since first seen
    bool first = false;   // the first sighting (else a summary)
    uint64_t servers = 1; // > 1: alerts of this many servers over the budget, folded into one
};

struct RogueServer {
    Fields last;
    uint64_t total = 0;
    uint64_t pending = 0; // seen since the last alert
    Clock::time_point first_seen, last_seen, last_alert;
};

class RogueAlerts {
public:
    explicit RogueAlerts(std::chrono::seconds timeout, size_t max_servers = 256, size_t max_alerts = 10)
        : timeout_(timeout), max_servers_(max_servers), max_alerts_(max_alerts) {}

    // The alert a first sighting is (and, when a window just ended, the
    // folded alert of the one before).
    std::vector<RogueAlert> on_event(const Fields &f, Clock::time_point now);
    // Summaries of servers seen again whose timeout has passed, and the
    // folded alert of a window that ended.
    std::vector<RogueAlert> due(Clock::time_point now);
    void set_timeout(std::chrono::seconds t) { timeout_ = t; }
    const std::map<std::string, RogueServer> &servers() const { return servers_; }

private:
    void roll(Clock::time_point now, std::vector<RogueAlert> &out); // a new budget window
    void spend(RogueAlert a, std::vector<RogueAlert> &out);          // out, or folded

    std::chrono::seconds timeout_;
    size_t max_servers_, max_alerts_;
    std::map<std::string, RogueServer> servers_; // by server MAC
    std::optional<Clock::time_point> window_start_;
    size_t spent_ = 0;                  // alerts out in this window
    std::optional<RogueAlert> folded_;  // over the budget: the latest, counts summed
    std::set<std::string> folded_servers_;
};

} // namespace jalur::dhcp
