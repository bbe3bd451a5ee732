// SPDX-License-Identifier: GPL-2.0-only
// From the control core's desired state to the host: each effector is
// handed its part and writes only what differs. Called after every change
// the observers report; a failure is logged and retried by the heartbeat.
#include "agent/agent.h"

#include "alerts/templates.h"
#include "datapath/tables.h"
#include "health/wan_health.h"

#include <linux/rtnetlink.h>
#include <spdlog/spdlog.h>

namespace jalur::agent {

namespace {

control::Health health_of(health::State s)
{
    switch (s) {
    case health::State::Up:
        return control::Health::Up;
    case health::State::Degraded:
        return control::Health::Degraded;
    case health::State::Down:
        break;
    }
    return control::Health::Down;
}

} // namespace

Result<void> Agent::reconcile()
{
    auto want = core_.desired();
    auto now = std::chrono::duration_cast<control::Millis>(std::chrono::steady_clock::now().time_since_epoch());
    auto endings = flag_flows(flow_ends_.update(core_.config(), core_.ids(), want.datapath, now));
    Result<void> first;
    auto note = [&](const char *what, Result<void> r) {
        if (!r && first)
            first = Error{std::string(what) + ": " + r.error().message, r.error().err, r.error().kind};
    };
    // the data path first: packets are marked for tables that exist, and a
    // dead WAN is out of the slot tables before its routes change
    note("data path", publisher_->apply(want.datapath));
    finish_ending(endings);
    note("routing", apply_routing(want.routing));
    note("attachments", attachments_->apply(want.attachments));
    if (notifier_)
        notifier_->set_path(want.alert_fwmark); // 0: no WAN is up, alerts wait
    if (telegram_)
        telegram_->set_path(want.alert_fwmark); // commands come and go the same way
    retry_ = !first.ok();
    return first;
}

// Only a change is applied: what others remove is routing's repair watch's
// to put back, and a failed apply leaves routed_ unknown, so it is retried.
Result<void> Agent::apply_routing(const control::RoutingState &wanted)
{
    if (routed_ && *routed_ == wanted)
        return {};
    if (!routing_ || !routed_ || routed_->fwmark_mask != wanted.fwmark_mask) {
        if (routing_)
            routing_->remove_all();
        routing_ = std::make_unique<routing::PolicyRouting>(*nl_, wanted.fwmark_mask);
    }
    auto r = routing_->apply(wanted.wans, wanted.unreachable_from);
    if (r)
        routed_ = wanted;
    else
        routed_.reset(); // unknown: the next pass applies all again
    return r;
}

Result<void> Agent::refresh_local_nets()
{
    std::vector<Prefix> nets;
    for (int family : {4, 6}) {
        auto addrs = nl_->addresses(family);
        if (!addrs)
            return addrs.error();
        for (auto a : addrs.value()) {
            a.addr.len = a.addr.max_len(); // the router itself
            nets.push_back(a.addr);
        }
        auto routes = nl_->routes(family, RT_TABLE_MAIN);
        if (!routes)
            return routes.error();
        for (const auto &r : routes.value())
            if (r.dst.len > 0 && r.type == RTN_UNICAST) // connected and specific routes, never the default
                nets.push_back(r.dst);
    }
    return datapath::set_local_nets(*dp_, nets);
}

void Agent::alert(notify::Kind kind, std::map<std::string, std::string> vars)
{
    if (!notifier_)
        return;
    std::string wan = vars.count("wan") ? vars["wan"] : "";
    std::string what(notify::kind_name(kind));
    if (auto r = notifier_->raise(notify::Alert{kind, std::move(vars), 0}); !r) {
        spdlog::warn("{}", r.error().message);
        events_->add(EventKind::Alert, wan, what + " alert not queued: " + r.error().message);
    } else {
        events_->add(EventKind::Alert, wan, what + " alert queued for Telegram");
    }
}

void Agent::on_transition(const std::string &wan, const health::Transition &t)
{
    if (t.to == health::State::Down)
        spdlog::warn("WAN {} down: {}", wan, t.cause);
    else if (t.to == health::State::Degraded)
        spdlog::warn("WAN {} degraded: {}", wan, t.cause);
    else if (t.from == health::State::Down)
        spdlog::info("WAN {} up after {:.1f}s down: {}", wan, std::chrono::duration<double>(t.was_down).count(),
                     t.cause);
    else
        spdlog::info("WAN {} up again, no longer degraded: {}", wan, t.cause);
    events_->add(EventKind::Transition, wan,
                 std::string(health::state_name(t.from)) + " -> " + health::state_name(t.to) + ": " + t.cause);
    board_.edit([&](metrics::Board &b) {
        if (auto *v = b.wan(wan)) {
            v->state = health::state_name(t.to);
            v->since = metrics::WallClock::now();
            v->transitions[v->state]++;
            if (t.to != health::State::Up)
                v->last_failure = t.cause;
        }
    });
    handshakes_.forget(wan); // a WAN back up may stall again at once; one gone down starts afresh
    bool was_any_live = core_.any_live();
    last_reset_.erase(wan);
    core_.set_health(wan, health_of(t.to), t.cause);
    bool all_down = !core_.any_live();
    if (auto r = reconcile(); !r)
        spdlog::error("WAN {}: applying the new state: {}", wan, r.error().message);

    // an outage announced before a restart is not announced again
    std::string state = health::state_name(t.to);
    if (announced_ && announced_->state(wan) == state)
        return;
    if (announced_)
        announced_->set(wan, state);
    std::map<std::string, std::string> vars{{"wan", wan}, {"cause", t.cause}, {"state", state}};
    if (const auto *w = core_.config().wan(wan))
        vars["interface"] = w->interface;
    if (t.to == health::State::Down) {
        auto n = last_reset_.count(wan) ? last_reset_.at(wan) : 0;
        vars["flows"] = std::to_string(n) + (n == 1 ? " connection reset" : " connections reset");
    }
    if (t.from == health::State::Down)
        vars["down_for"] = notify::human_duration(std::chrono::duration<double>(t.was_down).count());
    else if (t.to == health::State::Up)
        vars["down_for"] = "not down (it was degraded)";
    alert(t.to == health::State::Down       ? notify::Kind::WanDown
          : t.to == health::State::Degraded ? notify::Kind::WanDegraded
                                            : notify::Kind::WanUp,
          std::move(vars));
    if (all_down && was_any_live) {
        const auto &cfg = core_.config();
        std::string resort = cfg.last_resort == config::LastResort::Keep
                                 ? "keep: " + core_.desired().last_resort_wan + " keeps carrying traffic"
                             : cfg.last_resort == config::LastResort::Main
                                 ? "main: new connections leave by the main routing table"
                                 : "unreachable: new connections from the LAN get network unreachable";
        spdlog::error("every WAN is down; last resort {}", resort);
        alert(notify::Kind::AllWansDown, {{"wan", wan}, {"last_resort", resort}});
    }
}

void Agent::on_rogue_dhcp(const dhcp::RogueAlert &rogue)
{
    auto vars = rogue.fields; // the template ignores the fields it does not name
    std::string what = vars["message"];
    if (vars["dropped"] == "yes")
        what += ", dropped (guard mode)";
    if (rogue.servers > 1)
        what += "; " + std::to_string(rogue.servers) + " servers over the alert limit, the latest shown (forged "
                "MACs?)";
    else if (!rogue.first)
        what += ", " + std::to_string(rogue.total) + " since first seen";
    vars["message"] = what;
    vars["count"] = std::to_string(rogue.count);
    events_->add(EventKind::RogueDhcp, "", what);
    alert(notify::Kind::RogueDhcp, std::move(vars));
}

} // namespace jalur::agent
