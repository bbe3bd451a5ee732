// SPDX-License-Identifier: GPL-2.0-only
#include "config/probe_reach.h"

#include <algorithm>

namespace jalur::config {

std::vector<std::string> gateway_only_probing(const Config &cfg)
{
    std::vector<std::string> out;
    for (const auto &w : cfg.wans) {
        const auto &targets = w.health.targets;
        bool blind = std::all_of(targets.begin(), targets.end(), [&](const ProbeTarget &t) {
            return is_gateway_target(t, w.gateway, w.gateway6);
        });
        if (!blind)
            continue;
        out.push_back("WAN " + w.name + ": probes " + (targets.empty() ? "nothing" : "only its gateway") +
                      ", so an upstream outage (the gateway answers, nothing beyond it does) is seen " +
                      (w.health.passive ? "only by the passive signal, under TCP traffic while another WAN works"
                                        : "by nothing (passive is off)") +
                      "; add a target beyond the gateway, or leave `targets` unset for health.default_targets");
    }
    return out;
}

} // namespace jalur::config
