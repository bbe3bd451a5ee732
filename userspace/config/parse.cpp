// SPDX-License-Identifier: GPL-2.0-only
#include "config/parse.h"

#include "balancer/classifier.h"
#include "jalur/datapath.h"

#include <net/if.h>
#include <netinet/in.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace jalur::config {

const Wan *Config::wan(const std::string &name) const
{
    for (const auto &w : wans)
        if (w.name == name)
            return &w;
    return nullptr;
}

const Policy *Config::policy(const std::string &name) const
{
    for (const auto &p : policies)
        if (p.name == name)
            return &p;
    return nullptr;
}

namespace {

// Collects errors with their place; parsing goes on after one, so a user
// sees every mistake of a file in one run.
class Parser {
public:
    explicit Parser(std::string file) : file_(std::move(file)) {}

    Location at(const YAML::Node &n) const
    {
        auto m = n.Mark();
        return {file_, m.line + 1, m.column + 1};
    }

    void error(const YAML::Node &n, const std::string &what) { error(at(n), what); }
    void error(const Location &l, const std::string &what) { errors_.push_back(l.str() + ": " + what); }
    bool failed() const { return !errors_.empty(); }
    std::string message() const
    {
        std::string s;
        for (const auto &e : errors_)
            s += (s.empty() ? "" : "\n") + e;
        return s;
    }

