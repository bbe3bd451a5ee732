// SPDX-License-Identifier: GPL-2.0-only
#include "agent/agent.h"

#include "agent/board_sections.h"
#include "agent/pin_log.h"

#include "common/bridge.h"
#include "config/parse.h"
#include "alerts/templates.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstring>

namespace jalur::agent {
using control::IdMap;
using control::plan_rules;
using control::policy_params;
using control::tiered_members;

namespace {

uint32_t ifindex_of(const std::string &name)
{
    return if_nametoindex(name.c_str());
}

datapath::XdpAttachMode xdp_mode(config::XdpMode m)
{
    switch (m) {
    case config::XdpMode::Native:
        return datapath::XdpAttachMode::Native;
    case config::XdpMode::Generic:
        return datapath::XdpAttachMode::Generic;
    default:
        return datapath::XdpAttachMode::Auto;
    }
}

// The gateway of a WAN: static from config, or "auto": the default route the
// interface's DHCP/PPPoE client put in the main table.
std::optional<Prefix> gateway_of(routing::Netlink &nl, const std::optional<std::string> &configured, int family,
                                 int ifindex)
{
    if (!configured)
        return std::nullopt;
    if (*configured != "auto") {
        auto p = Prefix::parse(*configured);
        return p ? std::optional<Prefix>(p.value()) : std::nullopt;
    }
    auto routes = nl.routes(family, RT_TABLE_MAIN);
    if (!routes)
        return std::nullopt;
    for (const auto &r : routes.value())
        if (r.dst.len == 0 && r.ifindex == ifindex && r.gateway && r.metric != routing::PolicyRouting::kMainMetric)
            return r.gateway; // the DHCP/PPPoE client's route, not the one jalur keeps in main
    return std::nullopt;
}

} // namespace

Result<std::unique_ptr<Agent>> Agent::start(config::Config cfg, RunOptions opts)
{
    std::unique_ptr<Agent> a(new Agent(std::move(cfg), opts));
    auto loop = EventLoop::create();
    if (!loop)
        return loop.error();
    a->loop_.emplace(std::move(loop).value());
    // Blocked here, before any thread starts (notifier, metrics), so every
    // thread inherits the mask and the signalfd alone receives them: a
    // thread without the mask would take SIGHUP's default action, exit.
    Agent *self = a.get();
    if (auto r = a->loop_->on_signals({SIGTERM, SIGINT, SIGHUP}, [self](int sig) { self->on_signal(sig); }); !r)
        return r.error();
    // one agent per pin directory, before anything is touched or sent
    auto instance = Instance::claim(a->cfg_.bpffs);
    if (!instance)
        return instance.error();
    a->instance_.emplace(std::move(instance).value());
    // before the host is touched: a token that cannot be read stops the start
    if (a->cfg_.notify) {
        auto n = notify::Notifier::start(*a->cfg_.notify);
        if (!n)
            return n.error();
        a->notifier_ = std::move(n).value();
    }

    auto nl = routing::Netlink::open();
    if (!nl)
        return nl.error();
    a->nl_.emplace(std::move(nl).value());
    auto events = routing::Netlink::open(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                                         RTMGRP_IPV6_ROUTE | RTMGRP_LINK);
    if (!events)
        return events.error();
    a->nl_events_.emplace(std::move(events).value());

    // Order matters: maps are filled before any program sees a packet, and
    // routing exists before packets are marked for it.
    for (const auto &w : a->cfg_.wans)
        a->wan_states_[w.name] = JALUR_WAN_UP;
    if (auto r = a->load_datapath(); !r)
        return r.error();
    if (auto r = a->publish(a->cfg_); !r)
        return r.error();
    if (auto r = a->refresh_local_nets(); !r)
        return r.error();
    a->routing_ = std::make_unique<routing::PolicyRouting>(*a->nl_, a->cfg_.fwmark_mask);
    if (auto r = a->apply_routing(a->cfg_); !r)
        return r.error();
    if (auto r = a->attach(a->cfg_); !r)
        return r.error();

    if (auto r = a->loop_->watch(a->nl_events_->fd(), [self] { self->on_netlink_event(); }); !r)
        return r.error();
    a->publish_board(a->cfg_);
    if (auto r = a->start_health(); !r)
        return r.error();
    a->check_wan_addresses();
    auto rogue = dhcp::RogueWatch::start(*a->loop_, *a->dp_, a->cfg_, [self](const dhcp::RogueAlert &alert) {
        self->on_rogue_dhcp(alert);
    });
    if (!rogue)
        return rogue.error();
    a->rogue_ = std::move(rogue).value();
    if (auto r = a->start_metrics(); !r)
        return r.error();
    spdlog::info("jalur running: {} WAN(s), {} polic{}, {} rule(s), pins in {}", a->cfg_.wans.size(),
                 a->cfg_.policies.size(), a->cfg_.policies.size() == 1 ? "y" : "ies", a->cfg_.rules.size(),
                 a->cfg_.bpffs);
    a->update_alert_path();
    std::string wans;
    for (const auto &w : a->cfg_.wans)
        wans += (wans.empty() ? "" : ", ") + w.name + " (" + w.interface + ")";
    a->alert(notify::Kind::AgentStart, {{"version", JALUR_VERSION}, {"wans", wans}});
    a->announced_ = true;
    return a;
}

Result<void> Agent::load_datapath()
{
    datapath::LoadOptions opts;
    opts.pin_dir = cfg_.bpffs;
    opts.sizes.flows = cfg_.flow_table_size;
    auto dp = datapath::Datapath::load(opts); // a failure leaves every pin as it was
    if (!dp)
        return dp.error();
    dp_.emplace(std::move(dp).value());
    log_pins(dp_->pins(), cfg_.bpffs);
    return {};
}

Result<void> Agent::publish(const config::Config &cfg)
{
    std::vector<std::string> wan_names, policy_names;
    for (const auto &w : cfg.wans)
        wan_names.push_back(w.name);
    for (const auto &p : cfg.policies)
        policy_names.push_back(p.name);
    auto old_wans = wan_ids_.ids();
    auto wan_ids = wan_ids_.assign(wan_names);
    if (!wan_ids)
        return errorf("WANs: " + wan_ids.error().message);
    auto policy_ids = policy_ids_.assign(policy_names);
    if (!policy_ids)
        return errorf("policies: " + policy_ids.error().message);

    // What the data path sees of each WAN: its health, except when every
    // WAN is down and the last resort keeps one in use.
    auto resort = last_resort_wan(cfg);
    auto state_of = [&](const std::string &name) {
        auto it = wan_states_.find(name);
        if (name == resort)
            return JALUR_WAN_LAST_RESORT;
        return it == wan_states_.end() ? JALUR_WAN_UP : it->second;
    };
    // Order: live WANs first, then the slot tables, then dead WANs, so that
    // no packet is ever classified onto a WAN that is down.
    auto write_wans = [&](bool live_ones) -> Result<void> {
        for (const auto &w : cfg.wans) {
            jalur_wan kw{};
            kw.ifindex = ifindex_of(w.interface);
            kw.fwmark = w.fwmark;
            kw.state = state_of(w.name);
            if ((kw.state != JALUR_WAN_DOWN) != live_ones)
                continue;
            jalur_wan old{};
            uint32_t id = wan_ids.value().at(w.name);
            kw.generation = dp_->wans().lookup(&id, &old) ? old.generation + (old.state != kw.state) : 0;
            if (auto r = datapath::set_wan(*dp_, id, kw); !r)
                return r;
        }
        return {};
    };
    if (auto r = write_wans(true); !r)
        return r;
    auto live = [&](const std::string &name) { return state_of(name) != JALUR_WAN_DOWN; };
    bool all_down = std::none_of(cfg.wans.begin(), cfg.wans.end(), [&](const config::Wan &w) { return live(w.name); });
    for (const auto &p : cfg.policies) {
        auto tiered = tiered_members(p, wan_ids.value(), live);
        for (auto &m : tiered) // a degraded WAN keeps carrying traffic, less of it
            if (state_of(m.member.name) == JALUR_WAN_DEGRADED)
                if (const auto *w = cfg.wan(m.member.name))
                    m.member.weight = std::max<uint32_t>(1, m.member.weight * w->health.degraded_weight / 100);
        auto members = balancer::active_members(tiered);
        auto table = p.mode == config::Mode::Nth ? balancer::build_nth_slots(members)
                                                 : balancer::build_hash_slots(members);
        auto params = policy_params(p);
        if (all_down) // the last resort, not each policy's fallback (main and unreachable pass it unmarked)
            params.fallback = JALUR_FALLBACK_MAIN;
        if (auto r = datapath::publish_policy(*dp_, policy_ids.value().at(p.name), params, table); !r)
            return r;
    }
    auto plan = plan_rules(cfg, policy_ids.value(), ifindex_of);
    if (auto r = datapath::publish_rules(*dp_, plan.rules, plan.default_action, cfg.fwmark_mask); !r)
        return r;
    if (auto r = write_wans(false); !r)
        return r;

    // WANs gone from the config: down, so their flows move on their next packet
    for (const auto &[name, id] : old_wans)
        if (!wan_ids.value().count(name))
            (void)datapath::set_wan_state(*dp_, id, JALUR_WAN_DOWN);
    return {};
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

Result<void> Agent::apply_routing(const config::Config &cfg)
{
    std::vector<routing::WanRouting> wans;
    for (const auto &w : cfg.wans) {
        routing::WanRouting wr;
        wr.name = w.name;
        wr.ifindex = static_cast<int>(ifindex_of(w.interface));
        wr.table = w.table;
        wr.fwmark = w.fwmark;
        wr.gateway4 = gateway_of(*nl_, w.gateway, 4, wr.ifindex);
        wr.gateway6 = gateway_of(*nl_, w.gateway6, 6, wr.ifindex);
        if (w.gateway && !wr.gateway4)
            spdlog::warn("WAN {}: no IPv4 gateway known yet on {}", w.name, w.interface);
        if (monitor_) // the probes follow an "auto" gateway as the tables do
            monitor_->set_gateways(w.name, wr.gateway4, wr.gateway6);
        wans.push_back(wr);
    }
    // With every WAN down the default stays on the best configured one: loose
    // rp_filter drops replies from any source the main table cannot route
    // back, and those include the probe replies that would bring a WAN back.
    const config::Wan *best = best_wan(cfg, true);
    if (!best)
        best = best_wan(cfg, false);
    for (auto &wr : wans)
        wr.main_default = best && wr.name == best->name;
    std::vector<std::string> unreachable_from;
    if (cfg.last_resort == config::LastResort::Unreachable && !best_wan(cfg, true))
        for (const auto &lan : cfg.lans)
            unreachable_from.push_back(lan.interface);
    return routing_->apply(wans, unreachable_from);
}

// With every WAN down and `last_resort: keep`, the WAN that went down last
// (or the best configured one) keeps carrying traffic; "" otherwise.
std::string Agent::last_resort_wan(const config::Config &cfg) const
{
    if (cfg.last_resort != config::LastResort::Keep || best_wan(cfg, true))
        return "";
    if (cfg.wan(last_live_))
        return last_live_;
    const auto *best = best_wan(cfg, false);
    return best ? best->name : "";
}

// the router's own traffic (alerts too) leaves by the best live WAN: lowest
// tier, then highest weight, then config order
const config::Wan *Agent::best_wan(const config::Config &cfg, bool live_only) const
{
    const config::Wan *best = nullptr;
    for (const auto &w : cfg.wans) {
        auto st = wan_states_.find(w.name);
        if (live_only && st != wan_states_.end() && st->second == JALUR_WAN_DOWN)
            continue;
        if (!best || w.tier < best->tier || (w.tier == best->tier && w.weight > best->weight))
            best = &w;
    }
    return best;
}

void Agent::update_alert_path()
{
    if (!notifier_)
        return;
    const auto *best = best_wan(cfg_, true);
    notifier_->set_path(best ? best->fwmark : 0); // 0: no WAN is up, alerts wait
}

void Agent::alert(notify::Kind kind, std::map<std::string, std::string> vars)
{
    if (!notifier_)
        return;
    if (auto r = notifier_->raise(notify::Alert{kind, std::move(vars), 0}); !r)
        spdlog::warn("{}", r.error().message);
}

Result<void> Agent::attach(const config::Config &cfg)
{
    std::vector<datapath::XdpAttachment> xdp;
    std::vector<datapath::TcAttachment> tc;
    for (const auto &lan : cfg.lans) {
        // A bridge has only generic XDP, which costs more than tc deciding
        // alone, and the kernel refuses XDP on its ports (for DHCP
        // inspection) while the bridge has a program: tc decides there.
        bool bridge_auto = lan.xdp == config::XdpMode::Auto && is_bridge(lan.interface);
        if (bridge_auto)
            spdlog::info("LAN {}: a bridge: tc decides; its ports are inspected for DHCP", lan.interface);
        if (lan.xdp != config::XdpMode::Off && !bridge_auto) {
            auto x = datapath::XdpAttachment::attach(lan.interface, dp_->xdp_lan_fd(), xdp_mode(lan.xdp));
            if (!x)
                return x.error();
            spdlog::info("LAN {}: XDP attached ({} mode)", lan.interface, x->native() ? "native" : "generic");
            xdp.push_back(std::move(x).value());
        }
        auto t = datapath::TcAttachment::attach(lan.interface, dp_->tc_lan_fd(), datapath::TcDirection::Ingress,
                                                dp_->ledger());
        if (!t)
            return t.error();
        tc.push_back(std::move(t).value());
    }
    for (const auto &w : cfg.wans) {
        auto t = datapath::TcAttachment::attach(w.interface, dp_->tc_wan_fd(), datapath::TcDirection::Ingress,
                                                dp_->ledger());
        if (!t)
            return t.error();
        tc.push_back(std::move(t).value());
    }
    datapath::take_over(xdp_, std::move(xdp));
    datapath::take_over(tc_, std::move(tc));
    return {};
}

Result<void> Agent::start_health()
{
    auto monitor = std::make_unique<health::Monitor>(*loop_, [this](const std::string &wan, const health::Transition &t) {
        on_transition(wan, t);
    });
    for (const auto &w : cfg_.wans) {
        health::ProbeSpec spec;
        spec.wan = w.name;
        spec.ifname = w.interface;
        spec.fwmark = w.fwmark;
        spec.health = w.health;
        int ifindex = static_cast<int>(ifindex_of(w.interface));
        spec.gateway4 = gateway_of(*nl_, w.gateway, 4, ifindex);
        spec.gateway6 = gateway_of(*nl_, w.gateway6, 6, ifindex);
        spec.has_gateway4 = w.gateway.has_value();
        spec.has_gateway6 = w.gateway6.has_value();
        // a reload keeps what each WAN's health was
        auto st = wan_states_.find(w.name);
        spec.initial = st == wan_states_.end() || st->second == JALUR_WAN_UP ? health::State::Up
                       : st->second == JALUR_WAN_DEGRADED                    ? health::State::Degraded
                                                                             : health::State::Down;
        if (auto r = monitor->add(spec); !r)
            return r;
    }
    monitor->on_round([this](const std::string &wan, const health::Round &r) { on_round(wan, r); });
    if (auto r = monitor->start(); !r)
        return r;
    monitor_ = std::move(monitor);
    for (const auto &[ifname, f] : links_) // a rebuilt monitor learns what the old one knew
        if (!f.carrier || !f.address)
            update_link(ifname);
    if (passive_timer_ >= 0)
        loop_->cancel(passive_timer_);
    passive_timer_ = -1;
    if (std::none_of(cfg_.wans.begin(), cfg_.wans.end(), [](const config::Wan &w) { return w.health.passive; }))
        return {};
    handshakes_ = health::HandshakeWatch{};
    watch_handshakes(); // the first sample is the baseline: take it before any traffic is balanced
    auto t = loop_->every(std::chrono::milliseconds(100), [this] { watch_handshakes(); });
    if (!t)
        return t.error();
    passive_timer_ = t.value();
    return {};
}

// A WAN without an address of its main family (IPv4 when it has an IPv4
// gateway) is down at once, as for carrier loss: a DHCP lease or PPPoE
// session that ended.
void Agent::check_wan_addresses()
{
    std::map<int, std::vector<routing::Address>> by_family;
    for (int family : {4, 6})
        if (auto a = nl_->addresses(family))
            by_family[family] = a.value();
    for (const auto &w : cfg_.wans) {
        int family = w.gateway ? 4 : 6;
        int ifindex = static_cast<int>(ifindex_of(w.interface));
        const auto &addrs = by_family[family];
        bool has = std::any_of(addrs.begin(), addrs.end(), [&](const routing::Address &a) { return a.ifindex == ifindex; });
        auto &facts = links_[w.interface];
        facts.address_family = family;
        if (facts.address != has) {
            facts.address = has;
            update_link(w.interface);
        }
    }
}

void Agent::update_link(const std::string &ifname)
{
    const auto &f = links_[ifname];
    std::string cause = !f.carrier ? "carrier lost" : "no IPv" + std::to_string(f.address_family) + " address on " + ifname;
    if (monitor_)
        monitor_->link(ifname, f.carrier && f.address, cause);
}

// The passive signal: ten reads a second of two counters per WAN.
void Agent::watch_handshakes()
{
    std::map<std::string, health::HandshakeCounts> counts;
    for (const auto &[name, id] : wan_ids_.ids()) {
        auto s = dp_->wan_stats_sum(id);
        counts[name] = {s.syn_out, s.synack_in};
    }
    for (const auto &stall : handshakes_.update(counts, health::Clock::now())) {
        const auto *w = cfg_.wan(stall.wan);
        if (!w || !w->health.passive)
            continue;
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(stall.for_).count();
        monitor_->burst(stall.wan, std::to_string(stall.syns) + " TCP handshakes unanswered for " +
                                       std::to_string(ms) + " ms while other WANs complete theirs");
    }
}

void Agent::publish_board(const config::Config &cfg)
{
    auto now = metrics::WallClock::now();
    board_.edit([&](metrics::Board &b) {
        if (b.started_at == metrics::WallClock::time_point{})
            b.started_at = b.loop_tick = now;
        b.config_file = cfg.file;
        b.policies = cfg.policies.size();
        b.rules = cfg.rules.size();
        std::vector<metrics::WanView> wans;
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
            wans.push_back(std::move(v));
        }
        b.wans = std::move(wans);
    });
}

Result<void> Agent::start_metrics()
{
    if (!cfg_.metrics.enabled) {
        exporter_.reset();
        return {};
    }
    // the heartbeat /healthz judges the event loop by
    auto beat = loop_->every(std::chrono::seconds(1), [this] {
        board_.edit([](metrics::Board &b) { b.loop_tick = metrics::WallClock::now(); });
        publish_sections();
    });
    if (!beat)
        return beat.error();
    auto e = metrics::Exporter::start(cfg_.metrics, cfg_.bpffs, board_);
    if (!e) {
        loop_->cancel(beat.value());
        return e.error();
    }
    exporter_ = std::move(e).value();
    metrics_heartbeat_ = beat.value();
    return {};
}

void Agent::publish_sections()
{
    if (rogue_)
        board_.set_section("rogue_dhcp_servers", rogue_servers_section(rogue_->alerts()));
    if (notifier_)
        board_.set_section("notify", notify_section(notifier_->stats()));
}

void Agent::on_round(const std::string &wan, const health::Round &r)
{
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
    bool was_any_live = best_wan(cfg_, true) != nullptr;
    wan_states_[wan] = t.to == health::State::Up         ? JALUR_WAN_UP
                       : t.to == health::State::Degraded ? JALUR_WAN_DEGRADED
                                                         : JALUR_WAN_DOWN;
    bool all_down = !best_wan(cfg_, true);
    if (all_down && was_any_live)
        last_live_ = wan;
    if (auto r = publish(cfg_); !r)
        spdlog::error("WAN {}: publishing the new state failed: {}", wan, r.error().message);
    if (auto r = apply_routing(cfg_); !r)
        spdlog::warn("routing: {}", r.error().message);

    update_alert_path();
    std::map<std::string, std::string> vars{{"wan", wan}, {"cause", t.cause}, {"state", health::state_name(t.to)}};
    if (const auto *w = cfg_.wan(wan))
        vars["interface"] = w->interface;
    if (t.from == health::State::Down)
        vars["down_for"] = notify::human_duration(std::chrono::duration<double>(t.was_down).count());
    else if (t.to == health::State::Up)
        vars["down_for"] = "not down (it was degraded)";
    alert(t.to == health::State::Down       ? notify::Kind::WanDown
          : t.to == health::State::Degraded ? notify::Kind::WanDegraded
                                            : notify::Kind::WanUp,
          std::move(vars));
    if (all_down && was_any_live) {
        std::string resort = cfg_.last_resort == config::LastResort::Keep
                                 ? "keep: " + last_resort_wan(cfg_) + " keeps carrying traffic"
                             : cfg_.last_resort == config::LastResort::Main
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
    alert(notify::Kind::RogueDhcp, std::move(vars));
}

void Agent::on_netlink_event()
{
    // what jalur itself writes (its tables) comes back here too: only the
    // main table, addresses and links can change local destinations or an
    // "auto" gateway
    bool relevant = false;
    nl_events_->drain([&](const nlmsghdr *m) {
        if (auto l = routing::parse_link(m)) {
            char name[IF_NAMESIZE] = "";
            if (if_indextoname(static_cast<unsigned>(l->ifindex), name)) {
                links_[name].carrier = l->carrier;
                update_link(name); // at once: carrier loss needs no probe
            }
        }
        if (auto r = routing::parse_route(m))
            relevant = relevant || r->table == RT_TABLE_MAIN;
        else
            relevant = true;
    });
    if (!relevant)
        return;
    // coalesce bursts (a DHCP renewal touches addresses and routes at once)
    if (local_nets_dirty_)
        return;
    local_nets_dirty_ = true;
    (void)loop_->after(std::chrono::milliseconds(50), [this] {
        local_nets_dirty_ = false;
        check_wan_addresses();
        if (auto r = refresh_local_nets(); !r)
            spdlog::warn("local destinations: {}", r.error().message);
        if (auto r = apply_routing(cfg_); !r)
            spdlog::warn("routing: {}", r.error().message);
    });
}

Result<void> Agent::reload(const config::Config &next)
{
    if (next.bpffs != cfg_.bpffs || next.flow_table_size != cfg_.flow_table_size)
        return errorf("bpffs and flow_table_size take effect only on restart");
    for (const auto &w : next.wans)
        if (!wan_states_.count(w.name))
            wan_states_[w.name] = JALUR_WAN_UP;
    if (auto r = publish(next); !r)
        return r;
    if (next.fwmark_mask != cfg_.fwmark_mask)
        routing_ = std::make_unique<routing::PolicyRouting>(*nl_, next.fwmark_mask);
    if (auto r = apply_routing(next); !r)
        return r;
    if (auto r = attach(next); !r)
        return r;
    bool metrics_changed = next.metrics.enabled != cfg_.metrics.enabled ||
                           next.metrics.address != cfg_.metrics.address || next.metrics.port != cfg_.metrics.port ||
                           next.metrics.flow_count_interval != cfg_.metrics.flow_count_interval;
    if (auto r = rogue_->apply(next); !r)
        return r;
    bool health_changed = next.wans.size() != cfg_.wans.size() ||
                          !std::equal(next.wans.begin(), next.wans.end(), cfg_.wans.begin(),
                                      [](const config::Wan &a, const config::Wan &b) {
                                          return a.name == b.name && a.interface == b.interface &&
                                                 a.fwmark == b.fwmark && a.gateway == b.gateway &&
                                                 a.gateway6 == b.gateway6 && same_probing(a.health, b.health);
                                      });
    cfg_ = next;
    if (health_changed)
        if (auto r = start_health(); !r)
            spdlog::error("health probes: {}; the old probes keep running", r.error().message);
    publish_board(cfg_);
    update_alert_path(); // the notify section itself takes effect on restart
    if (metrics_changed) {
        exporter_.reset();
        if (metrics_heartbeat_ >= 0)
            loop_->cancel(metrics_heartbeat_);
        metrics_heartbeat_ = -1;
        if (auto r = start_metrics(); !r)
            spdlog::error("metrics endpoint: {}", r.error().message);
    }
    spdlog::info("reloaded {}: {} WAN(s), {} polic{}, {} rule(s)", cfg_.file, cfg_.wans.size(), cfg_.policies.size(),
                 cfg_.policies.size() == 1 ? "y" : "ies", cfg_.rules.size());
    return {};
}

void Agent::on_signal(int sig)
{
    if (sig != SIGHUP) {
        spdlog::info("signal {}: stopping", sig == SIGTERM ? "TERM" : "INT");
        loop_->stop();
        return;
    }
    auto next = config::load_file(cfg_.file);
    if (next)
        if (auto r = config::check_interfaces(next.value()); !r)
            next = r.error();
    if (!next) {
        spdlog::error("reload rejected, the running config stays:\n{}", next.error().message);
        return;
    }
    if (auto res = reload(next.value()); !res)
        spdlog::error("reload failed: {}", res.error().message);
}

Result<void> Agent::run() { return loop_->run(); }

Agent::~Agent()
{
    // while routing is still in place: the stop alert needs a WAN
    if (notifier_ && announced_) {
        alert(notify::Kind::AgentStop, {{"version", JALUR_VERSION}});
        if (!notifier_->flush(std::chrono::seconds(3)))
            spdlog::info("alerts: {} waiting in the spool; they go out after the next start",
                         notifier_->stats().queued);
    }
    notifier_.reset();
    exporter_.reset(); // its threads read the pins: stop them before anything goes
    if (opts_.keep_datapath) {
        if (rogue_)
            rogue_->release();
        for (auto &x : xdp_)
            x.release();
        for (auto &t : tc_)
            t.release();
        if (routing_)
            routing_->release();
        if (instance_)
            instance_->keep();
        spdlog::info("stopped; the data path keeps running from {}", cfg_.bpffs);
        return;
    }
    // programs off first, then routing, then the pins
    rogue_.reset();
    xdp_.clear();
    tc_.clear();
    routing_.reset();
    if (dp_)
        dp_->unpin();
    dp_.reset();
    instance_.reset();
    spdlog::info("stopped; the host is as it was before start");
}

} // namespace jalur::agent
