// SPDX-License-Identifier: GPL-2.0-only
// The agent's observers: what the kernel says of interfaces, addresses and
// gateways, and the passive handshake signal, reported to the control core.
// Nothing here decides; a change is followed by a reconcile.
#include "agent/agent.h"

#include <linux/rtnetlink.h>
#include <spdlog/spdlog.h>

#include <set>

namespace jalur::agent {

namespace {

// The gateway of a WAN: static from config, or "auto": the default route the
// interface's DHCP/PPPoE client put in the main table.
std::optional<Prefix> gateway_of(const std::vector<routing::Route> &main, const std::optional<std::string> &configured,
                                 int ifindex)
{
    if (!configured)
        return std::nullopt;
    if (*configured != "auto") {
        auto p = Prefix::parse(*configured);
        return p ? std::optional<Prefix>(p.value()) : std::nullopt;
    }
    if (ifindex == 0)
        return std::nullopt;
    for (const auto &r : main)
        if (r.dst.len == 0 && r.ifindex == ifindex && r.gateway && r.metric != routing::PolicyRouting::kMainMetric)
            return r.gateway; // the DHCP/PPPoE client's route, not the one jalur keeps in main
    return std::nullopt;
}

} // namespace

// Every interface the config names, found by name: one that is absent, has
// appeared, or was recreated with a new ifindex (a PPPoE re-dial, a USB
// modem) is seen here.
void Agent::observe_interfaces()
{
    const auto &cfg = core_.config();
    std::set<std::string> names;
    for (const auto &lan : cfg.lans)
        names.insert(lan.interface);
    for (const auto &w : cfg.wans)
        names.insert(w.interface);
    auto links = nl_->links();
    if (!links) {
        spdlog::warn("interfaces: {}", links.error().message);
        return;
    }
    for (const auto &name : names) {
        control::InterfaceFacts f;
        for (const auto &l : links.value())
            if (l.name == name)
                f = {true, static_cast<uint32_t>(l.ifindex), l.carrier, l.bridge};
        const auto old = core_.world().interface(name);
        if (!core_.set_interface(name, f))
            continue;
        if (old.present && (!f.present || old.ifindex != f.ifindex) && monitor_)
            monitor_->interface_changed(name);
        if (f.present && !old.present)
            spdlog::info("interface {} is here (ifindex {})", name, f.ifindex);
        else if (!f.present && old.present)
            spdlog::warn("interface {} is gone", name);
        else if (f.ifindex != old.ifindex)
            spdlog::info("interface {} was recreated (ifindex {} -> {})", name, old.ifindex, f.ifindex);
    }
}

// A WAN without an address of its main family (IPv4 when it has an IPv4
// gateway) is down at once, as for carrier loss: a DHCP lease or PPPoE
// session that ended.
void Agent::observe_addresses()
{
    std::map<int, std::vector<routing::Address>> by_family;
    for (int family : {4, 6})
        if (auto a = nl_->addresses(family))
            by_family[family] = a.value();
    for (const auto &w : core_.config().wans) {
        const auto &link = core_.world().interface(w.interface);
        const auto &addrs = by_family[w.gateway ? 4 : 6];
        has_address_[w.interface] = link.present && std::any_of(addrs.begin(), addrs.end(), [&](const routing::Address &a) {
                                        return a.ifindex == static_cast<int>(link.ifindex);
                                    });
    }
}

void Agent::observe_gateways()
{
    std::map<int, std::vector<routing::Route>> main;
    for (int family : {4, 6})
        if (auto r = nl_->routes(family, RT_TABLE_MAIN))
            main[family] = r.value();
    for (const auto &w : core_.config().wans) {
        const auto &link = core_.world().interface(w.interface);
        int ifindex = link.present ? static_cast<int>(link.ifindex) : 0;
        auto gw4 = gateway_of(main[4], w.gateway, ifindex);
        auto gw6 = gateway_of(main[6], w.gateway6, ifindex);
        if (!core_.set_gateways(w.name, gw4, gw6))
            continue;
        if (w.gateway && !gw4 && link.present)
            spdlog::warn("WAN {}: no IPv4 gateway known yet on {}", w.name, w.interface);
        if (monitor_) // the probes follow an "auto" gateway as the tables do
            monitor_->set_gateways(w.name, gw4, gw6);
    }
}

// What the health monitor knows of each WAN's link: up with its interface
// present, carrier and an address; the cause says what is missing.
void Agent::tell_monitor_links()
{
    for (const auto &w : core_.config().wans) {
        const auto &link = core_.world().interface(w.interface);
        LinkFacts f;
        f.up = link.present && link.carrier && has_address_[w.interface];
        f.cause = !link.present   ? "no interface " + w.interface
                  : !link.carrier ? std::string("carrier lost")
                                  : "no IPv" + std::string(w.gateway ? "4" : "6") + " address on " + w.interface;
        auto &known = links_[w.interface];
        if (known.up == f.up && (f.up || known.cause == f.cause))
            continue;
        known = f;
        if (monitor_)
            monitor_->link(w.interface, f.up, f.cause);
    }
}

void Agent::on_netlink_event()
{
    // What jalur itself writes (its tables) comes back here too. A link
    // event is acted on at once (carrier loss needs no probe); addresses
    // and main-table routes, which come in bursts (a DHCP renewal touches
    // both), are coalesced.
    bool links = false, others = false;
    nl_events_->drain([&](const nlmsghdr *m) {
        if (m->nlmsg_type == RTM_NEWLINK || m->nlmsg_type == RTM_DELLINK)
            links = true;
        else if (auto r = routing::parse_route(m))
            others = others || r->table == RT_TABLE_MAIN;
        else
            others = true;
    });
    if (links) {
        observe_interfaces();
        observe_addresses();
        tell_monitor_links();
        if (auto r = reconcile(); !r)
            spdlog::warn("{}", r.error().message);
    }
    if (!others || observe_pending_)
        return;
    observe_pending_ = true;
    (void)loop_->after(std::chrono::milliseconds(50), [this] {
        observe_pending_ = false;
        observe_interfaces();
        observe_addresses();
        observe_gateways();
        tell_monitor_links();
        if (auto r = refresh_local_nets(); !r)
            spdlog::warn("local destinations: {}", r.error().message);
        // (a route the kernel dropped with an address: routing's repair watch)
        if (auto r = reconcile(); !r)
            spdlog::warn("{}", r.error().message);
    });
}

// The passive signal: ten reads a second of two counters per WAN.
void Agent::watch_handshakes()
{
    std::map<std::string, health::HandshakeCounts> counts;
    for (const auto &[name, id] : core_.ids().wans) {
        auto s = dp_->wan_stats_sum(id);
        counts[name] = {s.syn_out, s.synack_in};
    }
    for (const auto &stall : handshakes_.update(counts, health::Clock::now())) {
        const auto *w = core_.config().wan(stall.wan);
        if (!w || !w->health.passive)
            continue;
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(stall.for_).count();
        monitor_->burst(stall.wan, std::to_string(stall.syns) + " TCP handshakes unanswered for " +
                                       std::to_string(ms) + " ms while other WANs complete theirs");
    }
}

} // namespace jalur::agent
