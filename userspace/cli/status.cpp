// SPDX-License-Identifier: GPL-2.0-only
// `jalur status` and `jalur flows`: read the pinned maps, name WANs by the
// config (matched by interface, so ids reassigned by reloads don't matter).
#include "cli/commands.h"
#include "cli/load_config.h"
#include "common/json.h"
#include "common/prefix.h"
#include "config/parse.h"
#include "datapath/pinned.h"
#include "notify/status_file.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <optional>

namespace jalur::cli {

namespace {

struct WanView {
    uint32_t id;
    std::string name, interface;
    jalur_wan wan;
    jalur_wan_stats stats;
    uint64_t flows = 0;
    const config::Wan *cfg = nullptr;
};

const char *state_name(uint32_t s)
{
    switch (s) {
    case JALUR_WAN_UP:
        return "up";
    case JALUR_WAN_DEGRADED:
        return "degraded";
    default:
        return "down";
    }
}

std::string addr_text(const uint32_t *a, int family)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(family == JALUR_FAMILY_V6 ? AF_INET6 : AF_INET, a, buf, sizeof(buf));
    return buf;
}

datapath::PinnedMaps open_or_exit(const std::string &dir)
{
    auto maps = datapath::PinnedMaps::open(dir);
    if (!maps) {
        std::cerr << maps.error().message << "\n";
        throw CLI::RuntimeError(1);
    }
    return std::move(maps).value();
}

std::vector<WanView> wan_views(const config::Config &cfg, const datapath::PinnedMaps &maps)
{
    std::vector<WanView> out;
    std::map<uint32_t, size_t> by_id;
    for (uint32_t id = 0; id < JALUR_MAX_WANS; id++) {
        jalur_wan w{};
        if (!maps.wan(id, w) || w.ifindex == 0)
            continue;
        char ifname[IF_NAMESIZE] = "?";
        if_indextoname(w.ifindex, ifname);
        WanView v{id, ifname, ifname, w, maps.wan_stats(id)};
        for (const auto &c : cfg.wans)
            if (c.interface == v.interface) {
                v.name = c.name;
                v.cfg = &c;
            }
        by_id[id] = out.size();
        out.push_back(v);
    }
    maps.for_each_flow([&](const jalur_flow_key &, const jalur_flow &f) {
        if (auto it = by_id.find(f.wan); it != by_id.end())
            out[it->second].flows++;
    });
    return out;
}

void print_table(const std::vector<WanView> &wans, const datapath::PinnedMaps &maps)
{
    std::printf("%-10s %-10s %-9s %4s %6s %8s %12s %14s %12s %14s %9s %7s\n", "WAN", "INTERFACE", "STATE", "TIER",
                "WEIGHT", "FWMARK", "TX_PACKETS", "TX_BYTES", "RX_PACKETS", "RX_BYTES", "NEW_FLOWS", "FLOWS");
    uint64_t total = 0;
    for (const auto &w : wans) {
        std::printf("%-10s %-10s %-9s %4u %6u %#8x %12llu %14llu %12llu %14llu %9llu %7llu\n", w.name.c_str(),
                    w.interface.c_str(), state_name(w.wan.state), w.cfg ? w.cfg->tier : 0, w.cfg ? w.cfg->weight : 0,
                    w.wan.fwmark, (unsigned long long)w.stats.tx_packets, (unsigned long long)w.stats.tx_bytes,
                    (unsigned long long)w.stats.rx_packets, (unsigned long long)w.stats.rx_bytes,
                    (unsigned long long)w.stats.new_flows, (unsigned long long)w.flows);
        total += w.flows;
    }
    std::printf("flows: %llu pinned of %u\n", (unsigned long long)total, maps.flow_capacity());
    auto d = maps.dhcp_stats();
    std::printf("rogue DHCP: %llu server messages inspected, %llu trusted, %llu reported, %llu suppressed by the "
                "rate limit, %llu lost (ring buffer full), %llu dropped (guard)\n",
                (unsigned long long)d.inspected, (unsigned long long)d.trusted, (unsigned long long)d.events,
                (unsigned long long)d.suppressed, (unsigned long long)d.ringbuf_full, (unsigned long long)d.dropped);
}

void print_json(const std::vector<WanView> &wans, const datapath::PinnedMaps &maps)
{
    JsonWriter j;
    j.begin_object().key("wans").begin_array();
    for (const auto &w : wans) {
        j.begin_object()
            .field("name", w.name)
            .field("id", w.id)
            .field("interface", w.interface)
            .field("state", state_name(w.wan.state))
            .field("tier", w.cfg ? w.cfg->tier : 0u)
            .field("weight", w.cfg ? w.cfg->weight : 0u)
            .field("fwmark", w.wan.fwmark)
            .field("tx_packets", w.stats.tx_packets)
            .field("tx_bytes", w.stats.tx_bytes)
            .field("rx_packets", w.stats.rx_packets)
            .field("rx_bytes", w.stats.rx_bytes)
            .field("new_flows", w.stats.new_flows)
            .field("moved_flows", w.stats.moved_flows)
            .field("active_flows", w.flows)
            .end_object();
    }
    auto d = maps.dhcp_stats();
    j.end_array().field("flow_capacity", maps.flow_capacity());
    j.key("rogue_dhcp")
        .begin_object()
        .field("inspected", d.inspected)
        .field("trusted", d.trusted)
        .field("events", d.events)
        .field("suppressed", d.suppressed)
        .field("ringbuf_full", d.ringbuf_full)
        .field("dropped", d.dropped)
        .field("malformed", d.malformed)
        .end_object()
        .end_object();
    std::cout << j.str() << "\n";
}

} // namespace

