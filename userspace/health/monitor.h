// SPDX-License-Identifier: GPL-2.0-only
// Probes every WAN in rounds on the agent's event loop and feeds each WAN's
// state machine; link events come in from the agent's netlink listener.
// A round never blocks: requests go out, replies are read as they come,
// and the round is judged when its timeout fires.
#pragma once

#include "agent/event_loop.h"
#include "health/icmp_prober.h"
#include "health/wan_health.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace jalur::health {

struct ProbeSpec {
    std::string wan; // name
    std::string ifname;
    uint32_t fwmark = 0;
    std::vector<in_addr> targets;
    uint32_t reliability = 1;
    Thresholds thresholds;
};

using OnTransition = std::function<void(const std::string &wan, const Transition &)>;
// Every judged round, for statistics (RTT, loss): called on the event loop.
using OnRound = std::function<void(const std::string &wan, const Round &)>;

class Monitor {
public:
    Monitor(agent::EventLoop &loop, std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
            OnTransition on_transition)
        : loop_(loop), interval_(interval), timeout_(timeout), on_transition_(std::move(on_transition))
    {
    }
    Monitor(const Monitor &) = delete;
    ~Monitor();

    Result<void> add(const ProbeSpec &spec);
    Result<void> start();
    void link(const std::string &ifname, bool up);
    const WanHealth *health(const std::string &wan) const;
    void on_round(OnRound observer) { on_round_ = std::move(observer); }

private:
    struct Probe {
        ProbeSpec spec;
        std::unique_ptr<IcmpProber> prober;
        std::unique_ptr<WanHealth> health;
        uint16_t seq = 0;
        bool judged = true; // the current round's verdict is in
        std::set<uint32_t> answered; // target addresses that answered this round
        Clock::time_point sent_at;
        Clock::duration rtt_sum{};
    };
    void round();
    void judge(Probe &p, uint16_t seq);

    agent::EventLoop &loop_;
    std::chrono::milliseconds interval_, timeout_;
    OnTransition on_transition_;
    OnRound on_round_;
    std::map<std::string, Probe> probes_;
    int timer_ = -1;
};

} // namespace jalur::health
