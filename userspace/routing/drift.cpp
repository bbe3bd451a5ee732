// SPDX-License-Identifier: GPL-2.0-only
#include "routing/drift.h"

#include <algorithm>

namespace jalur::routing {

namespace {

uint32_t effective_metric(const Route &r)
{
    return r.family == 6 && r.metric == 0 ? 1024 : r.metric; // IP6_RT_PRIO_USER
}

} // namespace

bool same_route(const Route &a, const Route &b)
{
    return a.family == b.family && a.table == b.table && a.dst == b.dst && a.gateway == b.gateway &&
           a.ifindex == b.ifindex && effective_metric(a) == effective_metric(b);
}

Drift find_drift(const std::vector<Rule> &want_rules, const std::vector<Rule> &have_rules,
                 const std::vector<Route> &want_routes, const std::vector<Route> &have_routes)
{
    Drift d;
    for (const auto &r : want_rules)
        if (std::find(have_rules.begin(), have_rules.end(), r) == have_rules.end())
            d.rules.push_back(r);
    for (const auto &r : want_routes)
        if (std::none_of(have_routes.begin(), have_routes.end(), [&](const Route &h) { return same_route(r, h); }))
            d.routes.push_back(r);
    return d;
}

} // namespace jalur::routing
