// SPDX-License-Identifier: GPL-2.0-only
// Probes every WAN in rounds on the agent's event loop and feeds each WAN's
// state machine; link events come in from the agent's netlink listener.
// A round never blocks: requests go out, answers are read as they come,
// and the round is judged when its timeout fires.
#pragma once

#include "common/event_loop.h"
#include "config/model.h"
#include "health/check.h"
#include "health/curl_multi.h"
#include "health/icmp_prober.h"
#include "health/wan_health.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jalur::health {

struct ProbeSpec {
    std::string wan; // name
    std::string ifname;
    uint32_t fwmark = 0;
    config::Health health;
    // For "gateway" and "gateway6" targets. A family the WAN has no gateway
    // for is not probed; one it has but does not know yet ("auto" before
    // the DHCP client's route) fails its rounds until set_gateways().
    std::optional<Prefix> gateway4, gateway6;
    bool has_gateway4 = false, has_gateway6 = false;
    State initial = State::Up;
};

using OnTransition = std::function<void(const std::string &wan, const Transition &)>;
// Every judged round, for statistics (RTT, loss): called on the event loop.
using OnRound = std::function<void(const std::string &wan, const Round &)>;
// The passive signal's evidence that a WAN's upstream is dead (its
// handshakes stall while another WAN's complete): the cause, or nullopt.
using UpstreamEvidence = std::function<std::optional<std::string>(const std::string &wan)>;
// Thrifty probing (health/thrift.h): whether a metered WAN that is up may
// skip its next regular round.
using SkipRound = std::function<bool(const std::string &wan)>;

// What a WAN's probes cost (health/thrift.h's probe_bytes), since start.
struct ProbeCost {
    uint64_t sent = 0, received = 0; // bytes
    uint64_t skipped = 0;            // rounds thrifty probing skipped
};

class Monitor {
public:
    Monitor(EventLoop &loop, OnTransition on_transition);
    Monitor(const Monitor &) = delete;
    ~Monitor();

    Result<void> add(const ProbeSpec &spec);
    Result<void> start();
    // The WAN's link: up when it has carrier and an address; `cause` says
    // what is missing when it is down.
    void link(const std::string &ifname, bool up, const std::string &cause);
    // The interface was recreated (a new ifindex) or is gone: sockets bound
    // to the old one are closed, and the next round binds to the new one.
    void interface_changed(const std::string &ifname);
    // Probe this WAN now, `down` rounds back to back with a timeout scaled
    // to its RTT: the data path saw its handshakes stall. The rounds count
    // as any others, so probes still decide.
    void burst(const std::string &wan, const std::string &why);
    // The WAN's gateways now (an "auto" gateway moved, or was learned): its
    // gateway targets follow, and its health carries on.
    void set_gateways(const std::string &wan, const std::optional<Prefix> &gateway4,
                      const std::optional<Prefix> &gateway6);
    const WanHealth *health(const std::string &wan) const;
    void on_round(OnRound observer) { on_round_ = std::move(observer); }
    // Consulted for a round that only the gateway answered (or that has no
    // target beyond the gateway): with evidence, the round fails with its
    // cause. A target beyond the gateway that answers still wins.
    void upstream_evidence(UpstreamEvidence evidence) { evidence_ = std::move(evidence); }
    void skip_round(SkipRound skip) { skip_ = std::move(skip); }
    const ProbeCost *cost(const std::string &wan) const;

private:
    struct Target {
        config::ProbeTarget spec;
        Prefix address;
        std::unique_ptr<Check> check; // null: an ICMP echo
        std::string name;             // "198.51.100.7", "tcp://198.51.100.7:443"
        bool known = true;            // false: a gateway not known yet, no address
        bool beyond = true;           // beyond the gateway: decides the round when there are any
    };
    struct Probe {
        ProbeSpec spec;
        std::vector<Target> targets;
        std::unique_ptr<IcmpProber> icmp4, icmp6;
        std::unique_ptr<WanHealth> health;
        int timer = -1;       // the rounds
        int judge_timer = -1; // the current round's timeout
        uint16_t seq = 0;
        uint16_t ident = 0; // ICMP echo identifier
        bool judged = true; // the current round's verdict is in
        Clock::time_point sent_at;
        std::vector<std::optional<Clock::duration>> answers; // per target, this round
        std::vector<std::string> failures;                   // per target, this round
        uint32_t burst_left = 0;                             // burst rounds still to start
        bool bursting = false;                               // until the burst's last round is judged
        ProbeCost cost;
        bool last_good = true; // the last judged round: thrift skips none after a failed one
    };
    Result<void> open_icmp(Probe &p, int family);
    static void point_at(Target &t, const std::optional<Prefix> &gateway);
    void start_round(Probe &p, std::chrono::milliseconds timeout);
    void judge(Probe &p, uint16_t seq);
    void judge_after(Probe &p, std::chrono::milliseconds delay);
    bool thrifty_skip(Probe &p);
    std::chrono::milliseconds burst_timeout(const Probe &p) const;

    EventLoop &loop_;
    OnTransition on_transition_;
    OnRound on_round_;
    UpstreamEvidence evidence_;
    SkipRound skip_;
    std::unique_ptr<CurlMulti> curl_; // made on the first http target
    std::map<std::string, Probe> probes_;
};

} // namespace jalur::health
