// SPDX-License-Identifier: GPL-2.0-only
#include "health/wan_health.h"

namespace jalur::health {

const char *state_name(State s)
{
    return s == State::Up ? "up" : "down";
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

std::optional<Transition> WanHealth::on_round(bool good, const std::string &why, Clock::time_point now)
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
    if (state_ == State::Up && ++bad_ >= t_.down_after)
        return go(State::Down, std::to_string(t_.down_after) + " failed probe rounds: " + why, now);
    return std::nullopt;
}

std::optional<Transition> WanHealth::on_link(bool up, Clock::time_point now)
{
    if (up == link_up_)
        return std::nullopt;
    link_up_ = up;
    good_ = bad_ = 0;
    if (!up) {
        last_failure_ = "carrier lost";
        return go(State::Down, "carrier lost", now);
    }
    return std::nullopt; // back only after up_after good rounds
}

} // namespace jalur::health
