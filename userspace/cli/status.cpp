// SPDX-License-Identifier: GPL-2.0-only
// `jalur status` and `jalur flows`. Status comes from the running agent's
// endpoint when it answers (one renderer, metrics/render_status.cpp, for
// both), else from the pinned maps; WANs are named by the config, matched by
// interface, so ids reassigned by reloads don't matter.
#include "cli/commands.h"
#include "cli/load_config.h"
#include "common/json.h"
#include "common/prefix.h"
#include "config/parse.h"
#include "datapath/pinned.h"
#include "metrics/render.h"
#include "metrics/basic_auth.h"
#include "metrics/status_model.h"
#include "notify/status_file.h"

#include <httplib.h>

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

std::vector<metrics::WanConfig> wan_configs(const config::Config &cfg)
{
    std::vector<metrics::WanConfig> out;
    for (const auto &w : cfg.wans)
        out.push_back({w.name, w.interface, w.tier, w.weight, std::nullopt});
    return out;
}

// The running agent's own view (health, RTT, loss, last failure), rendered
// by it; nullopt when its endpoint is off or does not answer.
std::optional<std::string> from_agent(const config::Metrics &m, bool json)
{
    if (!m.enabled)
        return std::nullopt;
    httplib::Client client(m.address, m.port);
    client.set_connection_timeout(std::chrono::seconds(1));
    client.set_read_timeout(std::chrono::seconds(10)); // an exact count walks the whole flow table
    httplib::Headers headers;
    if (!m.auth_file.empty()) { // the endpoint wants the password its file holds: root reads the same file
        std::string warning;
        auto auth = metrics::BasicAuth::load(m.auth_file, warning);
        if (!auth)
            return std::nullopt;
        headers.emplace("Authorization", auth->first_authorization());
    }
    auto res = client.Get(json ? "/status?flows=count" : "/status?format=text&flows=count", headers);
    if (!res || res->status != 200)
        return std::nullopt;
    return res->body;
}

} // namespace

void add_status(CLI::App &app)
{
    auto *cmd = app.add_subcommand("status", "Show each WAN's state, weight, traffic and pinned flows, and with a "
                                             "running agent its health (asks the agent's endpoint; otherwise reads "
                                             "the pinned maps, root only)");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    static bool json = false, pins_only = false;
    cmd->add_option("-c,--config", config_path, "Config file of the running agent")->capture_default_str();
    cmd->add_flag("--json", json, "Print JSON");
    cmd->add_flag("--pins", pins_only, "Read the pinned maps only, without asking the agent");
    cmd->callback([] {
        auto cfg = load_config_or_exit(config_path, false);
        std::optional<std::string> body;
        if (!pins_only)
            body = from_agent(cfg.metrics, json);
        if (!body) {
            auto maps = open_or_exit(cfg.bpffs);
            auto s = metrics::collect(maps, wan_configs(cfg), nullptr, metrics::FlowCounting::Walk);
            body = json ? metrics::render_status_json(s) : metrics::render_status_text(s);
        }
        std::cout << *body;
        // the spool's own status file: right even while no agent runs
        if (!json && cfg.notify)
            if (auto a = notify::status_summary(cfg.notify->spool, std::time(nullptr)); !a.empty())
                std::cout << a << "\n";
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
        for (const auto &w : metrics::collect(maps, wan_configs(cfg), nullptr, metrics::FlowCounting::Kept).wans)
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
