// SPDX-License-Identifier: GPL-2.0-only
// The passive signal: per WAN, TCP handshakes started (SYN out) and
// completed (SYN-ACK back), as the data path counts them. A WAN whose SYNs
// go unanswered while another WAN's handshakes complete is reported, so its
// probes can run at once. Pure: counts and time come from the caller.
#pragma once

#include "health/wan_health.h"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jalur::health {

struct HandshakeCounts {
    uint64_t syn_out = 0, synack_in = 0;
};

struct Stall {
    std::string wan;
    uint64_t syns = 0;          // SYNs sent and not answered
    Clock::duration for_{};     // how long none came back
};

// The passive signal's evidence against a WAN's upstream (issue 24).
struct Upstream {
    uint64_t syns = 0;   // unanswered through the WAN
    std::string witness; // a WAN whose handshakes complete cleanly meanwhile
};

class HandshakeWatch {
public:
    // A stall: at least `min_syns` unanswered for `grace` (longer than any
    // healthy handshake), while another WAN completed one within `recent`.
    // A WAN is reported again only after a SYN-ACK, or `quiet` later.
    struct Settings {
        uint64_t min_syns = 3;
        Clock::duration grace = std::chrono::milliseconds(300);
        Clock::duration recent = std::chrono::seconds(2);
        Clock::duration quiet = std::chrono::seconds(10);
    };
    HandshakeWatch() = default;
    explicit HandshakeWatch(Settings s) : s_(s) {}

    // A WAN changed state: what was seen before no longer counts.
    void forget(const std::string &wan) { wans_.erase(wan); }
    // The counters now, for every WAN watched; returns the WANs that stalled.
    std::vector<Stall> update(const std::map<std::string, HandshakeCounts> &now_counts, Clock::time_point now);
    // Evidence strong enough to take the WAN down, as of the last update:
    // it stalls (as above: no SYN-ACK, `min_syns` unanswered for `grace`)
    // and a witness WAN completed handshakes within `recent` and left at
    // most one in ten (one, with fewer than 20) unanswered over that time.
    // A destination that fails through every WAN leaves unanswered SYNs on
    // the others too, so none of them is a witness. The counts are per
    // WAN, not per destination: a dead destination reached through this
    // WAN alone looks the same.
    std::optional<Upstream> upstream(const std::string &wan, Clock::time_point now) const;

private:
    struct Wan {
        HandshakeCounts last;
        // SYNs minus SYN-ACKs just before the last sample that saw SYN-ACKs:
        // what the balance over that is, nothing has answered yet
        int64_t base = 0;
        std::optional<Clock::time_point> last_synack;   // when SYN-ACKs last came
        std::optional<Clock::time_point> stalled_since; // the balance rose over the base
        std::optional<Clock::time_point> reported;
        std::deque<std::pair<Clock::time_point, HandshakeCounts>> recent; // samples within `recent`
    };
    bool witness(const Wan &w, Clock::time_point now) const;
    Settings s_;
    std::map<std::string, Wan> wans_;
};

} // namespace jalur::health
