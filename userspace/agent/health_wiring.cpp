// SPDX-License-Identifier: GPL-2.0-only
// The health monitor and the passive signal, built from the config: on
// start, and again on a reload that changes what is probed.
#include "agent/agent.h"
#include "config/probe_reach.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace jalur::agent {

Result<void> Agent::start_health()
{
    const auto &cfg = core_.config();
    auto monitor = std::make_unique<health::Monitor>(*loop_, [this](const std::string &wan, const health::Transition &t) {
        on_transition(wan, t);
    });
    for (const auto &w : config::gateway_only_probing(cfg))
        spdlog::warn("{}", w);
    for (const auto &w : cfg.wans) {
        health::ProbeSpec spec;
        spec.wan = w.name;
        spec.ifname = w.interface;
        spec.fwmark = w.fwmark;
        spec.health = w.health;
        const auto &facts = core_.world().wan(w.name);
        spec.gateway4 = facts.gateway4;
        spec.gateway6 = facts.gateway6;
        spec.has_gateway4 = w.gateway.has_value();
        spec.has_gateway6 = w.gateway6.has_value();
        // a reload, or a restart after an announced outage, keeps what each WAN's health was
        spec.initial = facts.health == control::Health::Up         ? health::State::Up
                       : facts.health == control::Health::Degraded ? health::State::Degraded
                                                                    : health::State::Down;
        if (auto r = monitor->add(spec); !r)
            return r;
    }
    monitor->on_round([this](const std::string &wan, const health::Round &r) { on_round(wan, r); });
    // the passive signal decides where no probe sees beyond the gateway
    monitor->upstream_evidence([this](const std::string &wan) -> std::optional<std::string> {
        const auto *w = core_.config().wan(wan);
        if (!w || !w->health.passive)
            return std::nullopt;
        auto u = handshakes_.upstream(wan, health::Clock::now());
        if (!u)
            return std::nullopt;
        return "upstream: " + std::to_string(u->syns) + " handshakes unanswered while WAN " + u->witness +
               " completes";
    });
    // thrifty probing: a metered WAN proven by its traffic skips a round
    thrift_ = health::Thrift{};
    monitor->skip_round([this, m = monitor.get()](const std::string &wan) {
        auto id = core_.ids().wans.find(wan);
        if (!dp_ || id == core_.ids().wans.end())
            return false;
        auto s = dp_->wan_stats_sum(id->second);
        const auto *cost = m->cost(wan);
        bool stalled = handshakes_.upstream(wan, health::Clock::now()).has_value();
        return thrift_.skip(wan, {s.rx_bytes, s.syn_out, s.synack_in, cost ? cost->received : 0}, stalled);
    });
    if (auto r = monitor->start(); !r)
        return r;
    monitor_ = std::move(monitor);
    links_.clear(); // a new monitor learns every link afresh
    for (const auto &w : cfg.wans)
        links_[w.interface] = {true, ""};
    tell_monitor_links();
    if (passive_timer_ >= 0)
        loop_->cancel(passive_timer_);
    passive_timer_ = -1;
    if (std::none_of(cfg.wans.begin(), cfg.wans.end(), [](const config::Wan &w) { return w.health.passive; }))
        return {};
    handshakes_ = health::HandshakeWatch{};
    watch_handshakes(); // the first sample is the baseline: take it before any traffic is balanced
    auto t = loop_->every(std::chrono::milliseconds(100), [this] { watch_handshakes(); });
    if (!t)
        return t.error();
    passive_timer_ = t.value();
    return {};
}

} // namespace jalur::agent
