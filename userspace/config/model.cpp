// SPDX-License-Identifier: GPL-2.0-only
#include "config/model.h"

#include <tuple>

namespace jalur::config {

// Linear: at most 16 of each, and looked up at load time, not per packet.
const Wan *Config::wan(const std::string &name) const
{
    for (const auto &w : wans)
        if (w.name == name)
            return &w;
    return nullptr;
}

const Policy *Config::policy(const std::string &name) const
{
    for (const auto &p : policies)
        if (p.name == name)
            return &p;
    return nullptr;
}

bool same_probing(const Health &a, const Health &b)
{
    auto tie = [](const Health &h) {
        return std::tie(h.interval, h.timeout, h.down, h.up, h.reliability, h.targets, h.window, h.degraded_loss,
                        h.degraded_latency, h.degraded_weight, h.passive);
    };
    return tie(a) == tie(b);
}

} // namespace jalur::config
