// SPDX-License-Identifier: GPL-2.0-only
// The measurements behind `least-loaded`, `overflow`, `lowest-latency`,
// `bandwidth: auto` and `weight: auto` (issue 25): four times a second the
// WANs' counters are read from the data path, turned into load and latency
// (balancer/load.h, latency.h, capacity.h) and written back to "wan_load",
// which the data path ranks members by for each new connection.
#pragma once

#include "balancer/capacity.h"
#include "balancer/latency.h"
#include "balancer/load.h"
#include "config/model.h"
#include "control/desired.h"
#include "control/plan.h"
#include "control/world.h"
#include "datapath/datapath.h"
#include "metrics/state_board.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace jalur::agent {

// Whether a mode ranks members by what is measured here (not by slots).
inline bool ranks_members(config::Mode m) { return m != config::Mode::Hash && m != config::Mode::Nth; }

class Balancing {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kTick{250};

    struct Learned {
        std::string wan;
        uint64_t down_kbit = 0, up_kbit = 0;
    };

    // Reads, measures and publishes; returns the learned capacities that
    // moved enough to tell the control core (weight: auto follows them).
    std::vector<Learned> tick(Clock::time_point now, const datapath::Datapath &dp, const config::Config &cfg,
                              const control::Ids &ids, const control::World &world);
    // A probe round's RTT: the latency while passive samples are scarce.
    void probe_rtt(const std::string &wan, Clock::time_point now, std::chrono::microseconds rtt);

    // /status and /metrics: per WAN capacity, throughput, utilisation and
    // handshake RTT; per policy in a load or latency mode its current choice.
    metrics::Section section(const config::Config &cfg, const control::Ids &ids,
                             const control::DatapathState *applied) const;

private:
    struct Wan {
        balancer::CapacityLearner down, up;
        uint64_t told_down = 0, told_up = 0; // what the core was last told
        Clock::time_point second_start{};
        uint64_t second_rx = 0, second_tx = 0;
        bool started = false;
        balancer::LatencySmoother latency;
        jalur_wan_rtt rtt_seen{};
    };
    std::map<std::string, Wan> wans_;
    balancer::LoadTracker tracker_;
    std::map<uint32_t, balancer::WanLoad> loads_;       // by WAN id, as last published
    std::map<uint32_t, jalur_wan_load> published_;     // by WAN id
    std::map<uint32_t, uint64_t> assigned_;            // by WAN id, as last read
};

} // namespace jalur::agent
