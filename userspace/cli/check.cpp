// SPDX-License-Identifier: GPL-2.0-only
// `jalur check`: validate a config file without touching the system, and
// show what it means (derived marks, tables and members included), so a
// config can be tried before `systemctl reload`.
#include "cli/commands.h"
#include "config/interfaces.h"
#include "config/parse.h"
#include "config/probe_reach.h"
#include "config/reader.h"
#include "notify/notifier.h"

#include <algorithm>
#include <iostream>

namespace jalur::cli {

namespace {

std::string plural(size_t n, const char *one, const char *many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

const char *mode_name(config::Mode m)
{
    return m == config::Mode::Nth ? "nth" : "hash";
}

const char *fallback_name(config::Fallback f)
{
    return f == config::Fallback::Drop ? "drop" : "main";
}

const char *affinity_name(config::Affinity a)
{
    switch (a) {
    case config::Affinity::SrcAddress:
        return "src-address";
    case config::Affinity::BothAddresses:
        return "both-addresses";
    default:
        return "none";
    }
}

std::string probing(const config::Health &h)
{
    // the targets that decide a round, and the gateways beside them
    std::string deciding, gateways;
    bool beyond = std::any_of(h.targets.begin(), h.targets.end(), [](const auto &t) { return !t.gateway; });
    for (const auto &t : h.targets) {
        auto &list = !beyond || !t.gateway ? deciding : gateways;
        list += (list.empty() ? "" : ", ") + t.text;
    }
    return "every " + std::to_string(h.interval.count()) + "ms (timeout " + std::to_string(h.timeout.count()) +
           "ms), " + std::to_string(h.reliability) + " of [" + deciding + "] must answer" +
           (gateways.empty() ? "" : " (" + gateways + " probed too)") + ", down after " +
           std::to_string(h.down) + ", up after " + std::to_string(h.up) + ", passive " + (h.passive ? "on" : "off");
}

void print_summary(const std::string &path, const config::Config &cfg)
{
    std::cout << path << ": OK (" << plural(cfg.wans.size(), "WAN", "WANs") << ", "
              << plural(cfg.policies.size(), "policy", "policies") << ", "
              << plural(cfg.rules.size(), "rule", "rules") << ")\n";
    for (const auto &w : cfg.wans)
        std::cout << "  wan " << w.name << ": interface " << w.interface << ", gateway " << w.gateway.value_or("-")
                  << ", gateway6 " << w.gateway6.value_or("-") << ", weight " << w.weight << ", tier " << w.tier
                  << ", fwmark " << config::hex(w.fwmark) << "/" << config::hex(cfg.fwmark_mask) << ", table "
                  << w.table << "\n"
                  << "    probes: " << probing(w.health) << "\n";
    for (const auto &p : cfg.policies) {
        std::cout << "  policy " << p.name << (p.name == cfg.default_policy ? " (default)" : "") << ": "
                  << mode_name(p.mode);
        if (p.mode == config::Mode::Hash)
            std::cout << " by " << p.classifier;
        std::cout << ", members";
        for (size_t i = 0; i < p.members.size(); i++)
            std::cout << (i ? ", " : " ") << p.members[i].wan << " (weight " << p.members[i].weight << ", tier "
                      << p.members[i].tier << ")";
        std::cout << "; fallback " << fallback_name(p.fallback) << ", affinity " << affinity_name(p.affinity);
        if (p.affinity != config::Affinity::None)
            std::cout << " for " << p.affinity_timeout.count() << "s";
        if (p.failback.mode == config::FailbackMode::Reset)
            std::cout << ", failback reset";
        else if (p.failback.mode == config::FailbackMode::Drain)
            std::cout << ", failback drain after " << p.failback.grace.count() << "s";
        std::cout << "\n";
    }
    if (cfg.default_policy == config::kBypass)
        std::cout << "  traffic no rule matches: bypass (unbalanced, main table)\n";
    std::cout << "  every WAN down: last resort "
              << (cfg.last_resort == config::LastResort::Keep   ? "keep (the last WAN to go keeps carrying traffic)"
                  : cfg.last_resort == config::LastResort::Main ? "main (the main table routes)"
                                                                : "unreachable (the LAN is told at once)")
              << "\n";
}

} // namespace

void add_check(CLI::App &app)
{
    auto *cmd = app.add_subcommand("check", "Validate a config file and summarize it; changes nothing. "
                                            "Exit status 0 when valid, 1 with every error otherwise");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    static bool no_interfaces = false, strict = false;
    cmd->add_option("-c,--config", config_path, "Config file")->capture_default_str();
    cmd->add_flag("--no-interfaces", no_interfaces,
                  "Do not require the interfaces to exist on this host (checking a config for another machine)");
    cmd->add_flag("--strict", strict,
                  "A WAN interface that does not exist is an error, not a warning (a box whose WANs are all "
                  "fixed links)");
    cmd->callback([] {
        auto cfg = config::load_file(config_path);
        if (!cfg) {
            std::cerr << cfg.error().message << "\n";
            throw CLI::RuntimeError(1);
        }
        if (!no_interfaces) {
            if (auto r = config::check_interfaces(cfg.value(), strict); !r) {
                std::cerr << r.error().message << "\n";
                throw CLI::RuntimeError(1);
            }
            for (const auto &w : config::absent_wan_interfaces(cfg.value()))
                std::cerr << "warning: " << w << "\n";
        }
        for (const auto &w : config::gateway_only_probing(cfg.value()))
            std::cerr << "warning: " << w << "\n";
        // The token file as `run` reads it: a token others may read is a
        // warning, one that cannot be read or is not a token an error (the
        // agent would run without alerts). token_env is not checked: this
        // shell's environment is not the service's.
        if (cfg.value().notify && !cfg.value().notify->token_file.empty()) {
            std::string warning;
            auto token = notify::read_token(*cfg.value().notify, warning);
            if (!warning.empty())
                std::cerr << "warning: " << warning << "\n";
            if (!token) {
                std::cerr << token.error().message << "\n";
                throw CLI::RuntimeError(1);
            }
        }
        print_summary(config_path, cfg.value());
    });
}

} // namespace jalur::cli
