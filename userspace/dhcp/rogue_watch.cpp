// SPDX-License-Identifier: GPL-2.0-only
#include "dhcp/rogue_watch.h"

#include "common/bridge.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace jalur::dhcp {

namespace {

uint32_t mode_of(config::DhcpMode m)
{
    switch (m) {
    case config::DhcpMode::Guard:
        return JALUR_DHCP_GUARD;
    case config::DhcpMode::Alert:
        return JALUR_DHCP_ALERT;
    default:
        return JALUR_DHCP_OFF;
    }
}

std::string port_name(uint32_t ifindex)
{
    char buf[IF_NAMESIZE];
    return if_indextoname(ifindex, buf) ? buf : "ifindex " + std::to_string(ifindex);
}

// The router's own LAN addresses: its own DHCP server is trusted without
// configuration (its replies leave by egress and are never inspected; this
// covers a reflection coming back in).
std::optional<std::array<uint8_t, 6>> interface_mac(const std::string &ifname)
{
    std::ifstream f("/sys/class/net/" + ifname + "/address");
    std::string text;
    unsigned b[6];
    if (!(f >> text) || std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
        return std::nullopt;
    std::array<uint8_t, 6> mac;
    for (int i = 0; i < 6; i++)
        mac[i] = static_cast<uint8_t>(b[i]);
    return mac;
}

template <typename Key, typename Value>
Result<void> replace_all(const datapath::Map &map, const std::vector<std::pair<Key, Value>> &entries)
{
    // stale keys first out, so a removed trust never lingers
    std::vector<Key> stale;
    Key k{}, next{};
    const Key *prev = nullptr;
    while (bpf_map_get_next_key(map.fd(), prev, &next) == 0) {
        if (std::none_of(entries.begin(), entries.end(),
                         [&](const auto &e) { return std::memcmp(&e.first, &next, sizeof(Key)) == 0; }))
            stale.push_back(next);
        k = next;
        prev = &k;
    }
    for (const auto &[key, value] : entries)
        if (auto r = map.update(&key, &value); !r)
            return r;
    for (const auto &key : stale)
        (void)map.erase(&key);
    return {};
}

// How a LAN bridge port is inspected, one rule: native XDP (jalur_xdp_port)
// on a physical NIC whose driver has it, unless the LAN says `xdp: off`; tc
// (jalur_tc_port) on every other port. Never generic XDP: it builds an XDP
// view of every skb, which cost forwarding a sixth of its TCP throughput and
// UDP packet rate (bench/forwarding.sh) where tc's first look at the header
// costs next to nothing; and native XDP on a virtual port (veth: containers,
// the lab) takes the port off GRO (the same script: 1 Gbit/s against 11-18).
bool port_wants_xdp(const InspectedPort &p)
{
    std::error_code ec;
    return p.xdp_allowed && std::filesystem::exists("/sys/class/net/" + p.ifname + "/device", ec);
}

} // namespace

std::vector<InspectedPort> inspected_ports(const config::Config &cfg)
{
    const auto &g = cfg.dhcp_guard;
    std::vector<InspectedPort> out;
    auto add = [&](const std::string &ifname, bool bridge_port, bool xdp_allowed) {
        auto it = g.ports.find(ifname);
        InspectedPort p{ifname, mode_of(it != g.ports.end() ? it->second : g.mode),
                        std::find(g.trusted_ports.begin(), g.trusted_ports.end(), ifname) != g.trusted_ports.end(),
                        bridge_port, xdp_allowed};
        if (p.mode != JALUR_DHCP_OFF)
            out.push_back(p);
    };
    for (const auto &lan : cfg.lans) {
        if (is_bridge(lan.interface)) {
            for (const auto &p : bridge_ports(lan.interface))
                add(p, true, lan.xdp != config::XdpMode::Off);
        } else if (lan.xdp != config::XdpMode::Off) {
            add(lan.interface, false, true);
        } else {
            spdlog::warn("LAN {}: xdp is off, so its DHCP is not inspected", lan.interface);
        }
    }
    return out;
}

Result<std::unique_ptr<RogueWatch>> RogueWatch::start(EventLoop &loop, const datapath::Datapath &dp,
                                                      const config::Config &cfg, OnAlert on_alert)
{
    std::unique_ptr<RogueWatch> w(new RogueWatch(loop, dp, std::move(on_alert)));
    RogueWatch *self = w.get();
    w->rb_ = ring_buffer__new(
        dp.dhcp_events().fd(),
        [](void *ctx, void *data, size_t size) -> int {
            if (size >= sizeof(jalur_dhcp_event)) {
                jalur_dhcp_event ev;
                std::memcpy(&ev, data, sizeof ev);
                static_cast<RogueWatch *>(ctx)->on_event(ev);
            }
            return 0;
        },
        self, nullptr);
    if (!w->rb_)
        return errorf("rogue DHCP: cannot read the dhcp_events ring buffer: " + std::string(strerror(errno)));
    if (auto r = loop.watch(ring_buffer__epoll_fd(w->rb_), [self] { ring_buffer__consume(self->rb_); }); !r)
        return r.error();
    if (auto r = w->apply(cfg); !r)
        return r.error();
    // events left in the pinned ring buffer while no agent ran
    ring_buffer__consume(w->rb_);
    return w;
}

RogueWatch::~RogueWatch()
{
    if (summary_timer_ >= 0)
        loop_.cancel(summary_timer_);
    if (rb_) {
        loop_.unwatch(ring_buffer__epoll_fd(rb_));
        ring_buffer__free(rb_);
    }
}

Result<void> RogueWatch::apply(const config::Config &cfg)
{
    const auto &g = cfg.dhcp_guard;
    auto ports = inspected_ports(cfg);

    std::vector<std::pair<jalur_mac_key, uint32_t>> macs;
    std::vector<std::pair<jalur_addr_key, uint32_t>> addrs;
    auto trust_mac = [&](const std::array<uint8_t, 6> &m) {
        jalur_mac_key k{};
        std::memcpy(k.addr, m.data(), 6);
        macs.emplace_back(k, 1u);
    };
    for (const auto &t : g.trusted_servers) {
        if (t.mac)
            trust_mac(*t.mac);
        if (t.address) {
            jalur_addr_key k{};
            k.family = t.address->family == 4 ? JALUR_FAMILY_V4 : JALUR_FAMILY_V6;
            std::memcpy(k.addr, t.address->addr.data(), t.address->family == 4 ? 4 : 16);
            addrs.emplace_back(k, 1u);
        }
    }
    for (const auto &lan : cfg.lans)
        if (auto m = interface_mac(lan.interface))
            trust_mac(*m);

    // ports to inspect go in first, gone ones out last, nothing half-applied:
    // the maps are written only after every bridge port is attached
    std::vector<datapath::XdpAttachment> attached;
    std::vector<datapath::TcAttachment> attached_tc;
    std::vector<std::string> hooks; // per port, for the log
    for (const auto &p : ports) {
        if (!p.bridge_port) {
            hooks.emplace_back();
            continue;
        }
        std::string why_tc = p.xdp_allowed ? "a virtual port" : "xdp: off";
        if (port_wants_xdp(p)) {
            auto x = datapath::XdpAttachment::attach(p.ifname, dp_.xdp_port_fd(), datapath::XdpAttachMode::Native);
            if (x) {
                attached.push_back(std::move(x).value());
                hooks.emplace_back("native XDP");
                continue;
            }
            why_tc = "no native XDP: " + x.error().message;
        }
        auto t = datapath::TcAttachment::attach(p.ifname, dp_.tc_port_fd(), datapath::TcDirection::Ingress,
                                                dp_.ledger());
        if (!t)
            return errorf("rogue DHCP: port " + p.ifname + ": " + t.error().message);
        attached_tc.push_back(std::move(t).value());
        hooks.push_back("tc, " + why_tc);
        // an older agent inspected it with XDP: one program is enough
        if (datapath::detach_xdp_named(p.ifname, "jalur_xdp_port"))
            spdlog::info("rogue DHCP: {}: removed the XDP port program an earlier agent left", p.ifname);
    }
    std::vector<std::pair<uint32_t, jalur_dhcp_port>> port_entries;
    for (const auto &p : ports)
        if (uint32_t ifindex = if_nametoindex(p.ifname.c_str()))
            port_entries.emplace_back(ifindex, jalur_dhcp_port{p.mode, p.trusted ? 1u : 0u});

    uint32_t zero = 0;
    using std::chrono::duration_cast;
    jalur_dhcp_config limits{g.events_per_mac, g.events_total,
                             static_cast<uint64_t>(duration_cast<std::chrono::nanoseconds>(g.rate_interval).count())};
    if (auto r = dp_.dhcp_config().update(&zero, &limits); !r)
        return r;
    if (auto r = replace_all(dp_.dhcp_trusted_macs(), macs); !r)
        return r;
    if (auto r = replace_all(dp_.dhcp_trusted_addrs(), addrs); !r)
        return r;
    if (auto r = replace_all(dp_.dhcp_ports(), port_entries); !r)
        return r;

    // a port that changed hooks (or left) is detached as its old owner goes
    datapath::take_over(port_xdp_, std::move(attached));
    datapath::take_over(port_tc_, std::move(attached_tc));

    alerts_.set_timeout(g.alert_timeout);
    if (summary_timer_ >= 0)
        loop_.cancel(summary_timer_);
    // summaries are checked at a tenth of the timeout: late by at most that
    auto tick = std::max(std::chrono::milliseconds(100),
                         std::chrono::duration_cast<std::chrono::milliseconds>(g.alert_timeout) / 10);
    auto t = loop_.every(tick, [this] { flush_summaries(); });
    if (!t)
        return t.error();
    summary_timer_ = t.value();
    for (size_t i = 0; i < ports.size(); i++) {
        const auto &p = ports[i];
        spdlog::info("rogue DHCP: inspecting {} ({}{}){}", p.ifname, p.mode == JALUR_DHCP_GUARD ? "guard" : "alert",
                     p.trusted ? ", trusted port" : "", hooks[i].empty() ? "" : " by " + hooks[i]);
    }
    return {};
}

void RogueWatch::release()
{
    for (auto &x : port_xdp_)
        x.release();
    for (auto &t : port_tc_)
        t.release();
}

void RogueWatch::on_event(const jalur_dhcp_event &ev)
{
    report(alerts_.on_event(event_fields(ev, port_name(ev.ifindex)), Clock::now()));
}

void RogueWatch::flush_summaries() { report(alerts_.due(Clock::now())); }

void RogueWatch::report(const std::vector<RogueAlert> &alerts)
{
    for (const auto &a : alerts) {
        if (a.servers > 1)
            spdlog::warn("rogue DHCP: {} servers over the alert limit, {} event(s); the latest: {}", a.servers, a.count,
                         event_line(a.fields));
        else if (a.first)
            spdlog::warn("{}", event_line(a.fields));
        else
            spdlog::warn("{} ({} more since the last alert, {} in all)", event_line(a.fields), a.count, a.total);
        if (on_alert_)
            on_alert_(a);
    }
}

} // namespace jalur::dhcp
