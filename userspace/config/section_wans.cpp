// SPDX-License-Identifier: GPL-2.0-only
// `wans`: the uplinks. Each gets a packet mark (within fwmark_mask) and a
// routing table; the mark selects the table by an `ip rule`, so both must be
// unique. Unset marks and tables are derived from the WAN's position.
#include "config/capacity.h"
#include "config/sections.h"

#include "jalur/datapath.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace jalur::config {

namespace {

// What pass two needs to know about where a WAN's mark and table came from.
// Copies: the MapReader the values were read with is gone by then.
struct Origin {
    std::string path;            // "wans[1]"
    std::optional<Value> fwmark; // unset: derived
    std::optional<Value> table;  // unset: derived
};

std::optional<Value> copy_of(const Value *v)
{
    return v ? std::optional<Value>(*v) : std::nullopt;
}

// "auto", or an address of the given family (4 or 6).
std::optional<std::string> read_gateway(Diagnostics &d, const Value &v, int family)
{
    auto s = read_string(d, v);
    if (!s)
        return std::nullopt;
    unsigned char buf[16];
    if (*s == "auto" || inet_pton(family == 4 ? AF_INET : AF_INET6, s->c_str(), buf) == 1)
        return s;
    std::string other = family == 4 ? "an IPv6 gateway goes in gateway6" : "an IPv4 gateway goes in gateway";
    bool wrong_family = inet_pton(family == 4 ? AF_INET6 : AF_INET, s->c_str(), buf) == 1;
    d.error(v.at, v.path + ": expected an IPv" + std::to_string(family) + " address or 'auto', got " +
                      describe(v.node) + (wrong_family ? " (" + other + ")" : ""));
    return std::nullopt;
}

void parse_one(Diagnostics &d, const Value &item, Config &cfg, std::vector<Origin> &origins)
{
    MapReader m(d, item, {"name", "interface", "gateway", "gateway6", "weight", "tier", "fwmark", "table", "health", "nat", "nat6",
                          "quota", "bandwidth"});
    if (!m.ok())
        return;
    Wan w;
    w.id = static_cast<uint32_t>(cfg.wans.size());
    w.where = item.at;
    Origin origin{item.path, copy_of(m.get("fwmark")), copy_of(m.get("table"))};

    // A WAN whose name is bad is still kept (named as written) so that the
    // policies naming it don't each add an error of their own.
    if (const Value *v = m.require("name")) {
        if (auto name = read_name(d, *v, 15))
            w.name = *name;
        else if (v->node.IsScalar())
            w.name = v->node.Scalar();
        for (size_t j = 0; j < cfg.wans.size(); j++)
            if (!w.name.empty() && cfg.wans[j].name == w.name)
                d.error(v->at, v->path + ": '" + w.name + "' is also the name of " + origins[j].path);
    }
    if (const Value *v = m.require("interface")) {
        w.interface_where = v->at;
        if (auto ifname = read_ifname(d, *v)) {
            w.interface = *ifname;
            for (size_t j = 0; j < cfg.wans.size(); j++)
                if (cfg.wans[j].interface == w.interface)
                    d.error(v->at, v->path + ": '" + w.interface + "' is also the interface of " + origins[j].path +
                                       " ('" + cfg.wans[j].name + "')");
            for (const auto &lan : cfg.lans)
                if (lan.interface == w.interface)
                    d.error(v->at, v->path + ": '" + w.interface + "' is also a LAN interface (line " +
                                       std::to_string(lan.where.line) + ")");
        }
    }
    if (const Value *v = m.get("gateway"))
        w.gateway = read_gateway(d, *v, 4);
    if (const Value *v = m.get("gateway6"))
        w.gateway6 = read_gateway(d, *v, 6);
    // The common uplink is DHCP or PPPoE over IPv4: a WAN that names
    // neither family learns its IPv4 gateway from its interface.
    if (!m.get("gateway") && !m.get("gateway6"))
        w.gateway = "auto";
    if (const Value *v = m.get("weight"))
        if (auto n = read_weight(d, *v, &w.weight_auto))
            w.weight = *n;
    if (const Value *v = m.get("bandwidth"))
        w.bandwidth = read_bandwidth(d, *v);
    if (const Value *v = m.get("tier"))
        if (auto n = read_uint(d, *v, 1, 16))
            w.tier = static_cast<uint32_t>(*n);
    if (origin.fwmark)
        if (auto n = read_uint(d, *origin.fwmark, 1, 0xffffffffu, true))
            w.fwmark = static_cast<uint32_t>(*n);
    if (origin.table)
        if (auto n = read_uint(d, *origin.table, 1, 0xffffffffu)) {
            w.table = static_cast<uint32_t>(*n);
            if (w.table >= 253 && w.table <= 255) {
                d.error(origin.table->at, origin.table->path + ": table " + std::to_string(w.table) +
                                              " is the kernel's (253 default, 254 main, 255 local)");
                w.table = 0;
            }
        }
    // masquerade is the one NAT jalur writes (host/nat.h); `off` says it is someone else's
    for (const char *key : {"nat", "nat6"})
        if (const Value *v = m.get(key))
            if (auto on = read_choice<bool>(d, *v, {{"masquerade", true}, {"off", false}})) {
                (std::string(key) == "nat" ? w.nat4 : w.nat6) = *on;
                w.nat_written = w.nat_written || std::string(key) == "nat";
            }
    // the name goes into an nftables script between double quotes, which
    // nft cannot escape: only the characters interfaces are really named with
    bool plain = std::all_of(w.interface.begin(), w.interface.end(),
                             [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || strchr("._@-", c); });
    if ((w.nat4 || w.nat6) && !plain)
        d.error(m.key_at(w.nat4 ? "nat" : "nat6"), item.path + ": jalur masquerades only interfaces named with " +
                                                       "letters, digits and . _ @ -, not '" + w.interface + "'");
    w.health = cfg.health;
    if (const Value *v = m.get("health"))
        read_health(d, *v, w.health, nullptr);
    if (const Value *v = m.get("quota")) {
        read_quota(d, *v, w.quota.emplace());
        if (!w.health.metered_set) // probes spend a metered link's allowance
            w.health.metered = true;
    }
    // an IPv6-only WAN's gateway is its IPv6 one: the default [gateway]
    // would otherwise probe nothing
    if (!w.gateway && w.gateway6)
        for (auto &t : w.health.targets)
            if (t.gateway == 4) {
                t.gateway = 6;
                t.text = "gateway6";
            }
    if (!w.health.targets_set) {
        // the gateway and, beyond it, the default targets of the WAN's families
        for (const auto &t : w.health.default_targets)
            if (t.family() == 4 ? w.gateway.has_value() : w.gateway6.has_value())
                w.health.targets.push_back(t);
        check_reliability(d, w.health, w.health.where, item.path + ".health");
    }
    cfg.wans.push_back(w);
    origins.push_back(origin);
}

// Pass two, once every WAN is known: derive the unset marks and tables and
// check that no two WANs share one.
void assign_marks_and_tables(Diagnostics &d, Config &cfg, const std::vector<Origin> &origins)
{
    const uint32_t mask = cfg.fwmark_mask;
    const unsigned shift = static_cast<unsigned>(__builtin_ctz(mask)); // mask != 0: parse_fwmark_mask
    for (size_t i = 0; i < cfg.wans.size(); i++) {
        Wan &w = cfg.wans[i];
        const Origin &o = origins[i];
        const std::string &path = o.path;
        if (o.fwmark && w.fwmark != 0 && (w.fwmark & ~mask) != 0) {
            d.error(o.fwmark->at, o.fwmark->path + ": " + hex(w.fwmark) + " is outside fwmark_mask " + hex(mask) +
                                      " (jalur may only use those bits of the packet mark)");
        } else if (!o.fwmark) {
            uint64_t derived = uint64_t{w.id + 1} << shift;
            if ((derived & ~uint64_t{mask}) != 0)
                d.error(w.where, path + ": the default fwmark " + hex(static_cast<uint32_t>(derived)) +
                                     " does not fit in fwmark_mask " + hex(mask) +
                                     "; set fwmark or widen fwmark_mask");
            else
                w.fwmark = static_cast<uint32_t>(derived);
            w.fwmark_derived = true;
        }
        if (!o.table) {
            w.table = 100 + w.id + 1;
            w.table_derived = true;
        }

        for (size_t j = 0; j < i; j++) {
            const Wan &other = cfg.wans[j];
            const std::string whose = origins[j].path + " ('" + other.name + "')";
            if (w.fwmark != 0 && w.fwmark == other.fwmark) {
                Location at = o.fwmark ? o.fwmark->at : w.where;
                std::string what = o.fwmark ? o.fwmark->path + ": " + hex(w.fwmark)
                                            : path + ": its default fwmark " + hex(w.fwmark);
                d.error(at, what + " is also the fwmark of " + whose +
                                (o.fwmark ? "" : "; set fwmark"));
            }
            if (w.table != 0 && w.table == other.table) {
                Location at = o.table ? o.table->at : w.where;
                std::string what = o.table ? o.table->path + ": " + std::to_string(w.table)
                                           : path + ": its default table " + std::to_string(w.table);
                d.error(at, what + " is also the table of " + whose +
                                (o.table ? "" : "; set table"));
            }
        }
    }
}

} // namespace

void parse_wans(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value) {
        d.error(in.top, "missing key 'wans' (the uplinks to balance: a list of 1.." + std::to_string(JALUR_MAX_WANS) +
                            ")");
        return;
    }
    const Value &v = *in.value;
    if (!v.node.IsSequence() && !v.node.IsNull()) {
        d.error(v.at, "wans: expected a list of WANs, got " + describe(v.node));
        return;
    }
    auto items = read_items(d, v, "expected at least one WAN");
    std::vector<Origin> origins;
    for (size_t i = 0; i < items.size(); i++) {
        if (i == JALUR_MAX_WANS) {
            d.error(items[i].at, items[i].path + ": too many WANs: at most " + std::to_string(JALUR_MAX_WANS) +
                                     " (the data path's limit)");
            break;
        }
        parse_one(d, items[i], cfg, origins);
    }
    assign_marks_and_tables(d, cfg, origins);
}

} // namespace jalur::config
