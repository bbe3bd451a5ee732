// SPDX-License-Identifier: GPL-2.0-only
// Data caps (issue 20): each second the data path's per-WAN counters feed
// the quota book; a threshold crossed or a period begun is alerted, a WAN
// over its quota is told to the core (which plans around it), and the usage
// is written to the state directory at least once a minute, on every
// threshold and at stop. `jalur quota reset WAN` is a top-up.
#include "agent/agent.h"

#include "alerts/templates.h"
#include "agent/quota_section.h"

#include <spdlog/spdlog.h>

namespace jalur::agent {

namespace {

constexpr auto kSaveEvery = std::chrono::seconds(60);

control::sys_seconds now_seconds()
{
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string action_text(config::WhenExceeded w)
{
    switch (w) {
    case config::WhenExceeded::BackupOnly:
        return "new connections use it only while no other WAN can take them (backup-only)";
    case config::WhenExceeded::Block:
        return "no new connections use it until the period ends (block)";
    case config::WhenExceeded::Keep:
        break;
    }
    return "it carries traffic as before (keep)";
}

} // namespace

void Agent::start_quotas()
{
    const auto &cfg = core_.config();
    quota_store_.emplace(cfg.state_dir);
    auto loaded = quota_store_->load();
    if (!loaded.problem.empty())
        spdlog::error("quota usage: {}", loaded.problem);
    quota_problem_ = loaded.problem;
    quotas_.configure(cfg, loaded.records);
    tick_quotas(false);
}

void Agent::reconfigure_quotas()
{
    const auto &cfg = core_.config();
    if (quota_store_ && quota_store_->path() != cfg.state_dir + "/quota-usage") {
        save_quotas(); // the old directory gets the last of it; the new one from now on
        quota_store_.emplace(cfg.state_dir);
    }
    quotas_.configure(cfg, {});
    tick_quotas(false);
}

void Agent::tick_quotas(bool apply)
{
    if (!dp_)
        return;
    const auto &cfg = core_.config();
    auto events = quotas_.update(now_seconds(), zone_, [&](const std::string &wan) {
        auto id = core_.ids().wans.find(wan);
        if (id == core_.ids().wans.end())
            return std::pair<uint64_t, uint64_t>{0, 0};
        auto s = dp_->wan_stats_sum(id->second);
        return std::pair<uint64_t, uint64_t>{s.rx_bytes, s.tx_bytes};
    });
    for (const auto &e : events)
        on_quota_event(e);
    bool changed = false;
    for (const auto &w : cfg.wans)
        changed |= core_.set_over_quota(w.name, quotas_.exceeded(w.name));
    if (changed && apply)
        if (auto r = reconcile(); !r)
            spdlog::error("quota: applying the new state: {}", r.error().message);
    auto now = std::chrono::steady_clock::now();
    if (!events.empty() || changed || now - quota_saved_ >= kSaveEvery)
        save_quotas();
    std::map<std::string, health::ProbeCost> probes;
    for (const auto &w : cfg.wans)
        if (const auto *c = monitor_ ? monitor_->cost(w.name) : nullptr)
            probes[w.name] = *c;
    board_.set_section("quota", quota_section(quotas_.views(now_seconds(), zone_), probes, quota_problem_));
}

void Agent::save_quotas()
{
    if (!quota_store_ || !quotas_.any())
        return;
    quota_saved_ = std::chrono::steady_clock::now();
    if (auto r = quota_store_->save(quotas_.records()); !r) {
        if (!quota_save_failed_)
            spdlog::error("quota usage: cannot write {}: {}; a restart would lose the count since the last write",
                          quota_store_->path(), r.error().message);
        quota_save_failed_ = true;
    } else {
        quota_save_failed_ = false;
    }
}

void Agent::on_quota_event(const control::BookEvent &e)
{
    const auto *w = core_.config().wan(e.wan);
    if (!w || !w->quota)
        return;
    const auto &ev = e.event;
    auto now = now_seconds();
    std::map<std::string, std::string> vars{
        {"wan", e.wan},
        {"interface", w->interface},
        {"used", notify::human_bytes(ev.used)},
        {"limit", notify::human_bytes(ev.limit)},
        {"percent", std::to_string(ev.limit ? ev.used * 100 / ev.limit : 0)},
        {"days_left", std::to_string(control::days_left(ev.period, now))},
        {"period_end", notify::format_time(ev.period.end.time_since_epoch().count())},
        {"action", action_text(w->quota->when_exceeded)},
    };
    for (const auto &v : quotas_.views(now, zone_))
        if (v.wan == e.wan)
            vars["projection"] = v.projection ? notify::human_bytes(*v.projection) : "too early to say";
    if (ev.kind == control::QuotaEvent::Kind::Reset) {
        spdlog::info("WAN {}: a new quota period; the last one used {} of {}", e.wan, vars["used"], vars["limit"]);
        alert(notify::Kind::QuotaReset, std::move(vars));
    } else if (ev.percent >= 100) {
        spdlog::warn("WAN {}: over its quota, {} of {}; {}", e.wan, vars["used"], vars["limit"], vars["action"]);
        alert(notify::Kind::QuotaExceeded, std::move(vars));
    } else {
        spdlog::warn("WAN {}: {}% of its quota used, {} of {}", e.wan, ev.percent, vars["used"], vars["limit"]);
        vars["percent"] = std::to_string(ev.percent); // the threshold, not a share rounded past it
        alert(notify::Kind::QuotaWarning, std::move(vars));
    }
}

ctl::Reply Agent::quota_command(const ctl::Request &req, const ctl::Peer &peer)
{
    const std::string *action = req.arg("action"), *wan = req.arg("wan");
    if (!action || *action != "reset" || !wan)
        return ctl::Reply::refused("quota: expected {\"action\": \"reset\", \"wan\": NAME}");
    tick_quotas(true); // what was used so far belongs to the old allowance
    if (!quotas_.reset(*wan)) {
        std::string with;
        for (const auto &w : core_.config().wans)
            if (w.quota)
                with += (with.empty() ? "" : ", ") + w.name;
        return ctl::Reply::refused("quota reset: WAN '" + *wan + "' has no quota (WANs with one: " +
                                   (with.empty() ? "none" : with) + ")");
    }
    spdlog::info("WAN {}: quota reset on the control socket by pid {} (uid {})", *wan, peer.pid, peer.uid);
    quota_saved_ = {}; // written now
    tick_quotas(true);
    return ctl::Reply::done("quota of " + *wan + " reset: 0 B used of " +
                            notify::human_bytes(core_.config().wan(*wan)->quota->limit));
}

} // namespace jalur::agent
