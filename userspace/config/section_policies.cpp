// SPDX-License-Identifier: GPL-2.0-only
// `policies`: how new connections are spread over WANs, and `default_policy`:
// which policy takes traffic no rule matches. Without `policies`, one policy
// "default" balances every WAN by its own weight and tier: the two-ISP site
// needs nothing more.
#include "config/capacity.h"
#include "config/sections.h"

#include "balancer/classifier.h"
#include "jalur/datapath.h"

namespace jalur::config {

namespace {

std::vector<std::string> wan_names(const Config &cfg)
{
    std::vector<std::string> names;
    for (const auto &w : cfg.wans)
        names.push_back(w.name);
    return names;
}

std::vector<std::string> policy_names(const Config &cfg)
{
    std::vector<std::string> names;
    for (const auto &p : cfg.policies)
        names.push_back(p.name);
    return names;
}

// A WAN's name, or {wan, weight, tier} to override the WAN's own defaults.
std::optional<Member> parse_member(Diagnostics &d, const Value &item, const Config &cfg)
{
    const Value *name = &item;
    std::optional<MapReader> m;
    if (!item.node.IsScalar()) {
        m.emplace(d, item, std::vector<std::string>{"wan", "weight", "tier"});
        if (!m->ok() || !(name = m->require("wan")))
            return std::nullopt;
    }
    auto wan_name = read_string(d, *name);
    if (!wan_name)
        return std::nullopt;
    const Wan *w = cfg.wan(*wan_name);
    if (!w) {
        d.error(name->at, name->path + ": no WAN named '" + *wan_name + "' (WANs: " + join(wan_names(cfg)) + ")");
        return std::nullopt;
    }
    Member member{w->name, w->weight, w->tier, name->at, w->weight_auto};
    if (m) {
        if (const Value *v = m->get("weight"))
            if (auto n = read_weight(d, *v, &member.weight_auto))
                member.weight = *n;
        if (const Value *v = m->get("tier"))
            if (auto n = read_uint(d, *v, 1, 16))
                member.tier = static_cast<uint32_t>(*n);
    }
    return member;
}

// keep | reset | drain | {mode: drain, grace: 2m}
std::optional<Failback> parse_failback(Diagnostics &d, const Value &v)
{
    auto mode_of = [&](const Value &m) {
        return read_choice<FailbackMode>(
            d, m, {{"keep", FailbackMode::Keep}, {"reset", FailbackMode::Reset}, {"drain", FailbackMode::Drain}});
    };
    Failback f;
    if (v.node.IsScalar()) {
        auto mode = mode_of(v);
        if (!mode)
            return std::nullopt;
        f.mode = *mode;
        return f;
    }
    MapReader m(d, v, {"mode", "grace"});
    const Value *mode = m.ok() ? m.require("mode") : nullptr;
    if (!mode)
        return std::nullopt;
    auto parsed = mode_of(*mode);
    if (!parsed)
        return std::nullopt;
    f.mode = *parsed;
    if (const Value *g = m.get("grace")) {
        if (f.mode != FailbackMode::Drain) {
            d.error(g->at, g->path + ": a grace period is for `mode: drain` only");
            return std::nullopt;
        }
        auto grace = read_duration(d, *g, std::chrono::seconds(1), std::chrono::hours(24 * 7));
        if (!grace)
            return std::nullopt;
        f.grace = *grace;
    }
    return f;
}

void parse_one(Diagnostics &d, const Value &item, Config &cfg)
{
    MapReader m(d, item, {"name", "classifier", "mode", "members", "fallback", "affinity", "affinity_timeout",
                          "failback", "overflow_at"});
    if (!m.ok())
        return;
    Policy p;
    p.id = static_cast<uint32_t>(cfg.policies.size());
    p.where = item.at;
    p.fields = *balancer::classifier_fields(p.classifier);

    if (const Value *v = m.require("name")) {
        if (auto name = read_name(d, *v, 32)) {
            if (*name == kBypass)
                d.error(v->at, v->path + ": 'bypass' is reserved (rules use it to skip balancing)");
            else if (cfg.policy(*name))
                d.error(v->at, v->path + ": policy '" + *name + "' is defined twice");
            p.name = *name;
        } else if (v->node.IsScalar()) {
            p.name = v->node.Scalar(); // kept so rules naming it add no errors of their own
        }
    }
    if (const Value *v = m.get("classifier")) {
        auto fields = v->node.IsScalar() ? balancer::classifier_fields(v->node.Scalar()) : std::nullopt;
        if (fields) {
            p.classifier = v->node.Scalar();
            p.fields = *fields;
        } else {
            d.error(v->at, v->path + ": expected one of " + join(balancer::classifier_names()) + ", got " +
                               describe(v->node));
        }
    }
    if (const Value *v = m.get("mode"))
        if (auto mode = read_choice<Mode>(d, *v, {{"hash", Mode::Hash},
                                                  {"nth", Mode::Nth},
                                                  {"least-loaded", Mode::LeastLoaded},
                                                  {"overflow", Mode::Overflow},
                                                  {"lowest-latency", Mode::LowestLatency}}))
            p.mode = *mode;
    if (const Value *v = m.get("overflow_at")) {
        if (auto share = read_percent(d, *v))
            p.overflow_at = *share;
        if (p.mode != Mode::Overflow)
            d.error(v->at, v->path + ": only mode overflow fills members up to a share (this policy's mode is " +
                               (m.get("mode") && m.get("mode")->node.IsScalar() ? m.get("mode")->node.Scalar()
                                                                                : std::string("hash")) +
                               ")");
    }
    if (const Value *v = m.get("fallback"))
        if (auto f = read_choice<Fallback>(d, *v, {{"main", Fallback::Main}, {"drop", Fallback::Drop}}))
            p.fallback = *f;
    if (const Value *v = m.get("affinity"))
        if (auto a = read_choice<Affinity>(d, *v, {{"none", Affinity::None},
                                                   {"src-address", Affinity::SrcAddress},
                                                   {"both-addresses", Affinity::BothAddresses}}))
            p.affinity = *a;
    // A week: long enough for any session that should stick to a WAN,
    // short enough that a typo in the unit ("10d" for "10m") is caught.
    if (const Value *v = m.get("affinity_timeout"))
        if (auto t = read_duration(d, *v, std::chrono::seconds(1), std::chrono::hours(24 * 7)))
            p.affinity_timeout = *t;
    if (const Value *v = m.get("failback"))
        if (auto f = parse_failback(d, *v))
            p.failback = *f;
    if (const Value *v = m.require("members", "the WANs this policy balances")) {
        for (const auto &item : read_items(d, *v, "expected at least one WAN")) {
            auto member = parse_member(d, item, cfg);
            if (!member)
                continue;
            bool repeated = false;
            for (const auto &other : p.members)
                if (other.wan == member->wan)
                    repeated = true;
            if (repeated)
                d.error(member->where, item.path + ": WAN '" + member->wan + "' is listed twice");
            else
                p.members.push_back(*member);
        }
    }
    cfg.policies.push_back(p);
}

} // namespace

void parse_policies(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value) {
        Policy p;
        p.name = "default";
        p.fields = *balancer::classifier_fields(p.classifier);
        p.where = in.top;
        for (const auto &w : cfg.wans)
            p.members.push_back({w.name, w.weight, w.tier, w.where, w.weight_auto});
        cfg.policies.push_back(p);
        check_capacities(d, cfg);
        return;
    }
    const Value &v = *in.value;
    if (!v.node.IsSequence() && !v.node.IsNull()) {
        d.error(v.at, "policies: expected a list of policies, got " + describe(v.node));
        return;
    }
    auto items = read_items(d, v, "expected at least one policy (or leave 'policies' out for one over every WAN)");
    for (size_t i = 0; i < items.size(); i++) {
        if (i == JALUR_MAX_POLICIES) {
            d.error(items[i].at, items[i].path + ": too many policies: at most " +
                                     std::to_string(JALUR_MAX_POLICIES) + " (the data path's limit)");
            break;
        }
        parse_one(d, items[i], cfg);
    }
    check_capacities(d, cfg);
}

void parse_default_policy(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value) {
        cfg.default_policy = cfg.policies.empty() ? kBypass : cfg.policies.front().name;
        return;
    }
    auto name = read_string(d, *in.value);
    if (!name)
        return;
    if (*name != kBypass && !cfg.policy(*name))
        d.error(in.value->at, "default_policy: no policy named '" + *name + "' (expected one of: " +
                                  join(policy_names(cfg)) + ", bypass)");
    cfg.default_policy = *name;
}

} // namespace jalur::config
