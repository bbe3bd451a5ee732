// SPDX-License-Identifier: GPL-2.0-only
#include "health/handshake_watch.h"

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
        if (!fresh && (c.syn_out < last.syn_out || c.synack_in < last.synack_in))
            fresh = true; // counters that went back: a new data path
        if (fresh) {
            w = Wan{};
            w.last = c;
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

} // namespace jalur::health
