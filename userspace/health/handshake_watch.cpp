// SPDX-License-Identifier: GPL-2.0-only
#include "health/handshake_watch.h"

#include <algorithm>

namespace jalur::health {

std::vector<Stall> HandshakeWatch::update(const std::map<std::string, HandshakeCounts> &now_counts,
                                          Clock::time_point now)
{
    for (auto it = wans_.begin(); it != wans_.end();) // WANs gone by a reload
        it = now_counts.count(it->first) ? std::next(it) : wans_.erase(it);
    auto balance = [](const HandshakeCounts &c) { return static_cast<int64_t>(c.syn_out - c.synack_in); };
    for (const auto &[name, c] : now_counts) {
        auto [it, fresh] = wans_.try_emplace(name);
        Wan &w = it->second;
        HandshakeCounts last = w.last;
        w.last = c;
        w.recent.emplace_back(now, c);
        while (w.recent.size() > 1 && now - w.recent.front().first > s_.recent)
            w.recent.pop_front();
        if (!fresh && (c.syn_out < last.syn_out || c.synack_in < last.synack_in))
            fresh = true; // counters that went back: a new data path
        if (fresh) {
            w = Wan{};
            w.last = c;
            w.recent.emplace_back(now, c);
            w.base = balance(c);
            continue;
        }
        // Counts are sampled, so one sample can hold both the answers to
        // some SYNs and other SYNs that will never be answered: judge the
        // balance, not whether any SYN-ACK came.
        if (c.synack_in > last.synack_in) {
            w.last_synack = now;
            w.base = balance(last);
            w.stalled_since.reset();
            w.reported.reset();
        }
        if (balance(c) <= w.base)
            w.stalled_since.reset();
        else if (!w.stalled_since)
            w.stalled_since = now;
    }
    std::vector<Stall> out;
    for (auto &[name, w] : wans_) {
        auto unanswered = balance(w.last) - w.base;
        if (!w.stalled_since || unanswered < static_cast<int64_t>(s_.min_syns) || now - *w.stalled_since < s_.grace)
            continue;
        if (w.reported && now - *w.reported < s_.quiet)
            continue;
        bool others_complete = false;
        for (const auto &[other, o] : wans_)
            if (other != name && o.last_synack && now - *o.last_synack <= s_.recent)
                others_complete = true;
        if (!others_complete)
            continue; // nothing completes anywhere: the LAN side, or every WAN; the probes will tell
        w.reported = now;
        out.push_back({name, static_cast<uint64_t>(unanswered), now - *w.stalled_since});
    }
    return out;
}

bool HandshakeWatch::witness(const Wan &w, Clock::time_point now) const
{
    if (!w.last_synack || now - *w.last_synack > s_.recent || w.recent.empty())
        return false;
    // over the window, SYN-ACKs for SYNs sent before it make up for SYNs
    // still in flight at its end: a healthy WAN's balance stays near zero
    const auto &first = w.recent.front().second;
    auto syns = static_cast<int64_t>(w.last.syn_out - first.syn_out);
    auto synacks = static_cast<int64_t>(w.last.synack_in - first.synack_in);
    // at most one in ten unanswered (one, with few): a dead destination
    // tried through this WAN too shows here
    return synacks > 0 && syns - synacks <= std::max<int64_t>(1, synacks / 10);
}

std::optional<Upstream> HandshakeWatch::upstream(const std::string &wan, Clock::time_point now) const
{
    auto it = wans_.find(wan);
    if (it == wans_.end())
        return std::nullopt;
    const Wan &w = it->second;
    auto unanswered = static_cast<int64_t>(w.last.syn_out - w.last.synack_in) - w.base;
    if (!w.stalled_since || unanswered < static_cast<int64_t>(s_.min_syns) || now - *w.stalled_since < s_.grace)
        return std::nullopt;
    for (const auto &[other, o] : wans_)
        if (other != wan && witness(o, now))
            return Upstream{static_cast<uint64_t>(unanswered), other};
    return std::nullopt;
}

} // namespace jalur::health
