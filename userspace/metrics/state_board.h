// SPDX-License-Identifier: GPL-2.0-only
// What the agent knows that the maps don't (health states, probe results,
// the flow count, other subsystems' statistics), published for the HTTP
// endpoint's threads. The agent writes under the board's mutex from its
// event loop; a request copies the whole board out and renders the copy,
// so no handler ever touches the agent's own objects.
//
// Other subsystems add their own part with set_section(): a pair of
// renderers that must own what they render (capture a copy of the
// statistics by value, or a shared_ptr to atomics), never `this` of an
// object the event loop changes. See docs/operations.md.
#pragma once

#include "common/event_log.h"
#include "common/json.h"
#include "metrics/exposition.h"
#include "metrics/histogram.h"
#include "metrics/throughput_history.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace jalur::metrics {

using WallClock = std::chrono::system_clock;

// One WAN as the agent sees it: configuration and health.
struct WanView {
    std::string name, interface;
    std::optional<uint32_t> id; // its data path id, as the agent assigned it
    uint32_t tier = 1, weight = 1;
    std::string state = "up";      // health::state_name()
    WallClock::time_point since{}; // when it entered `state` (or the agent started)
    std::optional<double> loss_percent;     // over the health window, once full
    std::optional<double> mean_rtt_seconds; // likewise
    std::string last_failure;               // why the last failed round or carrier loss failed
    std::map<std::string, uint64_t> transitions; // into each state, since the agent started
    Histogram rtt{rtt_buckets()};                // each round's mean RTT of the answers
    uint64_t probes_sent = 0, probes_answered = 0;
    // the admin's say (jalur wan drain|disable|enable): "enabled", "drain", "disabled"
    std::string admin = "enabled";
    std::string admin_by, admin_reason;
    WallClock::time_point admin_since{};
    std::optional<WallClock::time_point> admin_until; // unset: until undone
    // flows the agent ended (issue 19), by cause ("wan_down", "failback")
    std::map<std::string, uint64_t> connections_reset;  // TCP: reset towards the LAN client
    std::map<std::string, uint64_t> conntrack_deleted;  // NAT entries deleted (UDP and the rest carry on)
};

// The flow table's population, counted off the scrape path.
struct FlowCount {
    uint64_t total = 0;
    std::map<uint32_t, uint64_t> by_wan_id;
    WallClock::time_point at{};
    double took_seconds = 0;
};

// A subsystem's part of /metrics and /status (the "notify" or "dhcp" key).
struct Section {
    std::function<void(Writer &)> metrics;     // its families; may be empty
    std::function<void(JsonWriter &)> status;  // one JSON value (an object); may be empty
    std::function<void(std::string &)> text = {}; // lines appended to `jalur status`; may be empty
};

struct Board {
    std::string config_file;
    size_t policies = 0, rules = 0;
    WallClock::time_point started_at{};
    WallClock::time_point loop_tick{}; // the event loop's heartbeat, for /healthz
    std::vector<WanView> wans;
    std::optional<FlowCount> flows;
    std::map<std::string, Section> sections;
    // the dashboard's: each has its own lock, so a copy of the board shares them
    std::shared_ptr<const ThroughputHistory> throughput;
    std::shared_ptr<const EventLog> events;

    WanView *wan(const std::string &name);
};

class StateBoard {
public:
    // Changes the board under its mutex: board.edit([&](Board &b) { ... }).
    template <typename F>
    void edit(F &&change)
    {
        std::lock_guard lock(mutex_);
        change(board_);
    }
    Board snapshot() const
    {
        std::lock_guard lock(mutex_);
        return board_;
    }
    void set_section(const std::string &name, Section s)
    {
        edit([&](Board &b) { b.sections[name] = std::move(s); });
    }
    void remove_section(const std::string &name)
    {
        edit([&](Board &b) { b.sections.erase(name); });
    }

private:
    mutable std::mutex mutex_;
    Board board_;
};

} // namespace jalur::metrics
