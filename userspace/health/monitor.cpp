// SPDX-License-Identifier: GPL-2.0-only
#include "health/monitor.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace jalur::health {

Monitor::~Monitor()
{
    for (auto &[_, p] : probes_)
        loop_.unwatch(p.prober->fd());
    if (timer_ >= 0)
        loop_.cancel(timer_);
}

Result<void> Monitor::add(const ProbeSpec &spec)
{
    // a distinct echo identifier per WAN and agent: replies are matched by it
    auto ident = static_cast<uint16_t>((getpid() << 4) ^ (probes_.size() + 1));
    auto prober = IcmpProber::open(spec.ifname, spec.fwmark, ident);
    if (!prober)
        return prober.error();
    Probe p;
    p.spec = spec;
    p.prober = std::make_unique<IcmpProber>(std::move(prober).value());
    p.health = std::make_unique<WanHealth>(spec.thresholds, Clock::now());
    auto [it, _] = probes_.emplace(spec.wan, std::move(p));
    Probe *probe = &it->second;
    return loop_.watch(probe->prober->fd(), [probe] {
        probe->prober->drain([probe](in_addr from, uint16_t seq) {
            if (seq == probe->seq && probe->answered.insert(from.s_addr).second)
                probe->rtt_sum += Clock::now() - probe->sent_at;
        });
    });
}

Result<void> Monitor::start()
{
    auto t = loop_.every(interval_, [this] { round(); });
    if (!t)
        return t.error();
    timer_ = t.value();
    round();
    return {};
}

void Monitor::round()
{
    for (auto &[_, p] : probes_) {
        // with timeout == interval the next round can start before the
        // timeout timer fires: judge the old round first, exactly once
        if (!p.judged)
            judge(p, p.seq);
        p.seq++;
        p.judged = false;
        p.answered.clear();
        p.rtt_sum = {};
        p.sent_at = Clock::now();
        p.prober->send(p.spec.targets, p.seq);
        uint16_t seq = p.seq;
        Probe *probe = &p;
        (void)loop_.after(timeout_, [this, probe, seq] { judge(*probe, seq); });
    }
}

void Monitor::judge(Probe &p, uint16_t seq)
{
    if (seq != p.seq || p.judged)
        return;
    p.judged = true;
    std::string missing;
    for (const auto &t : p.spec.targets)
        if (!p.answered.count(t.s_addr)) {
            char buf[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &t, buf, sizeof(buf));
            missing += (missing.empty() ? "" : ", ") + std::string(buf);
        }
    Round r;
    r.sent = static_cast<uint32_t>(p.spec.targets.size());
    r.answered = static_cast<uint32_t>(p.answered.size());
    r.good = r.answered >= p.spec.reliability;
    r.rtt = r.answered ? std::chrono::duration_cast<std::chrono::microseconds>(p.rtt_sum / r.answered)
                       : std::chrono::microseconds{0};
    r.why = "no answer from " + missing;
    bool good = r.good;
    if (p.health->state() == State::Down)
        spdlog::debug("WAN {}: round {} {} ({} of {} targets answered, link {})", p.spec.wan, seq,
                      good ? "good" : "failed", p.answered.size(), p.spec.targets.size(),
                      p.health->link_up() ? "up" : "down");
    auto t = p.health->on_round(r, Clock::now());
    if (on_round_)
        on_round_(p.spec.wan, r);
    if (t)
        on_transition_(p.spec.wan, *t);
}

void Monitor::link(const std::string &ifname, bool up)
{
    spdlog::debug("link {}: carrier {}", ifname, up ? "up" : "down");
    for (auto &[_, p] : probes_)
        if (p.spec.ifname == ifname)
            if (auto t = p.health->on_link(up, Clock::now()))
                on_transition_(p.spec.wan, *t);
}

const WanHealth *Monitor::health(const std::string &wan) const
{
    auto it = probes_.find(wan);
    return it == probes_.end() ? nullptr : it->second.health.get();
}

} // namespace jalur::health
