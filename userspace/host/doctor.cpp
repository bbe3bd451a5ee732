// SPDX-License-Identifier: GPL-2.0-only
#include "host/doctor.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace jalur::host {

namespace {

using Level = Check::Level;

std::string hex(uint32_t v)
{
    char b[16];
    std::snprintf(b, sizeof(b), "0x%x", v);
    return b;
}

Check pass(std::string what, std::string message) { return {Level::Pass, std::move(what), std::move(message), "", false}; }
Check warn(std::string what, std::string message, std::string fix)
{
    return {Level::Warn, std::move(what), std::move(message), std::move(fix), false};
}
Check fail(std::string what, std::string message, std::string fix, bool fatal = false)
{
    return {Level::Fail, std::move(what), std::move(message), std::move(fix), fatal};
}

std::string dotted(std::string path)
{
    std::replace(path.begin(), path.end(), '/', '.');
    return path;
}

std::optional<int> sysctl_int(const Facts &f, const std::string &path)
{
    auto it = f.sysctls.find(path);
    if (it == f.sysctls.end())
        return std::nullopt;
    try {
        return std::stoi(it->second);
    } catch (...) {
        return std::nullopt;
    }
}

// Drivers of Linux 6.x with XDP in the driver (native): the rest get the
// kernel's generic XDP, which costs more per packet than tc.
const std::set<std::string> kNativeXdp = {
    "atlantic", "bnx2x",   "bnxt_en", "cpsw",    "dpaa2-eth", "ena",        "enetc",  "fec",
    "gve",      "hv_netvsc", "i40e",  "ice",     "igb",       "igc",        "ixgbe",  "ixgbevf",
    "mlx4_core", "mlx5_core", "mvneta", "mvpp2", "netsec",    "nfp",        "nicvf",  "qede",
    "sfc",      "stmmac",  "tsnep",   "tun",     "veth",      "virtio_net", "xen-netfront"};

void check_kernel(const Facts &f, std::vector<Check> &out)
{
    if (kernel_at_least(f.kernel, 5, 15))
        out.push_back(pass("kernel", "Linux " + f.kernel));
    else
        out.push_back(fail("kernel", "Linux " + f.kernel + " is older than 5.15 (the data path needs BPF features of 5.15)",
                           "install a newer kernel: apt install linux-image-amd64 (Debian 12 has 6.1), then reboot"));
    if (f.btf)
        out.push_back(pass("btf", "the kernel's BTF is at /sys/kernel/btf/vmlinux"));
    else
        out.push_back(fail("btf", "no /sys/kernel/btf/vmlinux: the kernel was built without BTF",
                           "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (Debian's are)"));
}

void check_bpffs(const config::Config &cfg, const Facts &f, std::vector<Check> &out)
{
    auto parent = cfg.bpffs.substr(0, cfg.bpffs.rfind('/'));
    if (f.bpffs)
        out.push_back(pass("bpffs", parent + " is a bpffs"));
    else
        out.push_back(warn("bpffs", parent + " is not a bpffs: the agent mounts one at start, pins made then are "
                                             "lost at reboot only",
                           "mount -t bpf bpf " + parent + " (systemd mounts /sys/fs/bpf at boot)"));
}

void check_caps(const Facts &f, std::vector<Check> &out)
{
    if (f.missing_caps.empty()) {
        out.push_back(pass("capabilities", "every capability the agent needs is here"));
        return;
    }
    std::string list;
    for (const auto &c : f.missing_caps)
        list += (list.empty() ? "" : ", ") + c;
    out.push_back(fail("capabilities", "missing " + list,
                       "run as root (sudo jalur doctor); the service unit grants them to the agent"));
}

void check_xdp(const config::Config &cfg, const Facts &f, std::vector<Check> &out)
{
    for (const auto &lan : cfg.lans) {
        const std::string what = "xdp " + lan.interface;
        auto it = f.interfaces.find(lan.interface);
        if (it == f.interfaces.end() || !it->second.present) {
            out.push_back(fail(what, "LAN interface " + lan.interface + " does not exist",
                               "set lan: to an interface of `ip -br link` in " + cfg.file));
            continue;
        }
        const auto &i = it->second;
        if (lan.xdp == config::XdpMode::Off || lan.xdp == config::XdpMode::Generic) {
            out.push_back(pass(what, std::string("xdp: ") + (lan.xdp == config::XdpMode::Off ? "off" : "generic") +
                                         " in the config"));
        } else if (i.bridge) {
            out.push_back(pass(what, lan.interface + " is a bridge: classified in tc, its ports inspected natively "
                                                     "where their drivers can"));
        } else if (kNativeXdp.count(i.driver)) {
            out.push_back(pass(what, "driver " + i.driver + " has native XDP"));
        } else {
            std::string fix = "nothing to do for a few hundred Mbit/s; for more, a NIC whose driver has native XDP "
                              "(Intel igb/ixgbe/i40e/ice, Mellanox mlx5, virtio_net)";
            if (lan.xdp == config::XdpMode::Native)
                out.push_back(fail(what, "driver " + (i.driver.empty() ? std::string("(none)") : i.driver) +
                                             " has no native XDP, and the config asks for xdp: native",
                                   "set xdp: auto for " + lan.interface + " in " + cfg.file, true));
            else
                out.push_back(warn(what, "driver " + (i.driver.empty() ? std::string("(none)") : i.driver) +
                                             " has no native XDP: classified by generic XDP or tc (slower)",
                                   fix));
        }
    }
}

void check_forwarding(const config::Config &cfg, const Facts &f, std::vector<Check> &out)
{
    struct Want {
        std::string path, name;
        bool needed;
    };
    bool v6 = std::any_of(cfg.wans.begin(), cfg.wans.end(), [](const config::Wan &w) { return w.gateway6.has_value(); });
    for (const Want &w : {Want{"net/ipv4/ip_forward", "IPv4 forwarding", true},
                          Want{"net/ipv6/conf/all/forwarding", "IPv6 forwarding", v6}}) {
        if (!w.needed)
            continue;
        auto v = sysctl_int(f, w.path);
        if (cfg.host.forwarding)
            out.push_back(pass("forwarding", w.name + ": set by jalur at start (host.forwarding: on)"));
        else if (v && *v == 1)
            out.push_back(pass("forwarding", w.name + " is on"));
        else
            out.push_back(fail("forwarding", w.name + " is off: the LAN reaches no WAN",
                               "add `host: {forwarding: on}` to " + cfg.file + " (or sysctl -w " + dotted(w.path) +
                                   "=1 in /etc/sysctl.d/)",
                               true));
    }
}

void check_wans(const config::Config &cfg, const Facts &f, std::vector<Check> &out)
{
    auto all = sysctl_int(f, "net/ipv4/conf/all/rp_filter").value_or(0);
    for (const auto &w : cfg.wans) {
        auto it = f.interfaces.find(w.interface);
        bool present = it != f.interfaces.end() && it->second.present;
        if (!present) {
            out.push_back(warn("wan " + w.name, "interface " + w.interface + " does not exist now: the WAN is down "
                                                "until it appears (fine for PPPoE or LTE that comes up later)",
                               "check the name against `ip -br link`, or bring the link up"));
        }
        // rp_filter: the kernel uses max(all, interface)
        const std::string what = "rp_filter " + w.interface;
        if (cfg.host.rp_filter_loose) {
            out.push_back(pass(what, "set to loose by jalur at start (host.rp_filter: loose)"));
        } else if (present) {
            int own = sysctl_int(f, "net/ipv4/conf/" + w.interface + "/rp_filter").value_or(0);
            int effective = std::max(all, own);
            if (effective == 1)
                out.push_back(fail(what, "strict reverse-path filtering on " + w.interface +
                                             ": replies arriving by this WAN are dropped unless the main table routes "
                                             "their source out of it",
                                   "add `host: {rp_filter: loose}` to " + cfg.file + " (or sysctl -w net.ipv4.conf." +
                                       w.interface + ".rp_filter=2" + (all == 1 ? " net.ipv4.conf.all.rp_filter=2" : "") +
                                       ")",
                                   true));
            else
                out.push_back(pass(what, effective == 2 ? "loose" : "off"));
        }
        // NAT: jalur's own, or a masquerade/snat rule of the ruleset for this interface
        const std::string nat = "nat " + w.name;
        if (w.nat4) {
            out.push_back(pass(nat, "masqueraded by jalur (nat: masquerade)"));
        } else if (w.nat_written) {
            out.push_back(pass(nat, "nat: off in the config (the WAN needs no NAT, or it is someone else's)"));
        } else if (!f.nft_ruleset) {
            out.push_back(warn(nat, "nftables cannot be read: NAT for " + w.interface + " not checked",
                               "add `nat: masquerade` to WAN " + w.name + " in " + cfg.file));
        } else {
            bool found = false;
            std::istringstream in(*f.nft_ruleset);
            std::string line;
            while (std::getline(in, line)) {
                if (line.find("masquerade") == std::string::npos && line.find("snat") == std::string::npos)
                    continue;
                bool names_out = line.find("oifname") != std::string::npos || line.find("oif ") != std::string::npos;
                if (!names_out || line.find("\"" + w.interface + "\"") != std::string::npos)
                    found = true;
            }
            if (found)
                out.push_back(pass(nat, "a masquerade or snat rule of the ruleset covers " + w.interface));
            else
                out.push_back(fail(nat, "no masquerade or snat for " + w.interface +
                                            ": LAN addresses leave unchanged and replies never come back",
                                   "add `nat: masquerade` to WAN " + w.name + " in " + cfg.file +
                                       " (or `nat: off` if the ISP routes the LAN's prefix)"));
        }
    }
}

// jalur's own rules (a running agent's): at its priorities, with its mask
// (routing/policy_routing.h, a layer beside this one: kept in step by hand)
bool jalurs_rule(const config::Config &cfg, const RuleFact &r)
{
    if (r.priority == 1000 || r.priority == 1900 || r.priority == 32000)
        return true;
    return r.priority >= 1001 && r.priority < 1001 + 16 && r.has_mark && r.fwmask == cfg.fwmark_mask;
}

std::string who_marks(uint32_t mark, uint32_t table)
{
    if (mark == 0xca6c || table == 51820)
        return " (wg-quick)";
    if (table == 52 || mark == 0x80000 || mark == 0x40000)
        return " (Tailscale)";
    return "";
}

void check_rules(const config::Config &cfg, const Facts &f, std::vector<Check> &out)
{
    bool marks_ok = true, prios_ok = true;
    for (const auto &r : f.rules) {
        if (jalurs_rule(cfg, r))
            continue;
        uint32_t mask = r.fwmask ? r.fwmask : 0xffffffffu;
        if (r.has_mark && (mask & cfg.fwmark_mask) != 0 && (r.fwmark & cfg.fwmark_mask) != 0) {
            marks_ok = false;
            out.push_back(fail("fwmark", r.text + who_marks(r.fwmark, r.table) + " matches mark bits " +
                                             hex(r.fwmark & cfg.fwmark_mask) + " inside jalur's fwmark_mask " +
                                             hex(cfg.fwmark_mask) + ": its packets and jalur's are confused",
                               "set fwmark_mask in " + cfg.file + " to bits no one else uses (0xff00 is the "
                               "default; wg-quick uses 0xca6c, Tailscale 0xff0000), or move the other mark"));
        }
        bool near = (r.priority >= 1000 && r.priority < 1001 + 16) || r.priority == 1900 || r.priority == 32000;
        if (near) {
            prios_ok = false;
            out.push_back(warn("rule priority", r.text + " sits at a priority jalur uses (1000-1016, 1900, 32000)",
                               "move it: ip rule del priority " + std::to_string(r.priority) +
                                   " ...; ip rule add ... priority N with N outside those"));
        }
    }
    if (marks_ok)
        out.push_back(pass("fwmark", "no other ip rule matches marks inside " + hex(cfg.fwmark_mask)));
    if (prios_ok)
        out.push_back(pass("rule priority", "no other ip rule at jalur's priorities"));
    if (f.nft_ruleset && (f.nft_ruleset->find("mark set") != std::string::npos))
        out.push_back(warn("fwmark", "the nftables ruleset sets packet or connection marks (Docker, firewalld, "
                                     "Kubernetes CNIs, a VPN): jalur owns the bits " + hex(cfg.fwmark_mask),
                           "check `nft list ruleset | grep 'mark set'` leaves " + hex(cfg.fwmark_mask) +
                               " alone, or change fwmark_mask in " + cfg.file));
}

void check_defaults(const config::Config &cfg, const Facts &f, std::vector<Check> &out)
{
    bool ok = true;
    for (const auto &d : f.main_defaults) {
        if (d.metric >= 10) // jalur's own main default is metric 10 (routing/policy_routing.h)
            continue;
        bool wan = std::any_of(cfg.wans.begin(), cfg.wans.end(),
                               [&](const config::Wan &w) { return w.interface == d.interface; });
        ok = false;
        out.push_back(warn("default route", std::string(d.family == 6 ? "IPv6" : "IPv4") + " default route dev " +
                                                d.interface + " metric " + std::to_string(d.metric) +
                                                " beats jalur's (metric 10): traffic jalur does not mark (bypass, "
                                                "fallback main) always leaves by " + d.interface,
                           wan ? "fine when intended; to let jalur choose, raise the DHCP/PPPoE route's metric "
                                 "(ifupdown: `metric 100` in /etc/network/interfaces; pppd: no `defaultroute`)"
                               : d.interface + " is not a WAN of " + cfg.file + ": add it as a WAN or remove the route"));
    }
    if (ok)
        out.push_back(pass("default route", "no default route in main beats jalur's"));
}

void check_firewall(const Facts &f, std::vector<Check> &out)
{
    if (!f.nft_ruleset)
        return;
    // a forward chain whose policy is drop: only what it accepts passes
    std::istringstream in(*f.nft_ruleset);
    std::string line;
    bool drop = false;
    while (std::getline(in, line))
        if (line.find("hook forward") != std::string::npos && line.find("policy drop") != std::string::npos)
            drop = true;
    if (drop)
        out.push_back(warn("firewall", "a forward chain drops what it does not accept: LAN-to-WAN traffic and "
                                       "its replies must be accepted there",
                           "in that chain: iifname <lan> accept; ct state established,related accept"));
    else
        out.push_back(pass("firewall", "no nftables forward chain drops by default"));
}

} // namespace

const char *level_name(Check::Level l)
{
    switch (l) {
    case Level::Pass:
        return "pass";
    case Level::Warn:
        return "warn";
    case Level::Fail:
        return "FAIL";
    }
    return "?";
}

bool kernel_at_least(const std::string &release, int major, int minor)
{
    int a = 0, b = 0;
    if (std::sscanf(release.c_str(), "%d.%d", &a, &b) != 2)
        return false;
    return a > major || (a == major && b >= minor);
}

std::vector<std::string> doctor_sysctls(const config::Config &cfg)
{
    std::vector<std::string> s{"net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding", "net/ipv4/conf/all/rp_filter"};
    for (const auto &w : cfg.wans)
        s.push_back("net/ipv4/conf/" + w.interface + "/rp_filter");
    return s;
}

std::vector<Check> run_checks(const config::Config &cfg, const Facts &f)
{
    std::vector<Check> out;
    check_kernel(f, out);
    check_bpffs(cfg, f, out);
    check_caps(f, out);
    check_xdp(cfg, f, out);
    check_forwarding(cfg, f, out);
    check_wans(cfg, f, out);
    check_rules(cfg, f, out);
    check_defaults(cfg, f, out);
    check_firewall(f, out);
    return out;
}

} // namespace jalur::host
