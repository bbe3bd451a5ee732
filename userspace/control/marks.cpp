// SPDX-License-Identifier: GPL-2.0-only
#include "control/marks.h"

#include <set>

namespace jalur::control {

namespace {

// One value per WAN (its fwmark or its table), kept where possible.
template <typename Get, typename Derived, typename Next>
void keep(const config::Config &running, config::Config &next, Get get, Derived derived, Next next_free)
{
    std::set<uint32_t> taken;
    for (const auto &w : next.wans)
        if (!derived(w))
            taken.insert(get(w));
    std::vector<config::Wan *> unplaced;
    for (auto &w : next.wans) {
        if (!derived(w))
            continue;
        const auto *old = running.wan(w.name);
        if (old && !taken.count(get(*old))) {
            get(w) = get(*old);
            taken.insert(get(w));
        } else {
            unplaced.push_back(&w);
        }
    }
    for (auto *w : unplaced) {
        if (taken.count(get(*w))) // its derived value is a kept one's: the lowest free
            get(*w) = next_free(taken);
        taken.insert(get(*w));
    }
}

} // namespace

void keep_marks(const config::Config &running, config::Config &next)
{
    const unsigned shift = static_cast<unsigned>(__builtin_ctz(next.fwmark_mask));
    if (running.fwmark_mask == next.fwmark_mask)
        keep(
            running, next, [](auto &w) -> auto & { return w.fwmark; }, [](const config::Wan &w) { return w.fwmark_derived; },
            [&](const std::set<uint32_t> &taken) {
                uint32_t m = 1u << shift;
                while (taken.count(m))
                    m += 1u << shift;
                return m;
            });
    keep(
        running, next, [](auto &w) -> auto & { return w.table; }, [](const config::Wan &w) { return w.table_derived; },
        [](const std::set<uint32_t> &taken) {
            uint32_t t = 101;
            while (taken.count(t))
                t++;
            return t;
        });
}

} // namespace jalur::control
