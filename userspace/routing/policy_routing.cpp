// SPDX-License-Identifier: GPL-2.0-only
#include "routing/policy_routing.h"

#include <linux/fib_rules.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>

namespace jalur::routing {

namespace {

template <typename T, typename Eq>
bool contains(const std::vector<T> &v, const T &x, Eq eq)
{
    return std::any_of(v.begin(), v.end(), [&](const T &y) { return eq(x, y); });
}

} // namespace

PolicyRouting::~PolicyRouting()
{
    remove_all();
}

Result<void> PolicyRouting::apply(const std::vector<WanRouting> &wans, const std::vector<std::string> &unreachable_from)
{
    std::vector<Rule> want_rules;
    std::vector<Route> want_routes;
    for (int family : {4, 6}) {
        bool any = std::any_of(wans.begin(), wans.end(), [&](const WanRouting &w) {
            return family == 4 ? w.gateway4.has_value() : w.gateway6.has_value();
        });
        if (!any)
            continue;
        Rule suppress;
        suppress.family = family;
        suppress.priority = kSuppressPriority;
        suppress.table = 254; // main
        suppress.suppress_prefixlen = 0;
        want_rules.push_back(suppress);
        for (const auto &iif : unreachable_from) {
            Rule u;
            u.family = family;
            u.priority = kLastResortPriority;
            u.iifname = iif;
            u.action = FR_ACT_UNREACHABLE;
            want_rules.push_back(u);
        }
        for (size_t i = 0; i < wans.size(); i++) {
            const auto &w = wans[i];
            const auto &gw = family == 4 ? w.gateway4 : w.gateway6;
            if (!gw)
                continue;
            Rule mark;
            mark.family = family;
            mark.priority = kMarkPriority + static_cast<uint32_t>(i);
            mark.table = w.table;
            mark.fwmark = w.fwmark;
            mark.fwmask = mask_;
            want_rules.push_back(mark);
            Route def;
            def.family = family;
            def.table = w.table;
            def.dst.family = family;
            def.dst.len = 0;
            def.gateway = gw;
            def.ifindex = w.ifindex;
            want_routes.push_back(def);
            if (w.main_default) {
                def.table = 254;
                def.metric = kMainMetric;
                want_routes.push_back(def);
                Rule own;
                own.family = family;
                own.priority = kOwnTrafficPriority;
                own.table = w.table;
                own.iifname = "lo"; // locally generated: the kernel looks it up as arriving on lo
                want_rules.push_back(own);
            }
        }
    }

    want_rules_ = want_rules;
    want_routes_ = want_routes;

    // add first, then remove the stale: traffic never meets a missing route
    // only what changed is written: every write is a netlink event that the
    // agent itself listens to
    // The kernel removes a route on its own when the address its gateway
    // was reached by goes (a DHCP lease lost): what was added is checked
    // against what is there. One WAN's route that cannot be added (no
    // address yet) does not keep the others from being applied.
    std::map<std::pair<int, uint32_t>, std::vector<Route>> present;
    auto in_kernel = [&](const Route &r) {
        auto key = std::pair{r.family, r.table};
        if (!present.count(key)) {
            auto got = nl_.routes(r.family, r.table);
            present[key] = got ? got.value() : std::vector<Route>{};
        }
        return contains(present[key], r, same_route);
    };
    std::optional<Error> first_error;
    for (const auto &r : want_routes) {
        bool known = contains(routes_, r, same_route);
        if (known && in_kernel(r))
            continue;
        if (auto res = nl_.add_route(r); !res) {
            first_error = first_error.value_or(res.error());
            continue;
        }
        if (!known)
            routes_.push_back(r);
    }
    for (const auto &r : want_rules) {
        if (contains(rules_, r, std::equal_to<Rule>()))
            continue;
        if (auto res = nl_.add_rule(r); !res) {
            first_error = first_error.value_or(res.error());
            continue;
        }
        rules_.push_back(r);
    }
    for (auto it = rules_.begin(); it != rules_.end();) {
        if (contains(want_rules, *it, std::equal_to<Rule>())) {
            ++it;
            continue;
        }
        (void)nl_.delete_rule(*it);
        it = rules_.erase(it);
    }
    for (auto it = routes_.begin(); it != routes_.end();) {
        if (contains(want_routes, *it, same_route)) {
            ++it;
            continue;
        }
        (void)nl_.delete_route(*it);
        it = routes_.erase(it);
    }
    if (first_error)
        return *first_error;
    return {};
}

void PolicyRouting::remove_all()
{
    for (const auto &r : rules_)
        if (auto res = nl_.delete_rule(r); !res)
            spdlog::warn("{}", res.error().message);
    for (const auto &r : routes_)
        if (auto res = nl_.delete_route(r); !res)
            spdlog::warn("{}", res.error().message);
    forget();
}

void PolicyRouting::forget()
{
    rules_.clear();
    routes_.clear();
    want_rules_.clear();
    want_routes_.clear();
}

bool PolicyRouting::wants_table(uint32_t table) const
{
    return std::any_of(want_routes_.begin(), want_routes_.end(), [&](const Route &r) { return r.table == table; });
}

Result<Drift> PolicyRouting::drift()
{
    std::vector<Rule> have_rules;
    std::vector<Route> have_routes;
    for (int family : {4, 6}) {
        if (std::any_of(want_rules_.begin(), want_rules_.end(), [&](const Rule &r) { return r.family == family; })) {
            auto got = nl_.rules(family);
            if (!got)
                return got.error();
            have_rules.insert(have_rules.end(), got->begin(), got->end());
        }
        std::vector<uint32_t> tables;
        for (const auto &r : want_routes_)
            if (r.family == family && std::find(tables.begin(), tables.end(), r.table) == tables.end())
                tables.push_back(r.table);
        for (uint32_t table : tables) {
            auto got = nl_.routes(family, table);
            if (!got)
                return got.error();
            have_routes.insert(have_routes.end(), got->begin(), got->end());
        }
    }
    return find_drift(want_rules_, have_rules, want_routes_, have_routes);
}

PolicyRouting::Repaired PolicyRouting::repair(const Drift &d)
{
    Repaired out;
    // routes before rules, as apply() does: a rule never points at an empty table
    for (const auto &r : d.routes) {
        if (auto res = nl_.add_route(r); !res) {
            out.failed.emplace_back(describe(r), res.error());
            continue;
        }
        out.restored.push_back(describe(r));
        if (!contains(routes_, r, same_route))
            routes_.push_back(r);
    }
    for (const auto &r : d.rules) {
        if (auto res = nl_.add_rule(r); !res) {
            out.failed.emplace_back(describe(r), res.error());
            continue;
        }
        out.restored.push_back(describe(r));
        if (!contains(rules_, r, std::equal_to<Rule>()))
            rules_.push_back(r);
    }
    return out;
}

} // namespace jalur::routing
