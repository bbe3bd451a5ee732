// SPDX-License-Identifier: GPL-2.0-only
// `jalur doctor` (issue 23): is this host ready for the config? Pure: the
// facts are gathered elsewhere (cli/doctor_facts.cpp) and judged here, so
// every check is tested on made-up facts. Each check says pass, warn or
// fail and, unless it passes, the exact fix.
#pragma once

#include "config/model.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace jalur::host {

struct RuleFact {
    int family = 4;
    uint32_t priority = 0;
    uint32_t fwmark = 0, fwmask = 0; // fwmask 0 with a mark: the whole mark
    bool has_mark = false;
    uint32_t table = 0;
    std::string text; // as `ip rule` would show it
};

struct DefaultRouteFact {
    int family = 4;
    std::string interface;
    uint32_t metric = 0;
};

struct InterfaceFact {
    bool present = false;
    std::string driver; // "" when unknown (virtual devices without one)
    bool bridge = false;
};

struct Facts {
    std::string kernel;  // uname -r
    bool btf = false;    // /sys/kernel/btf/vmlinux
    bool bpffs = false;  // the pin directory's parent is a bpffs
    std::vector<std::string> missing_caps; // of those the agent needs
    std::map<std::string, InterfaceFact> interfaces; // every LAN and WAN interface of the config
    std::map<std::string, std::string> sysctls;      // path under /proc/sys -> value; absent: unreadable
    std::vector<RuleFact> rules;
    std::vector<DefaultRouteFact> main_defaults; // default routes of the main table
    std::optional<std::string> nft_ruleset;     // `nft list ruleset`; nullopt: nftables unavailable
};

struct Check {
    enum class Level { Pass, Warn, Fail };
    Level level = Level::Pass;
    std::string what; // "forwarding", "rp_filter wan1", ...
    std::string message;
    std::string fix;   // empty when passing
    bool fatal = false; // certainly breaks traffic: `jalur run` refuses to start
};

const char *level_name(Check::Level l);

// The sysctls and interfaces the checks read (what facts to gather).
std::vector<std::string> doctor_sysctls(const config::Config &cfg);

std::vector<Check> run_checks(const config::Config &cfg, const Facts &f);

// "2.6" < "5.15.0-8-amd64" style comparison of the leading major.minor
bool kernel_at_least(const std::string &release, int major, int minor);

} // namespace jalur::host
