// SPDX-License-Identifier: GPL-2.0-only
#include "dhcp/rogue_alerts.h"

#include <algorithm>

namespace jalur::dhcp {

void RogueAlerts::roll(Clock::time_point now, std::vector<RogueAlert> &out)
{
    if (window_start_ && now - *window_start_ < timeout_)
        return;
    window_start_ = now;
    spent_ = 0;
    if (folded_) {
        folded_->servers = folded_servers_.size();
        out.push_back(*folded_);
        folded_.reset();
        folded_servers_.clear();
    }
}

void RogueAlerts::spend(RogueAlert a, std::vector<RogueAlert> &out)
{
    if (spent_ < max_alerts_) {
        spent_++;
        out.push_back(std::move(a));
        return;
    }
    folded_servers_.insert(a.fields.count("server_mac") ? a.fields.at("server_mac") : std::string());
    if (!folded_) {
        a.first = false;
        folded_ = std::move(a);
        return;
    }
    folded_->fields = a.fields;
    folded_->count += a.count;
    folded_->total += a.count;
}

std::vector<RogueAlert> RogueAlerts::on_event(const Fields &f, Clock::time_point now)
{
    std::vector<RogueAlert> out;
    roll(now, out);
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
        spend(RogueAlert{f, 1, 1, true}, out);
        return out;
    }
    auto &s = it->second;
    s.last = f;
    s.total++;
    s.pending++;
    s.last_seen = now;
    return out;
}

std::vector<RogueAlert> RogueAlerts::due(Clock::time_point now)
{
    std::vector<RogueAlert> out;
    roll(now, out);
    for (auto &[mac, s] : servers_)
        if (s.pending && now - s.last_alert >= timeout_) {
            spend(RogueAlert{s.last, s.pending, s.total, false}, out);
            s.pending = 0;
            s.last_alert = now;
        }
    return out;
}

} // namespace jalur::dhcp