void add_status(CLI::App &app)
{
    auto *cmd = app.add_subcommand("status", "Show each WAN's state, weight, traffic and pinned flows (reads the "
                                             "pinned maps; root only)");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    static bool json = false;
    cmd->add_option("-c,--config", config_path, "Config file of the running agent")->capture_default_str();
    cmd->add_flag("--json", json, "Print JSON");
    cmd->callback([] {
        auto cfg = load_config_or_exit(config_path, false);
        auto maps = open_or_exit(cfg.bpffs);
        auto wans = wan_views(cfg, maps);
        if (json) {
            print_json(wans, maps);
        } else {
            print_table(wans, maps);
            if (cfg.notify)
                if (auto a = notify::status_summary(cfg.notify->spool, std::time(nullptr)); !a.empty())
                    std::printf("%s\n", a.c_str());
        }
    });
}

void add_flows(CLI::App &app)
{
    auto *cmd = app.add_subcommand("flows", "List pinned flows, optionally filtered by WAN, address or port");
    static std::string config_path = "/etc/jalur/jalur.yaml", wan, address;
    static int port = -1;
    cmd->add_option("-c,--config", config_path, "Config file of the running agent")->capture_default_str();
    cmd->add_option("--wan", wan, "Only flows on this WAN (name)");
    cmd->add_option("--address", address, "Only flows with this source or destination address (or prefix)");
    cmd->add_option("--port", port, "Only flows with this source or destination port");
    cmd->callback([] {
        auto cfg = load_config_or_exit(config_path, false);
        auto maps = open_or_exit(cfg.bpffs);
        std::map<uint32_t, std::string> names;
        for (const auto &w : wan_views(cfg, maps))
            names[w.id] = w.name;
        std::optional<Prefix> filter;
        if (!address.empty()) {
            auto p = Prefix::parse(address);
            if (!p) {
                std::cerr << "--address: " << p.error().message << "\n";
                throw CLI::RuntimeError(1);
            }
            filter = p.value();
        }
        std::printf("%-5s %-40s %-40s %-10s %s\n", "PROTO", "SOURCE", "DESTINATION", "WAN", "FLAGS");
        maps.for_each_flow([&](const jalur_flow_key &k, const jalur_flow &f) {
            std::string wname = names.count(f.wan) ? names[f.wan] : std::to_string(f.wan);
            if (!wan.empty() && wname != wan)
                return;
            if (port >= 0 && ntohs(k.sport) != port && ntohs(k.dport) != port)
                return;
            if (filter) {
                auto host = [&](const uint32_t *a) {
                    Prefix p;
                    p.family = k.family == JALUR_FAMILY_V6 ? 6 : 4;
                    std::memcpy(p.addr.data(), a, 16);
                    p.len = p.max_len();
                    return p;
                };
                if (!filter->contains(host(k.saddr)) && !filter->contains(host(k.daddr)))
                    return;
            }
            std::string flags;
            if (f.flags & JALUR_FLOW_MOVED)
                flags += "moved ";
            if (f.flags & JALUR_FLOW_INBOUND)
                flags += "inbound ";
            if (f.flags & JALUR_FLOW_AFFINITY)
                flags += "affinity ";
            std::string src = addr_text(k.saddr, k.family) + " " + std::to_string(ntohs(k.sport));
            std::string dst = addr_text(k.daddr, k.family) + " " + std::to_string(ntohs(k.dport));
            std::printf("%-5u %-40s %-40s %-10s %s\n", k.proto, src.c_str(), dst.c_str(), wname.c_str(), flags.c_str());
        });
    });
}

} // namespace jalur::cli
