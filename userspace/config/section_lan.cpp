// SPDX-License-Identifier: GPL-2.0-only
// `lan`: the interfaces whose incoming traffic jalur classifies. Either a
// list of {interface, xdp} maps (or bare names), or one name.
#include "config/sections.h"

namespace jalur::config {

namespace {

std::optional<Lan> parse_one(Diagnostics &d, const Value &item)
{
    Lan lan;
    if (item.node.IsScalar()) {
        auto name = read_ifname(d, item);
        if (!name)
            return std::nullopt;
        lan.interface = *name;
        lan.where = item.at;
        return lan;
    }
    MapReader m(d, item, {"interface", "xdp"});
    if (!m.ok())
        return std::nullopt;
    const Value *xdp = m.get("xdp");
    if (xdp)
        if (auto mode = read_choice<XdpMode>(d, *xdp, {{"auto", XdpMode::Auto},
                                                       {"native", XdpMode::Native},
                                                       {"generic", XdpMode::Generic},
                                                       {"off", XdpMode::Off}}))
            lan.xdp = *mode;
    const Value *name = m.require("interface");
    if (!name)
        return std::nullopt;
    auto s = read_ifname(d, *name);
    if (!s)
        return std::nullopt;
    lan.interface = *s;
    lan.where = name->at;
    return lan;
}

} // namespace

void parse_lan(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value) {
        d.error(in.top, "missing key 'lan' (the interfaces whose traffic jalur balances, e.g. 'lan: br-lan')");
        return;
    }
    for (const auto &item : read_items(d, *in.value, "expected at least one LAN interface")) {
        auto lan = parse_one(d, item);
        if (!lan)
            continue;
        bool repeated = false;
        for (const auto &other : cfg.lans)
            if (other.interface == lan->interface) {
                d.error(lan->where, item.path + ": interface '" + lan->interface + "' is listed twice (first at line " +
                                        std::to_string(other.where.line) + ")");
                repeated = true;
            }
        if (!repeated)
            cfg.lans.push_back(*lan);
    }
}

} // namespace jalur::config
