// SPDX-License-Identifier: GPL-2.0-only
// The status board the HTTP endpoint reads, and the endpoint itself.
#include "agent/agent.h"

#include "agent/board_sections.h"

#include <spdlog/spdlog.h>

namespace jalur::agent {

void Agent::publish_board()
{
    const auto &cfg = core_.config();
    auto now = metrics::WallClock::now();
    board_.edit([&](metrics::Board &b) {
        if (b.started_at == metrics::WallClock::time_point{})
            b.started_at = b.loop_tick = now;
        b.config_file = cfg.file;
        b.policies = cfg.policies.size();
        b.rules = cfg.rules.size();
        b.throughput = throughput_;
        b.events = events_;
        std::vector<metrics::WanView> wans; // only the configured WANs: one a reload removed is gone from every view
        for (const auto &w : cfg.wans) {
            metrics::WanView v;
            if (auto *old = b.wan(w.name))
                v = *old; // a reload keeps a WAN's health and history
            else
                v.since = now;
            v.name = w.name;
            v.interface = w.interface;
            v.tier = w.tier;
            v.weight = w.weight;
            v.id = core_.ids().wans.at(w.name);
            const auto &facts = core_.world().wan(w.name);
            v.state = control::health_name(facts.health);
            if (facts.health != control::Health::Up && !facts.cause.empty())
                v.last_failure = facts.cause;
            wans.push_back(std::move(v));
        }
        b.wans = std::move(wans);
    });
    publish_admin();
}

Result<void> Agent::start_metrics()
{
    const auto &cfg = core_.config();
    if (!cfg.metrics.enabled) {
        exporter_.reset();
        return {};
    }
    auto e = metrics::Exporter::start(cfg.metrics, cfg.bpffs, board_);
    if (!e)
        return e.error();
    exporter_ = std::move(e).value();
    return {};
}

void Agent::publish_sections()
{
    if (rogue_)
        board_.set_section("rogue_dhcp_servers", rogue_servers_section(rogue_->alerts()));
    if (notifier_)
        board_.set_section("notify", notify_section(notifier_->stats()));
    publish_balancing();
    if (telegram_)
        board_.set_section("telegram_commands", telegram_->section());
}

void Agent::publish_dashboard()
{
    if (!dp_)
        return;
    std::vector<metrics::ThroughputHistory::Counters> wans;
    for (const auto &w : core_.config().wans) {
        auto stats = dp_->wan_stats_sum(core_.ids().wans.at(w.name));
        wans.push_back({w.name, stats.tx_bytes, stats.rx_bytes});
    }
    throughput_->record(metrics::WallClock::now(), wans);
}

void Agent::on_round(const std::string &wan, const health::Round &r)
{
    if (r.answered)
        balancing_.probe_rtt(wan, Balancing::Clock::now(), r.rtt);
    const auto *h = monitor_ ? monitor_->health(wan) : nullptr;
    board_.edit([&](metrics::Board &b) {
        auto *v = b.wan(wan);
        if (!v)
            return;
        v->probes_sent += r.sent;
        v->probes_answered += r.answered;
        if (r.answered)
            v->rtt.observe(std::chrono::duration<double>(r.rtt).count());
        if (h) {
            v->loss_percent = h->loss_percent();
            if (auto rtt = h->mean_rtt())
                v->mean_rtt_seconds = std::chrono::duration<double>(*rtt).count();
            v->last_failure = h->last_failure();
        }
    });
}

} // namespace jalur::agent