    // A map whose keys must all be among `allowed`.
    bool map_with(const YAML::Node &n, const std::string &what, std::initializer_list<const char *> allowed)
    {
        if (!n.IsMap()) {
            error(n, what + " must be a map");
            return false;
        }
        for (const auto &kv : n) {
            auto key = kv.first.as<std::string>();
            if (std::none_of(allowed.begin(), allowed.end(), [&](const char *a) { return key == a; })) {
                std::string list;
                for (const char *a : allowed)
                    list += (list.empty() ? "" : ", ") + std::string(a);
                error(kv.first, "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
            }
        }
        return true;
    }

    std::optional<std::string> string(const YAML::Node &n, const std::string &what)
    {
        if (!n.IsScalar()) {
            error(n, what + ": expected a string");
            return std::nullopt;
        }
        return n.Scalar();
    }

    // Decimal or 0x-hex.
    std::optional<uint64_t> integer(const YAML::Node &n, const std::string &what, uint64_t lo, uint64_t hi)
    {
        std::string range = std::to_string(lo) + ".." + std::to_string(hi);
        if (!n.IsScalar()) {
            error(n, what + ": expected an integer " + range);
            return std::nullopt;
        }
        const std::string &s = n.Scalar();
        uint64_t v = 0;
        bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        const char *b = s.data() + (hex ? 2 : 0), *e = s.data() + s.size();
        auto [p, ec] = std::from_chars(b, e, v, hex ? 16 : 10);
        if (s.empty() || ec != std::errc() || p != e || v < lo || v > hi) {
            error(n, what + ": expected an integer " + range + ", got '" + s + "'");
            return std::nullopt;
        }
        return v;
    }

    template <typename E>
    std::optional<E> choice(const YAML::Node &n, const std::string &what, std::initializer_list<std::pair<const char *, E>> options)
    {
        std::string list;
        for (const auto &[name, value] : options) {
            if (n.IsScalar() && n.Scalar() == name)
                return value;
            list += (list.empty() ? "" : ", ") + std::string(name);
        }
        error(n, what + ": expected one of " + list + (n.IsScalar() ? ", got '" + n.Scalar() + "'" : ""));
        return std::nullopt;
    }

    std::optional<std::chrono::seconds> duration(const YAML::Node &n, const std::string &what)
    {
        static const std::regex re("^([0-9]+)(s|m|h|d)?$");
        std::smatch m;
        std::string s = n.IsScalar() ? n.Scalar() : "";
        if (!std::regex_match(s, m, re)) {
            error(n, what + ": expected a duration such as 30s, 10m, 2h or plain seconds");
            return std::nullopt;
        }
        uint64_t v = std::stoull(m[1]);
        char unit = m[2].matched ? m[2].str()[0] : 's';
        uint64_t mult = unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 1;
        return std::chrono::seconds(v * mult);
    }

    // A list, or a single scalar standing for a list of one.
    std::vector<YAML::Node> list(const YAML::Node &n)
    {
        std::vector<YAML::Node> out;
        if (n.IsSequence())
            for (const auto &e : n)
                out.push_back(e);
        else if (n.IsDefined() && !n.IsNull())
            out.push_back(n);
        return out;
    }

private:
    std::string file_;
    std::vector<std::string> errors_;
};

const std::regex kName("^[a-z0-9][a-z0-9_-]{0,14}$");

void parse_lans(Parser &p, const YAML::Node &n, Config &cfg)
{
    for (const auto &e : p.list(n)) {
        Lan lan;
        lan.where = p.at(e);
        if (e.IsScalar()) {
            lan.interface = e.Scalar();
        } else if (p.map_with(e, "lan", {"interface", "xdp"})) {
            if (auto s = p.string(e["interface"], "lan.interface"))
                lan.interface = *s;
            if (e["xdp"])
                if (auto m = p.choice<XdpMode>(e["xdp"], "lan.xdp",
                                               {{"auto", XdpMode::Auto}, {"native", XdpMode::Native},
                                                {"generic", XdpMode::Generic}, {"off", XdpMode::Off}}))
                    lan.xdp = *m;
        }
        cfg.lans.push_back(lan);
    }
    if (cfg.lans.empty())
        p.error(n.IsDefined() ? p.at(n) : Location{cfg.file, 1, 1}, "lan: at least one LAN interface is needed");
}

void parse_wans(Parser &p, const YAML::Node &n, Config &cfg)
{
    if (!n.IsSequence() || n.size() == 0) {
        p.error(n.IsDefined() ? p.at(n) : Location{cfg.file, 1, 1}, "wans: expected a list of 1.." +
                                                                       std::to_string(JALUR_MAX_WANS) + " WANs");
        return;
    }
    if (n.size() > JALUR_MAX_WANS)
        p.error(n, "wans: at most " + std::to_string(JALUR_MAX_WANS) + " WANs");
    uint32_t index = 0;
    for (const auto &e : n) {
        std::string what = "wans[" + std::to_string(index) + "]";
        Wan w;
        w.where = p.at(e);
        w.id = index++;
        if (!p.map_with(e, what, {"name", "interface", "gateway", "gateway6", "weight", "tier", "fwmark", "table"}))
            continue;
        if (!e["name"])
            p.error(e, what + ": 'name' is required");
        else if (auto s = p.string(e["name"], what + ".name")) {
            if (!std::regex_match(*s, kName))
                p.error(e["name"], what + ".name: '" + *s + "' must be 1-15 of a-z, 0-9, '_', '-'");
            w.name = *s;
        }
        if (!e["interface"])
            p.error(e, what + ": 'interface' is required");
        else if (auto s = p.string(e["interface"], what + ".interface"))
            w.interface = *s;
        for (auto [key, dst, fam] : {std::tuple{"gateway", &w.gateway, 4}, {"gateway6", &w.gateway6, 6}}) {
            if (!e[key])
                continue;
            auto s = p.string(e[key], what + "." + key);
            if (!s)
                continue;
            auto pfx = Prefix::parse(*s);
            if (*s != "auto" && (!pfx || pfx->family != fam || pfx->len != pfx->max_len()))
                p.error(e[key], what + "." + key + ": expected an IPv" + std::to_string(fam) +
                                    " address or 'auto', got '" + *s + "'");
            *dst = *s;
        }
        if (!w.gateway && !w.gateway6)
            w.gateway = "auto";
        if (e["weight"])
            if (auto v = p.integer(e["weight"], what + ".weight", 1, 255))
                w.weight = static_cast<uint32_t>(*v);
        if (e["tier"])
            if (auto v = p.integer(e["tier"], what + ".tier", 1, 16))
                w.tier = static_cast<uint32_t>(*v);
        if (e["fwmark"])
            if (auto v = p.integer(e["fwmark"], what + ".fwmark", 1, 0xffffffffu))
                w.fwmark = static_cast<uint32_t>(*v);
        if (e["table"])
            if (auto v = p.integer(e["table"], what + ".table", 1, 0xfffffffeu)) {
                w.table = static_cast<uint32_t>(*v);
                if (w.table == 253 || w.table == 254 || w.table == 255)
                    p.error(e["table"], what + ".table: " + std::to_string(w.table) +
                                            " is a kernel table (default, main, local)");
            }
        cfg.wans.push_back(w);
    }
}

void derive_wan_defaults(Parser &p, Config &cfg)
{
    uint32_t shift = cfg.fwmark_mask ? static_cast<uint32_t>(__builtin_ctz(cfg.fwmark_mask)) : 0;
    std::set<std::string> names, interfaces;
    std::map<uint32_t, std::string> marks, tables;
    for (auto &w : cfg.wans) {
        if (!w.fwmark)
            w.fwmark = (w.id + 1) << shift;
        if (!w.table)
            w.table = 100 + w.id + 1;
        if ((w.fwmark & ~cfg.fwmark_mask) != 0 || w.fwmark == 0)
            p.error(w.where, "WAN '" + w.name + "': fwmark " + std::to_string(w.fwmark) +
                                 " is not inside fwmark_mask (or is 0)");
        if (!w.name.empty() && !names.insert(w.name).second)
            p.error(w.where, "WAN name '" + w.name + "' is used twice");
        if (!w.interface.empty() && !interfaces.insert(w.interface).second)
            p.error(w.where, "interface '" + w.interface + "' belongs to two WANs");
        if (auto [it, fresh] = marks.emplace(w.fwmark, w.name); !fresh)
            p.error(w.where, "WAN '" + w.name + "': fwmark " + std::to_string(w.fwmark) + " is also WAN '" +
                                 it->second + "''s");
        if (auto [it, fresh] = tables.emplace(w.table, w.name); !fresh)
            p.error(w.where, "WAN '" + w.name + "': table " + std::to_string(w.table) + " is also WAN '" +
                                 it->second + "''s");
        for (const auto &l : cfg.lans)
            if (l.interface == w.interface)
                p.error(w.where, "interface '" + w.interface + "' is both a LAN and a WAN");
    }
}

void parse_address_lists(Parser &p, const YAML::Node &n, Config &cfg)
{
    if (!n.IsMap()) {
        p.error(n, "address_lists: expected a map of name: [prefixes]");
        return;
    }
    for (const auto &kv : n) {
        std::string name = kv.first.as<std::string>();
        auto &list = cfg.address_lists[name];
        for (const auto &e : p.list(kv.second)) {
            auto pfx = e.IsScalar() ? Prefix::parse(e.Scalar()) : Result<Prefix>(errorf("expected a prefix"));
            if (!pfx)
                p.error(e, "address_lists." + name + ": " + pfx.error().message);
            else
                list.push_back(pfx.value());
        }
    }
}

void parse_policies(Parser &p, const YAML::Node &n, Config &cfg)
{
    if (!n.IsDefined() || n.IsNull()) {
        // the common site: one policy over every WAN with its own weight and tier
        Policy def;
        def.name = "default";
        def.fields = *balancer::classifier_fields(def.classifier);
        def.where = {cfg.file, 1, 1};
        for (const auto &w : cfg.wans)
            def.members.push_back({w.name, w.weight, w.tier, w.where});
        cfg.policies.push_back(def);
        return;
    }
    if (!n.IsSequence() || n.size() == 0) {
        p.error(n, "policies: expected a list of 1.." + std::to_string(JALUR_MAX_POLICIES) + " policies");
        return;
    }
    if (n.size() > JALUR_MAX_POLICIES)
        p.error(n, "policies: at most " + std::to_string(JALUR_MAX_POLICIES) + " policies");
    std::set<std::string> names;
    uint32_t index = 0;
    for (const auto &e : n) {
        std::string what = "policies[" + std::to_string(index) + "]";
        Policy pol;
        pol.where = p.at(e);
        pol.id = index++;
        pol.fields = *balancer::classifier_fields(pol.classifier);
        if (!p.map_with(e, what, {"name", "classifier", "mode", "members", "fallback", "affinity", "affinity_timeout"}))
            continue;
        if (!e["name"])
            p.error(e, what + ": 'name' is required");
        else if (auto s = p.string(e["name"], what + ".name")) {
            pol.name = *s;
            if (pol.name == "bypass")
                p.error(e["name"], what + ".name: 'bypass' is reserved for rules that skip balancing");
            else if (!names.insert(pol.name).second)
                p.error(e["name"], what + ".name: policy '" + pol.name + "' is defined twice");
        }
        if (e["classifier"]) {
            auto s = p.string(e["classifier"], what + ".classifier");
            auto f = s ? balancer::classifier_fields(*s) : std::nullopt;
            if (!f) {
                std::string list;
                for (const auto &c : balancer::classifier_names())
                    list += (list.empty() ? "" : ", ") + c;
                p.error(e["classifier"], what + ".classifier: expected one of " + list);
            } else {
                pol.classifier = *s;
                pol.fields = *f;
            }
        }
        if (e["mode"])
            if (auto m = p.choice<Mode>(e["mode"], what + ".mode", {{"hash", Mode::Hash}, {"nth", Mode::Nth}}))
                pol.mode = *m;
        if (e["fallback"])
            if (auto f = p.choice<Fallback>(e["fallback"], what + ".fallback", {{"main", Fallback::Main}, {"drop", Fallback::Drop}}))
                pol.fallback = *f;
        if (e["affinity"])
            if (auto a = p.choice<Affinity>(e["affinity"], what + ".affinity",
                                            {{"none", Affinity::None}, {"src-address", Affinity::SrcAddress},
                                             {"both-addresses", Affinity::BothAddresses}}))
                pol.affinity = *a;
        if (e["affinity_timeout"])
            if (auto d = p.duration(e["affinity_timeout"], what + ".affinity_timeout"))
                pol.affinity_timeout = *d;
        if (!e["members"] || p.list(e["members"]).empty())
            p.error(e, what + ": 'members' must name at least one WAN");
        for (const auto &m : p.list(e["members"])) {
            Member mem;
            mem.where = p.at(m);
            YAML::Node wan_node = m;
            if (m.IsMap()) {
                if (!p.map_with(m, what + ".members", {"wan", "weight", "tier"}))
                    continue;
                wan_node = m["wan"];
                if (!wan_node) {
                    p.error(m, what + ".members: 'wan' is required");
                    continue;
                }
            }
            auto name = p.string(wan_node, what + ".members");
            if (!name)
                continue;
            mem.wan = *name;
            const Wan *w = cfg.wan(mem.wan);
            if (!w) {
                p.error(wan_node, what + ".members: no WAN named '" + mem.wan + "'");
                continue;
            }
            mem.weight = w->weight;
            mem.tier = w->tier;
            if (m.IsMap() && m["weight"])
                if (auto v = p.integer(m["weight"], what + ".members.weight", 1, 255))
                    mem.weight = static_cast<uint32_t>(*v);
            if (m.IsMap() && m["tier"])
                if (auto v = p.integer(m["tier"], what + ".members.tier", 1, 16))
                    mem.tier = static_cast<uint32_t>(*v);
            if (std::any_of(pol.members.begin(), pol.members.end(), [&](const Member &x) { return x.wan == mem.wan; }))
                p.error(wan_node, what + ".members: WAN '" + mem.wan + "' is listed twice");
            pol.members.push_back(mem);
        }
        cfg.policies.push_back(pol);
    }
}

std::optional<PortRange> port_range(Parser &p, const YAML::Node &n, const std::string &what)
{
    static const std::regex re("^([0-9]{1,5})(?:-([0-9]{1,5}))?$");
    std::smatch m;
    std::string s = n.IsScalar() ? n.Scalar() : "";
    if (std::regex_match(s, m, re)) {
        unsigned lo = std::stoul(m[1]), hi = m[2].matched ? std::stoul(m[2]) : lo;
        if (lo <= hi && hi <= 65535)
            return PortRange{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
    }
    p.error(n, what + ": expected a port 0..65535 or a range 'LO-HI' with LO <= HI, got '" + s + "'");
    return std::nullopt;
}

// Addresses: prefixes, or '@name' for an address list.
std::vector<Prefix> addresses(Parser &p, const YAML::Node &n, const std::string &what, const Config &cfg)
{
    std::vector<Prefix> out;
    for (const auto &e : p.list(n)) {
        auto s = p.string(e, what);
        if (!s)
            continue;
        if (!s->empty() && (*s)[0] == '@') {
            auto it = cfg.address_lists.find(s->substr(1));
            if (it == cfg.address_lists.end())
                p.error(e, what + ": no address list named '" + s->substr(1) + "'");
            else
                out.insert(out.end(), it->second.begin(), it->second.end());
            continue;
        }
        auto pfx = Prefix::parse(*s);
        if (!pfx)
            p.error(e, what + ": " + pfx.error().message + " (an address list is written '@name')");
        else
            out.push_back(pfx.value());
    }
    return out;
}

void parse_rules(Parser &p, const YAML::Node &n, Config &cfg)
{
    if (!n.IsSequence()) {
        p.error(n, "rules: expected a list");
        return;
    }
    size_t kernel_rules = 0;
    uint32_t index = 0;
    for (const auto &e : n) {
        std::string what = "rules[" + std::to_string(index++) + "]";
        Rule r;
        r.where = p.at(e);
        if (!p.map_with(e, what, {"name", "src", "dst", "proto", "dst_ports", "in_interface", "family", "policy"}))
            continue;
        if (e["name"])
            if (auto s = p.string(e["name"], what + ".name"))
                r.name = *s;
        if (e["src"])
            r.src = addresses(p, e["src"], what + ".src", cfg);
        if (e["dst"])
            r.dst = addresses(p, e["dst"], what + ".dst", cfg);
        if (e["proto"]) {
            const auto &pn = e["proto"];
            std::string s = pn.IsScalar() ? pn.Scalar() : "";
            if (s == "tcp")
                r.proto = IPPROTO_TCP;
            else if (s == "udp")
                r.proto = IPPROTO_UDP;
            else if (s == "icmp")
                r.proto = IPPROTO_ICMP;
            else if (s == "icmpv6")
                r.proto = IPPROTO_ICMPV6;
            else if (auto v = p.integer(pn, what + ".proto (tcp, udp, icmp, icmpv6 or a number)", 1, 255))
                r.proto = static_cast<uint8_t>(*v);
        }
        if (e["family"])
            if (auto v = p.choice<uint8_t>(e["family"], what + ".family", {{"4", uint8_t{4}}, {"6", uint8_t{6}}}))
                r.family = *v;
        for (const auto &port : p.list(e["dst_ports"]))
            if (auto pr = port_range(p, port, what + ".dst_ports"))
                r.dst_ports.push_back(*pr);
        if (!r.dst_ports.empty() && r.proto != IPPROTO_TCP && r.proto != IPPROTO_UDP)
            p.error(e["dst_ports"], what + ".dst_ports: needs proto tcp or udp");
        if (e["in_interface"])
            if (auto s = p.string(e["in_interface"], what + ".in_interface"))
                r.in_interface = *s;
        if (!e["policy"])
            p.error(e, what + ": 'policy' is required (a policy name or 'bypass')");
        else if (auto s = p.string(e["policy"], what + ".policy")) {
            r.policy = *s;
            if (r.policy != "bypass" && !cfg.policy(r.policy))
                p.error(e["policy"], what + ".policy: no policy named '" + r.policy + "'");
        }
        kernel_rules += std::max<size_t>(1, r.dst_ports.size());
        cfg.rules.push_back(r);
    }
    if (kernel_rules > JALUR_MAX_RULES)
        p.error(n, "rules: " + std::to_string(kernel_rules) + " data path rules (one per port range); at most " +
                       std::to_string(JALUR_MAX_RULES));
}

} // namespace

Result<Config> parse(const std::string &yaml_text, const std::string &file_name)
{
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::ParserException &e) {
        return errorf(file_name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": YAML syntax: " + e.msg);
    }
    Parser p(file_name);
    Config cfg;
    cfg.file = file_name;
    if (!root.IsMap())
        return errorf(file_name + ":1:1: expected a map of settings (lan, wans, policies, rules, ...)");
    // a new section (health, notify, metrics) is registered here and parsed below
    p.map_with(root, "the config", {"bpffs", "log_level", "fwmark_mask", "flow_table_size", "lan", "wans",
                                    "address_lists", "policies", "rules", "default_policy"});
    if (root["bpffs"])
        if (auto s = p.string(root["bpffs"], "bpffs")) {
            if (s->empty() || (*s)[0] != '/')
                p.error(root["bpffs"], "bpffs: expected an absolute path");
            cfg.bpffs = *s;
        }
    if (root["log_level"])
        if (auto l = p.choice<std::string>(root["log_level"], "log_level",
                                           {{"trace", "trace"}, {"debug", "debug"}, {"info", "info"},
                                            {"warn", "warn"}, {"error", "error"}}))
            cfg.log_level = *l;
    if (root["fwmark_mask"])
        if (auto v = p.integer(root["fwmark_mask"], "fwmark_mask", 1, 0xffffffffu))
            cfg.fwmark_mask = static_cast<uint32_t>(*v);
    if (root["flow_table_size"])
        if (auto v = p.integer(root["flow_table_size"], "flow_table_size", 1024, 16777216))
            cfg.flow_table_size = static_cast<uint32_t>(*v);
    parse_lans(p, root["lan"], cfg);
    parse_wans(p, root["wans"], cfg);
    derive_wan_defaults(p, cfg);
    if (root["address_lists"])
        parse_address_lists(p, root["address_lists"], cfg);
    parse_policies(p, root["policies"], cfg);
    if (root["rules"])
        parse_rules(p, root["rules"], cfg);
    cfg.default_policy = cfg.policies.empty() ? "bypass" : cfg.policies.front().name;
    if (root["default_policy"])
        if (auto s = p.string(root["default_policy"], "default_policy")) {
            if (*s != "bypass" && !cfg.policy(*s))
                p.error(root["default_policy"], "default_policy: no policy named '" + *s + "'");
            cfg.default_policy = *s;
        }
    if (p.failed())
        return errorf(p.message());
    return cfg;
}

Result<Config> load_file(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return errorf(path + ": cannot read the config file");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

Result<void> check_interfaces(const Config &cfg)
{
    std::string errors;
    auto check = [&](const std::string &ifname, const Location &where) {
        if (!ifname.empty() && if_nametoindex(ifname.c_str()) == 0)
            errors += (errors.empty() ? "" : "\n") + where.str() + ": unknown interface '" + ifname +
                      "' (no such network device here)";
    };
    for (const auto &l : cfg.lans)
        check(l.interface, l.where);
    for (const auto &w : cfg.wans)
        check(w.interface, w.where);
    for (const auto &r : cfg.rules)
        check(r.in_interface, r.where);
    if (!errors.empty())
        return errorf(errors);
    return {};
}

} // namespace jalur::config
