// SPDX-License-Identifier: GPL-2.0-only
// `address_lists` (named sets of prefixes) and `rules` (ordered, first match
// wins, each sending traffic to a policy or past balancing). A rule refers
// to an address list as "@name": a bare word would be ambiguous with a
// mistyped address, and the sigil makes the reference visible.
#include "config/sections.h"

#include "jalur/datapath.h"

#include <netinet/in.h>

#include <algorithm>
#include <set>

namespace jalur::config {

namespace {

std::optional<Prefix> read_prefix(Diagnostics &d, const Value &v, const std::string &hint = "")
{
    auto s = read_string(d, v);
    if (!s)
        return std::nullopt;
    auto p = Prefix::parse(*s);
    if (!p) {
        d.error(v.at, v.path + ": " + p.error().message + hint);
        return std::nullopt;
    }
    return p.value();
}

// Prefixes and "@list" references, flattened into prefixes.
std::vector<Prefix> read_addresses(Diagnostics &d, const Value &v, const Config &cfg)
{
    std::vector<Prefix> out;
    const char *if_empty = "expected at least one prefix or @list (leave the key out to match any)";
    for (const auto &item : read_items(d, v, if_empty)) {
        if (item.node.IsScalar() && item.node.Scalar().starts_with("@")) {
            std::string name = item.node.Scalar().substr(1);
            auto it = cfg.address_lists.find(name);
            if (it == cfg.address_lists.end()) {
                std::vector<std::string> names;
                for (const auto &[n, _] : cfg.address_lists)
                    names.push_back(n);
                d.error(item.at, item.path + ": no address list named '" + name + "' (address_lists: " +
                                     join(names) + ")");
            } else {
                out.insert(out.end(), it->second.begin(), it->second.end());
            }
            continue;
        }
        // A word that is no address is most likely a list without its '@'.
        std::string hint;
        if (item.node.IsScalar() && item.node.Scalar().find_first_of(".:") == std::string::npos)
            hint = " (an address list is written '@" + item.node.Scalar() + "')";
        if (auto p = read_prefix(d, item, hint))
            out.push_back(*p);
    }
    return out;
}

// 443 or "8000-8080". Port 0 is refused: protocols without ports (ICMP,
// GRE) read as port 0 in the data path, so a range from 0 would catch them.
std::optional<PortRange> read_port_range(Diagnostics &d, const Value &v)
{
    auto fail = [&](const std::string &why) {
        d.error(v.at, v.path + ": " + why);
        return std::nullopt;
    };
    std::string expected = "expected a port 1..65535 or a range 'LO-HI', got " + describe(v.node);
    if (!v.node.IsScalar())
        return fail(expected);
    const std::string &s = v.node.Scalar();
    auto dash = s.find('-');
    auto number = [&](const std::string &text) -> std::optional<uint16_t> {
        if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        auto n = std::stoul(text);
        if (n < 1 || n > 65535)
            return std::nullopt;
        return static_cast<uint16_t>(n);
    };
    auto lo = number(s.substr(0, dash));
    auto hi = dash == std::string::npos ? lo : number(s.substr(dash + 1));
    if (!lo || !hi)
        return fail(expected);
    if (*lo > *hi)
        return fail("range '" + s + "' runs backwards: expected LO <= HI");
    return PortRange{*lo, *hi};
}

std::optional<uint8_t> read_proto(Diagnostics &d, const Value &v)
{
    static const std::pair<const char *, uint8_t> names[] = {
        {"tcp", IPPROTO_TCP}, {"udp", IPPROTO_UDP}, {"icmp", IPPROTO_ICMP}, {"icmpv6", IPPROTO_ICMPV6}};
    for (const auto &[name, number] : names)
        if (v.node.IsScalar() && v.node.Scalar() == name)
            return number;
    if (v.node.IsScalar()) {
        const std::string &s = v.node.Scalar();
        if (!s.empty() && s.size() <= 3 && s.find_first_not_of("0123456789") == std::string::npos)
            if (auto n = std::stoul(s); n >= 1 && n <= 255)
                return static_cast<uint8_t>(n);
    }
    d.error(v.at, v.path + ": expected tcp, udp, icmp, icmpv6 or a protocol number 1..255, got " + describe(v.node));
    return std::nullopt;
}

// A family restriction that excludes every prefix of a list makes a rule
// that can never match: surely not what was meant.
void check_family(Diagnostics &d, const Value *v, const std::vector<Prefix> &list, uint8_t family)
{
    if (!v || !family || list.empty())
        return;
    for (const auto &p : list)
        if (p.family == family)
            return;
    d.error(v->at, v->path + ": no IPv" + std::to_string(family) + " prefix here, but the rule has family " +
                       std::to_string(family) + ": it could never match");
}

// A critical rule's policy gets a twin that ignores quotas (issue 20): a
// data path policy of its own, within the data path's limit.
void check_critical(Diagnostics &d, const Value &v, const Rule &r, const Config &cfg)
{
    if (r.policy == kBypass) {
        d.error(v.at, v.path + ": a bypass rule's traffic is not balanced, so no quota applies to it");
        return;
    }
    std::set<std::string> twins{r.policy};
    for (const auto &other : cfg.rules)
        if (other.critical)
            twins.insert(other.policy);
    if (cfg.policies.size() + twins.size() > JALUR_MAX_POLICIES)
        d.error(v.at, v.path + ": each policy a critical rule names takes one more data path policy, and " +
                          std::to_string(cfg.policies.size()) + " policies and " + std::to_string(twins.size()) +
                          " critical ones are more than " + std::to_string(JALUR_MAX_POLICIES));
}

std::optional<Rule> parse_one(Diagnostics &d, const Value &item, const Config &cfg)
{
    MapReader m(d, item, {"name", "src", "dst", "proto", "dst_ports", "in_interface", "family", "policy",
                          "critical"});
    if (!m.ok())
        return std::nullopt;
    Rule r;
    r.where = item.at;
    if (const Value *v = m.get("name")) {
        if (auto s = read_string(d, *v)) {
            r.name = *s;
            for (const auto &other : cfg.rules)
                if (other.name == r.name)
                    d.error(v->at, v->path + ": rule name '" + r.name + "' is used twice (first at line " +
                                       std::to_string(other.where.line) + ")");
        }
    }
    const Value *src = m.get("src"), *dst = m.get("dst");
    if (src)
        r.src = read_addresses(d, *src, cfg);
    if (dst)
        r.dst = read_addresses(d, *dst, cfg);
    if (const Value *v = m.get("family"))
        if (auto f = read_choice<uint8_t>(d, *v, {{"4", uint8_t{4}}, {"6", uint8_t{6}}}))
            r.family = *f;
    check_family(d, src, r.src, r.family);
    check_family(d, dst, r.dst, r.family);
    if (const Value *v = m.get("proto"))
        if (auto p = read_proto(d, *v)) {
            r.proto = *p;
            if ((r.proto == IPPROTO_ICMP && r.family == 6) || (r.proto == IPPROTO_ICMPV6 && r.family == 4))
                d.error(v->at, v->path + ": " + v->node.Scalar() + " does not exist in IPv" +
                                   std::to_string(r.family) + " (the rule's family)");
        }
    if (const Value *v = m.get("dst_ports")) {
        const char *if_empty = "expected at least one port or range (leave the key out to match any)";
        for (const auto &port : read_items(d, *v, if_empty))
            if (auto range = read_port_range(d, port))
                r.dst_ports.push_back(*range);
        if (r.proto != 0 && r.proto != IPPROTO_TCP && r.proto != IPPROTO_UDP)
            d.error(v->at, v->path + ": ports need proto tcp or udp (or no proto, which matches both), not " +
                               m.get("proto")->node.Scalar());
    }
    if (const Value *v = m.get("in_interface")) {
        r.in_interface_where = v->at;
        if (auto s = read_ifname(d, *v)) {
            r.in_interface = *s;
            // Rules run where traffic enters from a LAN; any other
            // interface would make the rule dead.
            std::vector<std::string> lans;
            bool is_lan = false;
            for (const auto &lan : cfg.lans) {
                lans.push_back(lan.interface);
                is_lan |= lan.interface == r.in_interface;
            }
            if (!is_lan)
                d.error(v->at, v->path + ": '" + r.in_interface +
                                   "' is not a LAN interface (rules see traffic entering from a LAN: " + join(lans) + ")");
        }
    }
    const Value *critical = m.get("critical");
    if (critical)
        if (auto on = read_choice<bool>(d, *critical, {{"true", true}, {"false", false}, {"on", true}, {"off", false}}))
            r.critical = *on;
    if (const Value *v = m.require("policy", "a policy name or 'bypass'")) {
        if (auto s = read_string(d, *v)) {
            r.policy = *s;
            if (r.policy != kBypass && !cfg.policy(r.policy)) {
                std::vector<std::string> names;
                for (const auto &p : cfg.policies)
                    names.push_back(p.name);
                d.error(v->at, v->path + ": no policy named '" + r.policy + "' (expected one of: " + join(names) +
                                   ", bypass)");
            }
        }
    }
    if (r.critical)
        check_critical(d, *critical, r, cfg);
    return r;
}

} // namespace

void parse_address_lists(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value || in.value->node.IsNull())
        return;
    const Value &v = *in.value;
    if (!v.node.IsMap()) {
        d.error(v.at, "address_lists: expected a map of name: [prefixes], got " + describe(v.node));
        return;
    }
    // Every key is allowed, but repeats must still be caught.
    std::vector<std::string> names;
    for (const auto &kv : v.node)
        if (kv.first.IsScalar() && std::find(names.begin(), names.end(), kv.first.Scalar()) == names.end())
            names.push_back(kv.first.Scalar());
    MapReader m(d, v, names);
    for (const auto &name : names) {
        const Value *list = m.get(name);
        if (!list)
            continue;
        // a bad name is reported at the name, not at its list
        Value key{YAML::Node(name), m.key_at(name), list->path};
        if (!read_name(d, key, 32))
            continue;
        // An empty list would make a rule using it match any address.
        std::vector<Prefix> prefixes;
        for (const auto &item : read_items(d, *list, "expected at least one prefix"))
            if (auto p = read_prefix(d, item))
                prefixes.push_back(*p);
        cfg.address_lists[name] = prefixes;
    }
}

void parse_rules(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value || in.value->node.IsNull())
        return;
    const Value &v = *in.value;
    if (!v.node.IsSequence()) {
        d.error(v.at, "rules: expected a list of rules, got " + describe(v.node));
        return;
    }
    size_t datapath_rules = 0;
    bool overflowed = false;
    for (const auto &item : read_items(d, v, nullptr)) {
        auto r = parse_one(d, item, cfg);
        if (!r)
            continue;
        datapath_rules += r->datapath_rules();
        if (datapath_rules > JALUR_MAX_RULES && !overflowed) {
            d.error(item.at, item.path + ": too many rules: the data path holds " + std::to_string(JALUR_MAX_RULES) +
                                 " and each dst_ports entry counts as one");
            overflowed = true;
        }
        cfg.rules.push_back(*r);
    }
}

} // namespace jalur::config
