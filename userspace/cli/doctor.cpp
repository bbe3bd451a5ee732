// SPDX-License-Identifier: GPL-2.0-only
// `jalur doctor`: gathers the facts of this host and prints the verdict of
// each check of host/doctor.h, with its fix. Exit status 1 on a failure.
#include "cli/doctor.h"

#include "cli/commands.h"
#include "cli/load_config.h"
#include "host/nat.h"
#include "routing/netlink.h"

#include <linux/ethtool.h>
#include <linux/magic.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace jalur::cli {

namespace {

std::string driver_of(const std::string &ifname)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return "";
    ethtool_drvinfo info{};
    info.cmd = ETHTOOL_GDRVINFO;
    ifreq req{};
    std::strncpy(req.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    req.ifr_data = reinterpret_cast<char *>(&info);
    int r = ioctl(fd, SIOCETHTOOL, &req);
    close(fd);
    return r == 0 ? std::string(info.driver) : "";
}

// The capabilities the agent uses (packaging/jalur.service says why each)
std::vector<std::string> missing_caps()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    uint64_t eff = 0;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0)
            eff = std::stoull(line.substr(7), nullptr, 16);
    std::vector<std::string> missing;
    for (auto [bit, name] : {std::pair{39, "CAP_BPF"}, {38, "CAP_PERFMON"}, {12, "CAP_NET_ADMIN"}, {13, "CAP_NET_RAW"}})
        if (!(eff >> bit & 1))
            missing.push_back(name);
    return missing;
}

void add_interface(host::Facts &f, const std::string &name)
{
    host::InterfaceFact i;
    i.present = if_nametoindex(name.c_str()) != 0;
    if (i.present) {
        i.driver = driver_of(name);
        i.bridge = std::filesystem::exists("/sys/class/net/" + name + "/bridge");
    }
    f.interfaces[name] = i;
}

void add_sysctls(host::Facts &f, const config::Config &cfg)
{
    for (const auto &path : host::doctor_sysctls(cfg)) {
        std::ifstream in("/proc/sys/" + path);
        std::string v;
        if (in && std::getline(in, v))
            f.sysctls[path] = v;
    }
}

} // namespace

host::Facts gather_facts(const config::Config &cfg)
{
    host::Facts f;
    utsname u{};
    if (uname(&u) == 0)
        f.kernel = u.release;
    f.btf = std::filesystem::exists("/sys/kernel/btf/vmlinux");
    struct statfs st {};
    auto parent = cfg.bpffs.substr(0, cfg.bpffs.rfind('/'));
    f.bpffs = statfs(parent.c_str(), &st) == 0 && static_cast<unsigned long>(st.f_type) == BPF_FS_MAGIC;
    f.missing_caps = missing_caps();
    for (const auto &l : cfg.lans)
        add_interface(f, l.interface);
    for (const auto &w : cfg.wans)
        add_interface(f, w.interface);
    add_sysctls(f, cfg);
    if (auto nl = routing::Netlink::open()) {
        for (int family : {4, 6}) {
            if (auto rules = nl.value().rules(family))
                for (const auto &r : rules.value())
                    f.rules.push_back({family, r.priority, r.fwmark, r.fwmask, r.fwmark != 0 || r.fwmask != 0, r.table,
                                       routing::describe(r)});
            if (auto routes = nl.value().routes(family, 254))
                for (const auto &r : routes.value()) {
                    char name[IF_NAMESIZE] = "?";
                    if (r.dst.len == 0 && r.ifindex > 0 && if_indextoname(static_cast<unsigned>(r.ifindex), name))
                        f.main_defaults.push_back({family, name, r.metric});
                }
        }
    }
    f.nft_ruleset = host::list_ruleset();
    return f;
}

std::vector<host::Check> fatal_checks(const config::Config &cfg)
{
    // only what the fatal checks read: no netlink or nftables dump at start
    host::Facts f;
    add_sysctls(f, cfg);
    for (const auto &l : cfg.lans)
        add_interface(f, l.interface);
    for (const auto &w : cfg.wans)
        add_interface(f, w.interface);
    f.kernel = "99.0";
    f.btf = f.bpffs = true;
    f.nft_ruleset = std::string();
    std::vector<host::Check> out;
    for (auto &c : host::run_checks(cfg, f))
        if (c.fatal)
            out.push_back(std::move(c));
    return out;
}

void add_doctor(CLI::App &app)
{
    auto *cmd = app.add_subcommand("doctor", "Check that this host can run the config: kernel, BTF, bpffs, "
                                             "capabilities, XDP, forwarding, rp_filter and NAT per WAN, default "
                                             "routes, mark and rule conflicts, the firewall. Prints pass/warn/FAIL "
                                             "and the fix of each; exit status 1 on a failure");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    cmd->add_option("-c,--config", config_path, "Config file")->capture_default_str();
    cmd->callback([] {
        auto cfg = load_config_or_exit(config_path, false);
        int failed = 0, warned = 0;
        for (const auto &c : host::run_checks(cfg, gather_facts(cfg))) {
            std::cout << host::level_name(c.level) << "  " << c.what << ": " << c.message << "\n";
            if (!c.fix.empty())
                std::cout << "      fix: " << c.fix << "\n";
            failed += c.level == host::Check::Level::Fail;
            warned += c.level == host::Check::Level::Warn;
        }
        std::cout << (failed ? std::to_string(failed) + " check(s) failed" : std::string("no check failed"))
                  << (warned ? ", " + std::to_string(warned) + " warning(s)" : std::string()) << "\n";
        if (failed)
            throw CLI::RuntimeError(1);
    });
}

} // namespace jalur::cli
