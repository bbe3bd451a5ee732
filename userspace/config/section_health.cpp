// SPDX-License-Identifier: GPL-2.0-only
// How every WAN is probed. Defaults suit a small site: a round a second,
// down after 3 lost rounds, up after 3 good ones; the fast profile is
// interval 200ms, timeout 200ms, down 2, up 3. A WAN's own `health:` takes
// the same keys and overrides these for that WAN.
#include "config/probe_target.h"
#include "config/sections.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jalur::config {

namespace {

void read_target(Diagnostics &d, const Value &item, std::vector<ProbeTarget> &out)
{
    const Value *text = &item;
    std::optional<MapReader> m;
    if (item.node.IsMap()) {
        m.emplace(d, item, std::vector<std::string>{"target", "address", "expect", "ca_file"});
        if (!m->ok() || !(text = m->require("target")))
            return;
    }
    auto s = read_string(d, *text);
    if (!s)
        return;
    auto t = parse_probe_target(*s);
    if (!t) {
        d.error(text->at, text->path + ": " + t.error().message);
        return;
    }
    if (m) {
        if (const Value *v = m->get("expect")) {
            if (t->kind != ProbeTarget::Kind::Http)
                d.error(v->at, v->path + ": only an http or https target has an expected status");
            else if (auto n = read_uint(d, *v, 100, 599))
                t->expect = static_cast<uint16_t>(*n);
        }
        if (const Value *v = m->get("address")) {
            auto a = read_string(d, *v);
            auto p = a ? Prefix::parse(*a) : Result<Prefix>(errorf(""));
            if (t->kind != ProbeTarget::Kind::Http || t->address)
                d.error(v->at, v->path + ": only an https target that names a host takes an address");
            else if (!p || p->len != p->max_len())
                d.error(v->at, v->path + ": expected an IPv4 or IPv6 address, got " + describe(v->node));
            else
                t->address = *p;
        }
        if (const Value *v = m->get("ca_file"))
            if (auto path = read_string(d, *v)) {
                // read now, so `jalur check` and a reload refuse a file the probe could not use
                if (t->url.rfind("https://", 0) != 0)
                    d.error(v->at, v->path + ": only an https target verifies a certificate");
                else if (path->empty() || path->front() != '/')
                    d.error(v->at, v->path + ": expected an absolute path, got " + describe(v->node));
                else if (access(path->c_str(), R_OK) != 0)
                    d.error(v->at, v->path + ": cannot read " + *path + ": " + std::strerror(errno));
                else
                    t->ca_file = *path;
            }
    }
    if (t->kind == ProbeTarget::Kind::Http && !t->address)
        d.error(item.at, item.path + ": " + t->host + " needs its address, as in {target: " + t->url +
                             ", address: 203.0.113.7}");
    out.push_back(*t);
}

} // namespace

void read_health(Diagnostics &d, const Value &value, Health &h, LastResort *last_resort)
{
    MapReader m(d, value,
                {"interval", "timeout", "down", "up", "reliability", "targets", "window", "degraded_loss",
                 "degraded_latency", "degraded_weight", "passive", "last_resort", "default_targets", "metered"});
    if (!m.ok())
        return;
    h.where = m.at();
    using std::chrono::milliseconds;
    if (auto v = m.get("interval"))
        if (auto ms = read_millis(d, *v, milliseconds(100), milliseconds(600000)))
            h.interval = *ms;
    h.timeout = std::min(h.timeout, h.interval);
    if (auto v = m.get("timeout"))
        if (auto ms = read_millis(d, *v, milliseconds(50), milliseconds(600000))) {
            if (*ms > h.interval)
                d.error(v->at, v->path + ": must not exceed the interval, " + std::to_string(h.interval.count()) +
                                   "ms (a round ends before the next starts)");
            h.timeout = *ms;
        }
    if (auto v = m.get("down"))
        if (auto n = read_uint(d, *v, 1, 100))
            h.down = static_cast<uint32_t>(*n);
    if (auto v = m.get("up"))
        if (auto n = read_uint(d, *v, 1, 100))
            h.up = static_cast<uint32_t>(*n);
    if (auto v = m.get("window"))
        if (auto n = read_uint(d, *v, 2, 1000))
            h.window = static_cast<uint32_t>(*n);
    if (auto v = m.get("degraded_loss"))
        if (auto n = read_uint(d, *v, 1, 99))
            h.degraded_loss = static_cast<uint32_t>(*n);
    if (auto v = m.get("degraded_latency"))
        if (auto ms = read_millis(d, *v, milliseconds(1), milliseconds(60000)))
            h.degraded_latency = *ms;
    if (auto v = m.get("degraded_weight"))
        if (auto n = read_uint(d, *v, 1, 100))
            h.degraded_weight = static_cast<uint32_t>(*n);
    if (auto v = m.get("passive"))
        if (auto on = read_choice<bool>(d, *v, {{"on", true}, {"off", false}, {"true", true}, {"false", false}}))
            h.passive = *on;
    if (auto v = m.get("metered"))
        if (auto on = read_choice<bool>(d, *v, {{"on", true}, {"off", false}, {"true", true}, {"false", false}})) {
            h.metered = *on;
            h.metered_set = true;
        }
    if (auto v = m.get("last_resort")) {
        if (!last_resort)
            d.error(v->at, v->path + ": applies to all WANs together: set it in the top-level health section");
        else if (auto r = read_choice<LastResort>(
                     d, *v,
                     {{"keep", LastResort::Keep}, {"main", LastResort::Main}, {"unreachable", LastResort::Unreachable}}))
            *last_resort = *r;
    }
    bool targets_ok = true; // a bad target is its own error, not also a reliability one
    if (auto v = m.get("targets")) {
        h.targets.clear();
        h.targets_set = true;
        auto items = read_items(d, *v, "expected at least one target (an address, or \"gateway\")");
        for (const auto &item : items)
            read_target(d, item, h.targets);
        targets_ok = h.targets.size() == items.size();
    }
    if (auto v = m.get("default_targets")) {
        // [] is allowed: gateway-only probing, by choice
        h.default_targets.clear();
        if (!v->node.IsSequence() || v->node.size() > 0) {
            auto items = read_items(d, *v, "expected a list of targets, or [] to probe only the gateway");
            for (const auto &item : items) {
                read_target(d, item, h.default_targets);
                if (!h.default_targets.empty() && h.default_targets.back().gateway) {
                    d.error(item.at, item.path + ": a default target must be beyond the gateway (the gateway is "
                                                 "always probed)");
                    h.default_targets.pop_back();
                }
            }
            targets_ok = targets_ok && h.default_targets.size() == items.size();
        }
    }
    if (auto v = m.get("reliability"))
        if (auto n = read_uint(d, *v, 1, 16))
            h.reliability = static_cast<uint32_t>(*n);
    // with default targets, each WAN checks against those of its families
    if (targets_ok && h.targets_set)
        check_reliability(d, h, m.get("reliability") ? m.get("reliability")->at : h.where, value.path);
}

void check_reliability(Diagnostics &d, const Health &h, const Location &at, const std::string &path)
{
    size_t n = deciding_targets(h.targets);
    if (h.reliability > n)
        d.error(at, path + ".reliability: " + std::to_string(h.reliability) + " targets must answer but only " +
                        std::to_string(n) + " decide a round (the targets beyond the gateway, when there are any)");
}

void parse_health(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (in.value)
        read_health(d, *in.value, cfg.health, &cfg.last_resort);
}

} // namespace jalur::config
