// SPDX-License-Identifier: GPL-2.0-only
#include "health/handshake_watch.h"

namespace jalur::health {

std::vector<Stall> HandshakeWatch::update(const std::map<std::string, HandshakeCounts> &now_counts,
                                          Clock::time_point now)
{
    for (auto it = wans_.begin(); it != wans_.end();) // WANs gone by a reload
        it = now_counts.count(it->first) ? std::next(it) : wans_.erase(it);
    for (const auto &[name, c] : now_counts) {
        auto [it, fresh] = wans_.try_emplace(name);
        Wan &w = it->second;
        HandshakeCounts last = w.last;
        w.last = c;
        if (fresh)
            continue;
        if (c.syn_out < last.syn_out || c.synack_in < last.synack_in) {
            w = Wan{}; // counters that went back: a new data path, a new start
            w.last = c;
            continue;
        }
        if (c.synack_in > last.synack_in) {
            w.last_synack = now;
            w.stalled_since.reset();
            w.unanswered = 0;
            w.reported.reset();
        } else if (c.syn_out > last.syn_out) {
            if (!w.stalled_since)
                w.stalled_since = now;
            w.unanswered += c.syn_out - last.syn_out;
        }
    }
    std::vector<Stall> out;
    for (auto &[name, w] : wans_) {
        if (!w.stalled_since || w.unanswered < s_.min_syns || now - *w.stalled_since < s_.grace)
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
        out.push_back({name, w.unanswered, now - *w.stalled_since});
    }
    return out;
}

} // namespace jalur::health
