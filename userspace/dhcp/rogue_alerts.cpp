// SPDX-License-Identifier: GPL-2.0-only
#include "dhcp/rogue_alerts.h"

#include <algorithm>

namespace jalur::dhcp {

std::optional<RogueAlert> RogueAlerts::on_event(const Fields &f, Clock::time_point now)
{
    auto mac = f.count("server_mac") ? f.at("server_mac") : std::string();
    auto it = servers_.find(mac);
    if (it == servers_.end()) {
        // forged MACs must not grow this without bound: forget the quietest
        if (servers_.size() >= max_servers_) {
            auto oldest = std::min_element(servers_.begin(), servers_.end(), [](const auto &a, const auto &b) {
                return a.second.last_seen < b.second.last_seen;
            });
            servers_.erase(oldest);
        }
        RogueServer s{f, 1, 0, now, now, now};
        servers_.emplace(mac, s);
        return RogueAlert{f, 1, 1, true};
    }
    auto &s = it->second;
    s.last = f;
    s.total++;
    s.pending++;
    s.last_seen = now;
    return std::nullopt;
}

std::vector<RogueAlert> RogueAlerts::due(Clock::time_point now)
{
    std::vector<RogueAlert> out;
    for (auto &[mac, s] : servers_)
        if (s.pending && now - s.last_alert >= timeout_) {
            out.push_back(RogueAlert{s.last, s.pending, s.total, false});
            s.pending = 0;
            s.last_alert = now;
        }
    return out;
}

} // namespace jalur::dhcp
