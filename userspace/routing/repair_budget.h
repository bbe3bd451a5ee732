// SPDX-License-Identifier: GPL-2.0-only
// How often drift may be repaired: a burst, then one repair per refill
// period. Another program that keeps deleting a rule (a fight) costs a
// repair a second, not a loop. Pure: the time is passed in.
#pragma once

#include <algorithm>
#include <chrono>

namespace jalur::routing {

class RepairBudget {
public:
    using Clock = std::chrono::steady_clock;

    RepairBudget(unsigned burst, Clock::duration refill) : burst_(burst), refill_(refill), tokens_(burst) {}

    // Takes one repair if one is left at `now`.
    bool take(Clock::time_point now)
    {
        top_up(now);
        if (tokens_ == 0)
            return false;
        if (tokens_ == burst_)
            since_ = now; // refilling starts with the first one spent
        tokens_--;
        return true;
    }

    // How long from `now` until take() succeeds.
    Clock::duration wait(Clock::time_point now)
    {
        top_up(now);
        return tokens_ > 0 ? Clock::duration::zero() : since_ + refill_ - now;
    }

private:
    void top_up(Clock::time_point now)
    {
        if (tokens_ >= burst_)
            return;
        auto earned = static_cast<unsigned>((now - since_) / refill_);
        if (earned == 0)
            return;
        tokens_ = std::min(burst_, tokens_ + earned);
        since_ += refill_ * earned;
    }

    unsigned burst_;
    Clock::duration refill_;
    unsigned tokens_;
    Clock::time_point since_{};
};

} // namespace jalur::routing
