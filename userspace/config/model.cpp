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

std::vector<ProbeTarget> builtin_default_targets()
{
    std::vector<ProbeTarget> out;
    for (const char *a :
         {"1.1.1.1", "8.8.8.8", "9.9.9.9", "2606:4700:4700::1111", "2001:4860:4860::8888", "2620:fe::fe"}) {
        ProbeTarget t;
        t.text = a;
        t.address = Prefix::parse(a).value();
        out.push_back(t);
    }
    return out;
}

bool is_gateway_target(const ProbeTarget &t, const std::optional<std::string> &gateway,
                       const std::optional<std::string> &gateway6)
{
    if (t.gateway)
        return true;
    if (t.kind != ProbeTarget::Kind::Icmp || !t.address)
        return false;
    for (const auto &g : {gateway, gateway6})
        if (g && *g != "auto")
            if (auto p = Prefix::parse(*g); p && *p == *t.address)
                return true;
    return false;
}

size_t deciding_targets(const std::vector<ProbeTarget> &targets)
{
    size_t beyond = 0;
    for (const auto &t : targets)
        beyond += t.gateway == 0;
    return beyond ? beyond : targets.size();
}

bool same_probing(const Health &a, const Health &b)
{
    auto tie = [](const Health &h) {
        return std::tie(h.interval, h.timeout, h.down, h.up, h.reliability, h.targets, h.window, h.degraded_loss,
                        h.degraded_latency, h.degraded_weight, h.passive, h.default_targets, h.metered);
    };
    return tie(a) == tie(b);
}

} // namespace jalur::config
