// SPDX-License-Identifier: GPL-2.0-only
#include "health/wan_health.h"

#include <cstdio>

namespace jalur::health {

const char *state_name(State s)
{
    return s == State::Up ? "up" : s == State::Degraded ? "degraded" : "down";
}

std::optional<Transition> WanHealth::go(State to, const std::string &cause, Clock::time_point now)
{
    if (to == state_)
        return std::nullopt;
    Transition t{state_, to, cause, to == State::Up ? now - since_ : Clock::duration{}};
    state_ = to;
    since_ = now;
    good_ = bad_ = 0;
    return t;
}

std::optional<Transition> WanHealth::on_round(bool good, const std::string &why, Clock::time_point now,
                                              bool passive)
{
    if (!link_up_)
        return std::nullopt; // the link decides until it returns
    if (good) {
        bad_ = 0;
        if (state_ == State::Down && ++good_ >= t_.up_after)
            return go(State::Up, std::to_string(t_.up_after) + " good probe rounds", now);
        return std::nullopt;
    }
    good_ = 0;
    last_failure_ = why;
    if (state_ != State::Down && ++bad_ >= t_.down_after)
        return go(State::Down, passive ? why : std::to_string(t_.down_after) + " failed probe rounds: " + why, now);
    return std::nullopt;
}

std::optional<double> WanHealth::loss_percent() const
{
    if (window_.size() < t_.window || window_.empty())
        return std::nullopt;
    uint32_t sent = 0, answered = 0;
    for (const auto &r : window_) {
        sent += r.sent;
        answered += r.answered;
    }
    return sent ? 100.0 * (sent - answered) / sent : 0.0;
}

std::optional<std::chrono::microseconds> WanHealth::mean_rtt() const
{
    if (window_.size() < t_.window || window_.empty())
        return std::nullopt;
    std::chrono::microseconds sum{0};
    uint32_t n = 0;
    for (const auto &r : window_)
        if (r.answered) {
            sum += r.rtt;
            n++;
        }
    return n ? sum / n : std::chrono::microseconds{0};
}

std::optional<Transition> WanHealth::on_round(const Round &r, Clock::time_point now)
{
    if (!link_up_)
        return std::nullopt;
    window_.push_back(r);
    while (window_.size() > t_.window)
        window_.pop_front();
    // up/down first: a dead WAN is down, not degraded
    auto t = on_round(r.good, r.why, now, r.passive);
    if (t || state_ == State::Down)
        return t;
    auto loss = loss_percent();
    auto rtt = mean_rtt();
    if (!loss || !rtt)
        return std::nullopt;
    bool lossy = t_.loss_percent && *loss > t_.loss_percent;
    bool slow = t_.latency.count() && *rtt > t_.latency;
    char why[128];
    if (state_ == State::Up && (lossy || slow)) {
        std::snprintf(why, sizeof(why), "%s over the last %u rounds: %.0f%% loss, %.1f ms mean RTT",
                      lossy ? "loss" : "latency", t_.window, *loss, rtt->count() / 1000.0);
        auto d = go(State::Degraded, why, now);
        window_.clear(); // judge the degraded state on a fresh window
        return d;
    }
    if (state_ == State::Degraded && !lossy && !slow) {
        std::snprintf(why, sizeof(why), "loss %.0f%% and mean RTT %.1f ms over %u rounds", *loss,
                      rtt->count() / 1000.0, t_.window);
        auto u = go(State::Up, why, now);
        window_.clear();
        return u;
    }
    return std::nullopt;
}

std::optional<Transition> WanHealth::on_link(bool up, Clock::time_point now, const std::string &cause)
{
    if (up == link_up_)
        return std::nullopt;
    link_up_ = up;
    good_ = bad_ = 0;
    if (!up) {
        last_failure_ = cause;
        return go(State::Down, cause, now);
    }
    return std::nullopt; // back only after up_after good rounds
}

} // namespace jalur::health
