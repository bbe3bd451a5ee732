// SPDX-License-Identifier: GPL-2.0-only
// One WAN's health: probe rounds and link events in, state transitions out,
// with hysteresis. Pure: time comes from the caller, so tests need no sleeps.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace jalur::health {

using Clock = std::chrono::steady_clock;

enum class State { Up, Degraded, Down };

const char *state_name(State s);

struct Thresholds {
    uint32_t down_after = 3; // consecutive failed rounds
    uint32_t up_after = 3;   // consecutive good rounds (also after the link returns)
    // Degraded: over a full window of rounds, the share of probes lost or
    // the mean round-trip time above these (0: not judged). Back to up once
    // both are below for a full window.
    uint32_t window = 10;
    uint32_t loss_percent = 0;
    std::chrono::milliseconds latency{0};
};

// One probe round as the prober saw it.
struct Round {
    uint32_t sent = 0;
    uint32_t answered = 0;
    bool good = false;                 // answered >= reliability
    std::chrono::microseconds rtt{0};  // mean of the answers
    std::string why;                   // what failed, when !good
    bool passive = false;              // failed by the passive signal: `why` is the whole cause
};

struct Transition {
    State from, to;
    std::string cause;
    Clock::duration was_down{}; // for Down -> Up: how long the WAN was down
};

class WanHealth {
public:
    // `initial`: what a reload carries over from the WAN's previous probes
    WanHealth(Thresholds t, Clock::time_point now, State initial = State::Up)
        : t_(t), state_(initial), since_(now)
    {
    }

    // A probe round: good when enough targets answered (the caller applies
    // `reliability`); `why` says what failed, for the log and the alert.
    std::optional<Transition> on_round(bool good, const std::string &why, Clock::time_point now,
                                       bool passive = false);
    std::optional<Transition> on_round(const Round &r, Clock::time_point now);
    // Over the current window; nullopt until the window is full.
    std::optional<double> loss_percent() const;
    std::optional<std::chrono::microseconds> mean_rtt() const;
    // Carrier (or the WAN's address) lost: down at once, no waiting for
    // probes; `cause` says which. Back: probes must then pass `up_after`
    // rounds.
    std::optional<Transition> on_link(bool up, Clock::time_point now, const std::string &cause = "carrier lost");

    State state() const { return state_; }
    Clock::time_point since() const { return since_; }
    const std::string &last_failure() const { return last_failure_; }
    bool link_up() const { return link_up_; }

private:
    std::optional<Transition> go(State to, const std::string &cause, Clock::time_point now);

    Thresholds t_;
    State state_ = State::Up;
    Clock::time_point since_;
    uint32_t good_ = 0, bad_ = 0;
    bool link_up_ = true;
    std::string last_failure_;
    std::deque<Round> window_;
};

} // namespace jalur::health
