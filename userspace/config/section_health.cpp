// SPDX-License-Identifier: GPL-2.0-only
// How every WAN is probed. Defaults suit a small site: a round a second,
// down after 3 lost rounds, up after 3 good ones; the fast profile is
// interval 200ms, timeout 200ms, down 2, up 3.
#include "common/prefix.h"
#include "config/sections.h"

namespace jalur::config {

void parse_health(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    MapReader m(d, *in.value,
                {"interval", "timeout", "down", "up", "reliability", "targets", "window", "degraded_loss",
                 "degraded_latency", "degraded_weight"});
    if (!m.ok())
        return;
    cfg.health.where = m.at();
    using std::chrono::milliseconds;
    if (auto v = m.get("interval"))
        if (auto ms = read_millis(d, *v, milliseconds(100), milliseconds(600000)))
            cfg.health.interval = *ms;
    cfg.health.timeout = std::min(cfg.health.timeout, cfg.health.interval);
    if (auto v = m.get("timeout"))
        if (auto ms = read_millis(d, *v, milliseconds(50), milliseconds(600000))) {
            if (*ms > cfg.health.interval)
                d.error(v->at, v->path + ": must not exceed health.interval (a round ends before the next starts)");
            cfg.health.timeout = *ms;
        }
    if (auto v = m.get("down"))
        if (auto n = read_uint(d, *v, 1, 100))
            cfg.health.down = static_cast<uint32_t>(*n);
    if (auto v = m.get("up"))
        if (auto n = read_uint(d, *v, 1, 100))
            cfg.health.up = static_cast<uint32_t>(*n);
    if (auto v = m.get("window"))
        if (auto n = read_uint(d, *v, 2, 1000))
            cfg.health.window = static_cast<uint32_t>(*n);
    if (auto v = m.get("degraded_loss"))
        if (auto n = read_uint(d, *v, 1, 99))
            cfg.health.degraded_loss = static_cast<uint32_t>(*n);
    if (auto v = m.get("degraded_latency"))
        if (auto ms = read_millis(d, *v, milliseconds(1), milliseconds(60000)))
            cfg.health.degraded_latency = *ms;
    if (auto v = m.get("degraded_weight"))
        if (auto n = read_uint(d, *v, 1, 100))
            cfg.health.degraded_weight = static_cast<uint32_t>(*n);
    if (auto v = m.get("targets")) {
        cfg.health.targets.clear();
        for (const auto &item : read_items(d, *v, "expected at least one target (an address, or \"gateway\")")) {
            auto s = read_string(d, item);
            if (!s)
                continue;
            auto p = Prefix::parse(*s);
            if (*s != "gateway" && (!p || p->len != p->max_len()))
                d.error(item.at, item.path + ": expected an address or \"gateway\", got " + describe(item.node));
            cfg.health.targets.push_back(*s);
        }
    }
    if (auto v = m.get("reliability"))
        if (auto n = read_uint(d, *v, 1, 16)) {
            cfg.health.reliability = static_cast<uint32_t>(*n);
            if (*n > cfg.health.targets.size())
                d.error(v->at, v->path + ": " + std::to_string(*n) + " targets must answer but only " +
                                   std::to_string(cfg.health.targets.size()) + " are probed");
        }
}

} // namespace jalur::config
