// SPDX-License-Identifier: GPL-2.0-only
// `dhcp_guard`: rogue DHCP detection on the LAN side. On by default in
// alert mode: a site wants to know about a rogue server before it has
// thought of configuring anything.
#include "config/sections.h"

#include <algorithm>
#include <cstdio>

namespace jalur::config {

namespace {

std::optional<DhcpMode> read_mode(Diagnostics &d, const Value &v)
{
    return read_choice<DhcpMode>(d, v, {{"off", DhcpMode::Off}, {"alert", DhcpMode::Alert}, {"guard", DhcpMode::Guard}});
}

std::optional<std::array<uint8_t, 6>> parse_mac(const std::string &s)
{
    std::array<unsigned, 6> b{};
    char end;
    if (s.size() != 17 || std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                                      &b[5], &end) != 6)
        return std::nullopt;
    std::array<uint8_t, 6> mac{};
    std::transform(b.begin(), b.end(), mac.begin(), [](unsigned x) { return static_cast<uint8_t>(x); });
    return mac;
}

// A MAC address, or an address: the IPv4 server identifier or the IPv6
// source a DHCPv6 server or router sends from.
std::optional<TrustedServer> read_server(Diagnostics &d, const Value &v)
{
    auto s = read_string(d, v);
    if (!s)
        return std::nullopt;
    TrustedServer t{*s, parse_mac(*s), std::nullopt};
    if (!t.mac) {
        auto p = Prefix::parse(*s);
        if (!p || p->len != p->max_len()) {
            d.error(v.at, v.path + ": expected a MAC address (02:00:5e:00:00:01) or an IP address, got " +
                              describe(v.node));
            return std::nullopt;
        }
        t.address = p.value();
    }
    return t;
}

} // namespace

void parse_dhcp_guard(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    auto &g = cfg.dhcp_guard;
    if (in.value->node.IsScalar() && in.value->node.Scalar() == "off") {
        g.mode = DhcpMode::Off;
        return;
    }
    MapReader m(d, *in.value, {"mode", "ports", "trusted_ports", "trusted_servers", "alert_timeout", "rate_limit"});
    if (!m.ok())
        return;
    g.where = m.at();
    if (auto v = m.get("mode"))
        if (auto mode = read_mode(d, *v))
            g.mode = *mode;
    if (auto v = m.get("ports")) {
        if (!v->node.IsMap()) {
            d.error(v->at, v->path + ": expected a map of interface: off|alert|guard, got " + describe(v->node));
        } else {
            std::vector<std::string> names;
            for (const auto &kv : v->node)
                if (kv.first.IsScalar())
                    names.push_back(kv.first.Scalar());
            MapReader ports(d, *v, names);
            for (const auto &name : names)
                if (const Value *mode = ports.get(name)) {
                    Value key{YAML::Node(name), ports.key_at(name), mode->path};
                    if (!read_ifname(d, key))
                        continue;
                    if (auto md = read_mode(d, *mode)) {
                        g.ports[name] = *md;
                        g.port_where[name] = ports.key_at(name);
                    }
                }
        }
    }
    if (auto v = m.get("trusted_ports"))
        for (const auto &item : read_items(d, *v, "expected at least one interface"))
            if (auto name = read_ifname(d, item)) {
                g.trusted_ports.push_back(*name);
                g.port_where[*name] = item.at;
            }
    if (auto v = m.get("trusted_servers"))
        for (const auto &item : read_items(d, *v, "expected at least one MAC or IP address"))
            if (auto t = read_server(d, item))
                g.trusted_servers.push_back(*t);
    if (auto v = m.get("alert_timeout"))
        if (auto s = read_duration(d, *v, std::chrono::seconds(1), std::chrono::seconds(86400)))
            g.alert_timeout = *s;
    if (auto v = m.get("rate_limit")) {
        MapReader r(d, *v, {"per_mac", "total", "interval"});
        if (r.ok()) {
            if (auto n = r.get("per_mac"))
                if (auto x = read_uint(d, *n, 1, 100000))
                    g.events_per_mac = static_cast<uint32_t>(*x);
            if (auto n = r.get("total"))
                if (auto x = read_uint(d, *n, 1, 1000000))
                    g.events_total = static_cast<uint32_t>(*x);
            if (auto n = r.get("interval"))
                if (auto ms = read_millis(d, *n, std::chrono::milliseconds(10), std::chrono::milliseconds(3600000)))
                    g.rate_interval = *ms;
        }
    }
}

} // namespace jalur::config
