// SPDX-License-Identifier: GPL-2.0-only
#include "health/round_verdict.h"

namespace jalur::health {

Round round_verdict(const std::vector<TargetResult> &targets, uint32_t reliability,
                    const std::function<std::optional<std::string>()> &evidence)
{
    Round r;
    Clock::duration rtt_sum{};
    uint32_t beyond = 0, beyond_answered = 0, gateway_answered = 0;
    for (const auto &t : targets) {
        r.sent++;
        beyond += t.beyond;
        if (t.rtt) {
            r.answered++;
            (t.beyond ? beyond_answered : gateway_answered)++;
            rtt_sum += *t.rtt;
        } else {
            r.why += (r.why.empty() ? "" : "; ") + t.name + ": " + t.failure;
        }
    }
    r.good = (beyond ? beyond_answered : r.answered) >= reliability;
    if (!r.good && beyond && gateway_answered)
        r.why = "upstream (the gateway answers): " + r.why;
    // a target beyond the gateway that answers outweighs the passive signal
    if (r.good && !beyond_answered && evidence)
        if (auto cause = evidence()) {
            r.good = false;
            r.passive = true;
            r.why = *cause;
        }
    r.rtt = r.answered ? std::chrono::duration_cast<std::chrono::microseconds>(rtt_sum / r.answered)
                       : std::chrono::microseconds{0};
    return r;
}

} // namespace jalur::health
