// SPDX-License-Identifier: GPL-2.0-only
#include "health/monitor.h"

#include "common/curl_global.h"
#include "health/http_check.h"
#include "health/round_verdict.h"
#include "health/socket_checks.h"
#include "health/thrift.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

namespace jalur::health {

using std::chrono::milliseconds;

Monitor::Monitor(EventLoop &loop, OnTransition on_transition)
    : loop_(loop), on_transition_(std::move(on_transition))
{
}

Monitor::~Monitor()
{
    for (auto &[_, p] : probes_) {
        for (auto *icmp : {p.icmp4.get(), p.icmp6.get()})
            if (icmp)
                loop_.unwatch(icmp->fd());
        for (int t : {p.timer, p.judge_timer})
            if (t >= 0)
                loop_.cancel(t);
    }
}

Result<void> Monitor::open_icmp(Probe &p, int family)
{
    auto &slot = family == 4 ? p.icmp4 : p.icmp6;
    if (slot)
        return {};
    auto prober = IcmpProber::open(family, p.spec.ifname, p.spec.fwmark, p.ident);
    if (!prober)
        return prober.error();
    slot = std::make_unique<IcmpProber>(std::move(prober).value());
    Probe *probe = &p;
    IcmpProber *icmp = slot.get();
    return loop_.watch(icmp->fd(), [this, probe, icmp] {
        icmp->drain([probe](const Prefix &from, uint16_t seq) {
            if (seq != probe->seq || probe->judged)
                return;
            for (size_t i = 0; i < probe->targets.size(); i++)
                if (!probe->targets[i].check && probe->targets[i].address == from && !probe->answers[i])
                    probe->answers[i] = Clock::now() - probe->sent_at;
        });
    });
}

Result<void> Monitor::add(const ProbeSpec &spec)
{
    const auto &h = spec.health;
    Thresholds th{h.down, h.up, h.window, h.degraded_loss, h.degraded_latency};
    auto [it, fresh] = probes_.try_emplace(spec.wan);
    if (!fresh)
        return errorf("WAN " + spec.wan + " is probed twice");
    Probe &p = it->second;
    p.spec = spec;
    // a distinct echo identifier per WAN and agent: replies are matched by it
    p.ident = static_cast<uint16_t>((getpid() << 4) ^ probes_.size());
    p.health = std::make_unique<WanHealth>(th, Clock::now(), spec.initial);
    for (const auto &t : h.targets) {
        Target target{t, {}, nullptr, t.text};
        if (t.gateway) {
            if (!(t.gateway == 4 ? spec.has_gateway4 : spec.has_gateway6)) {
                spdlog::warn("WAN {}: probe target {} skipped: the WAN has no IPv{} gateway", spec.wan, t.text,
                             t.gateway);
                continue;
            }
            point_at(target, t.gateway == 4 ? spec.gateway4 : spec.gateway6);
            target.beyond = false;
        } else {
            target.address = *t.address;
            // the gateway written as an address is still only the first hop
            target.beyond = t.kind != config::ProbeTarget::Kind::Icmp ||
                            (target.address != spec.gateway4 && target.address != spec.gateway6);
        }
        Endpoint at{spec.ifname, spec.fwmark, target.address, t.port};
        switch (t.kind) {
        case config::ProbeTarget::Kind::Icmp:
            break; // its socket is opened by the first round that needs it: the interface may not exist yet
        case config::ProbeTarget::Kind::Tcp:
            target.check = std::make_unique<TcpCheck>(loop_, at);
            break;
        case config::ProbeTarget::Kind::Dns:
            target.check = std::make_unique<DnsCheck>(loop_, at, t.qname);
            break;
        case config::ProbeTarget::Kind::Http:
            if (!curl_) {
                // once per process, before the notifier's thread may race it
                if (auto r = curl_global(); !r)
                    return r;
                curl_ = std::make_unique<CurlMulti>(loop_);
            }
            target.check = std::make_unique<HttpCheck>(*curl_, spec.ifname, spec.fwmark, t, h.timeout);
            break;
        }
        p.targets.push_back(std::move(target));
    }
    if (p.targets.empty())
        spdlog::warn("WAN {}: nothing to probe; only its link state decides", spec.wan);
    return {};
}

void Monitor::point_at(Target &t, const std::optional<Prefix> &gateway)
{
    t.known = gateway.has_value();
    t.address = gateway.value_or(Prefix{});
    t.name = gateway ? gateway->addr_str() : t.spec.text;
}

void Monitor::set_gateways(const std::string &wan, const std::optional<Prefix> &gateway4,
                           const std::optional<Prefix> &gateway6)
{
    auto it = probes_.find(wan);
    if (it == probes_.end())
        return;
    for (auto &t : it->second.targets) {
        const auto &gw = t.spec.gateway == 4 ? gateway4 : gateway6;
        if (!t.spec.gateway || (t.known ? std::optional(t.address) : std::nullopt) == gw)
            continue;
        spdlog::info("WAN {}: {} probes now go to {}", wan, t.spec.text, gw ? gw->addr_str() : "nothing: none known");
        point_at(t, gw); // an answer still on its way from the old one is not counted
    }
}

Result<void> Monitor::start()
{
    for (auto &[_, p] : probes_) {
        if (p.targets.empty())
            continue;
        Probe *probe = &p;
        auto t = loop_.every(p.spec.health.interval, [this, probe] {
            if (!probe->bursting && !thrifty_skip(*probe)) // a burst runs its own rounds
                start_round(*probe, probe->spec.health.timeout);
        });
        if (!t)
            return t.error();
        p.timer = t.value();
        start_round(p, p.spec.health.timeout);
    }
    return {};
}

void Monitor::start_round(Probe &p, milliseconds timeout)
{
    // with timeout == interval the next round can start before the timeout
    // timer fires: judge the old round first, exactly once
    if (!p.judged)
        judge(p, p.seq);
    uint16_t seq = ++p.seq;
    p.judged = false;
    p.answers.assign(p.targets.size(), std::nullopt);
    p.failures.assign(p.targets.size(), "no answer");
    p.sent_at = Clock::now();
    for (size_t i = 0; i < p.targets.size(); i++) {
        auto &t = p.targets[i];
        if (!t.check) {
            if (!t.known) {
                p.failures[i] = "no IPv" + std::to_string(t.spec.gateway) + " gateway known";
                continue;
            }
            if (auto r = open_icmp(p, t.address.family); !r) {
                p.failures[i] = r.error().message; // e.g. the interface is gone
                continue;
            }
            (t.address.family == 4 ? p.icmp4 : p.icmp6)->send(t.address, seq);
            p.cost.sent += probe_bytes(t.spec, t.address.family).sent;
            continue;
        }
        p.cost.sent += probe_bytes(t.spec, t.address.family).sent;
        Probe *probe = &p;
        t.check->start([probe, i, seq](bool ok, const std::string &why) {
            if (seq != probe->seq || probe->judged)
                return;
            if (ok)
                probe->answers[i] = Clock::now() - probe->sent_at;
            else
                probe->failures[i] = why;
        });
    }
    judge_after(p, timeout);
}

void Monitor::judge_after(Probe &p, milliseconds delay)
{
    if (p.judge_timer >= 0)
        loop_.cancel(p.judge_timer);
    Probe *probe = &p;
    uint16_t seq = p.seq;
    auto t = loop_.after(delay, [this, probe, seq] {
        probe->judge_timer = -1;
        judge(*probe, seq);
    });
    p.judge_timer = t ? t.value() : -1;
}

void Monitor::judge(Probe &p, uint16_t seq)
{
    if (seq != p.seq || p.judged)
        return;
    p.judged = true;
    std::vector<TargetResult> results;
    for (size_t i = 0; i < p.targets.size(); i++) {
        const auto &t = p.targets[i];
        if (t.check)
            t.check->stop();
        results.push_back({t.name, t.beyond, p.answers[i], p.failures[i]});
        if (p.answers[i])
            p.cost.received += probe_bytes(t.spec, t.address.family).received;
    }
    std::function<std::optional<std::string>()> evidence;
    if (evidence_)
        evidence = [this, &p] { return evidence_(p.spec.wan); };
    Round r = round_verdict(results, p.spec.health.reliability, evidence);
    p.last_good = r.good;
    if (p.health->state() == State::Down)
        spdlog::debug("WAN {}: round {} {} ({} of {} targets answered, link {})", p.spec.wan, seq,
                      r.good ? "good" : "failed", r.answered, r.sent, p.health->link_up() ? "up" : "down");
    auto t = p.health->on_round(r, Clock::now());
    if (on_round_)
        on_round_(p.spec.wan, r);
    if (t)
        on_transition_(p.spec.wan, *t);
    if (!p.bursting)
        return;
    if (p.burst_left && p.health->state() != State::Down) {
        p.burst_left--;
        start_round(p, burst_timeout(p));
    } else {
        p.bursting = false;
        p.burst_left = 0;
    }
}

milliseconds Monitor::burst_timeout(const Probe &p) const
{
    // long enough for a healthy answer (four RTTs, at least 100 ms), never
    // longer than a regular round's
    auto rtt = p.health->mean_rtt().value_or(std::chrono::microseconds(25000));
    auto t = std::max(milliseconds(100), std::chrono::duration_cast<milliseconds>(4 * rtt));
    return std::min(t, p.spec.health.timeout);
}

bool Monitor::thrifty_skip(Probe &p)
{
    // a WAN not up is probed as any other: only probes bring it back; and
    // after a failed round, only probes decide whether it goes down
    if (!p.spec.health.metered || !skip_ || p.health->state() != State::Up || !p.last_good)
        return false;
    if (!skip_(p.spec.wan))
        return false;
    p.cost.skipped++;
    return true;
}

const ProbeCost *Monitor::cost(const std::string &wan) const
{
    auto it = probes_.find(wan);
    return it == probes_.end() ? nullptr : &it->second.cost;
}

void Monitor::burst(const std::string &wan, const std::string &why)
{
    auto it = probes_.find(wan);
    if (it == probes_.end() || it->second.targets.empty())
        return;
    Probe &p = it->second;
    if (p.bursting || p.health->state() == State::Down)
        return;
    auto timeout = burst_timeout(p);
    spdlog::info("WAN {}: {}; probing now, {} rounds of {} ms", wan, why, p.spec.health.down, timeout.count());
    p.bursting = true;
    p.burst_left = p.spec.health.down;
    if (p.judged) {
        p.burst_left--;
        start_round(p, timeout);
        return;
    }
    // the round in flight is judged as soon as a healthy answer would be in
    auto age = std::chrono::duration_cast<milliseconds>(Clock::now() - p.sent_at);
    judge_after(p, std::max(milliseconds(1), timeout - age));
}

void Monitor::interface_changed(const std::string &ifname)
{
    for (auto &[_, p] : probes_) {
        if (p.spec.ifname != ifname)
            continue;
        for (auto *slot : {&p.icmp4, &p.icmp6})
            if (*slot) { // bound to the old interface: the next round opens one on the new
                loop_.unwatch((*slot)->fd());
                slot->reset();
            }
    }
}

void Monitor::link(const std::string &ifname, bool up, const std::string &cause)
{
    spdlog::debug("link {}: {}", ifname, up ? "up" : cause);
    for (auto &[_, p] : probes_)
        if (p.spec.ifname == ifname)
            if (auto t = p.health->on_link(up, Clock::now(), cause))
                on_transition_(p.spec.wan, *t);
}

const WanHealth *Monitor::health(const std::string &wan) const
{
    auto it = probes_.find(wan);
    return it == probes_.end() ? nullptr : it->second.health.get();
}

} // namespace jalur::health
