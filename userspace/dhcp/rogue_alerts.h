// SPDX-License-Identifier: GPL-2.0-only
// Aggregates rogue-DHCP events per server (by MAC), the way RouterOS's
// alert-timeout does: the first sighting is an alert at once, later ones
// are counted and summed up at most once per timeout. Pure: time comes from
// the caller.
#pragma once

#include "dhcp/event_text.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jalur::dhcp {

using Clock = std::chrono::steady_clock;

struct RogueAlert {
    Fields fields;        // of the latest event
    uint64_t count = 0;   // events this alert stands for
    uint64_t total = 0;   // events from this server since first seen
    bool first = false;   // the first sighting (else a summary)
};

struct RogueServer {
    Fields last;
    uint64_t total = 0;
    uint64_t pending = 0; // seen since the last alert
    Clock::time_point first_seen, last_seen, last_alert;
};

class RogueAlerts {
public:
    explicit RogueAlerts(std::chrono::seconds timeout, size_t max_servers = 256)
        : timeout_(timeout), max_servers_(max_servers) {}

    std::optional<RogueAlert> on_event(const Fields &f, Clock::time_point now);
    // Summaries of servers seen again whose timeout has passed.
    std::vector<RogueAlert> due(Clock::time_point now);
    void set_timeout(std::chrono::seconds t) { timeout_ = t; }
    const std::map<std::string, RogueServer> &servers() const { return servers_; }

private:
    std::chrono::seconds timeout_;
    size_t max_servers_;
    std::map<std::string, RogueServer> servers_; // by server MAC
};

} // namespace jalur::dhcp
