// SPDX-License-Identifier: GPL-2.0-only
#include "agent/quota_section.h"

#include "alerts/templates.h"
#include "metrics/render.h"

#include <cstdio>

namespace jalur::agent {

namespace {

metrics::WallClock::time_point wall(control::sys_seconds t) { return metrics::WallClock::time_point(t.time_since_epoch()); }

void write_metrics(metrics::Writer &w, const std::vector<control::QuotaView> &views,
                   const std::map<std::string, health::ProbeCost> &probes)
{
    auto gauge = [&](const char *name, const char *help, auto value_of) {
        w.family(name, metrics::Type::Gauge, help);
        for (const auto &v : views)
            w.sample({{"wan", v.wan}}, value_of(v));
    };
    using V = control::QuotaView;
    gauge("jalur_wan_quota_used_bytes", "Bytes counted against the WAN's quota this period.",
          [](const V &v) { return v.used; });
    gauge("jalur_wan_quota_limit_bytes", "The WAN's quota per period.", [](const V &v) { return v.limit; });
    gauge("jalur_wan_quota_used_ratio", "Used over limit (1: exhausted).", [](const V &v) { return v.share; });
    gauge("jalur_wan_quota_projected_bytes",
          "The use at the period's end at the rate so far (the use so far in the period's first hour).",
          [](const V &v) { return v.projection.value_or(v.used); });
    gauge("jalur_wan_quota_period_end_timestamp_seconds", "When the period ends and the quota starts over, Unix time.",
          [](const V &v) { return static_cast<int64_t>(v.period.end.time_since_epoch().count()); });
    gauge("jalur_wan_quota_exceeded", "1 while the quota is used up.", [](const V &v) { return v.exceeded ? 1 : 0; });
    w.family("jalur_wan_probe_bytes_total", metrics::Type::Counter,
             "Bytes the health probes cost on the wire (exact for ICMP, estimated for TCP, DNS and HTTP), since the "
             "probes last started.");
    for (const auto &[wan, p] : probes) {
        w.sample({{"wan", wan}, {"direction", "sent"}}, p.sent);
        w.sample({{"wan", wan}, {"direction", "received"}}, p.received);
    }
    w.family("jalur_wan_probe_rounds_skipped_total", metrics::Type::Counter,
             "Probe rounds a metered WAN skipped because passive evidence proved the link.");
    for (const auto &[wan, p] : probes)
        w.sample({{"wan", wan}}, p.skipped);
}

void write_status(JsonWriter &j, const std::vector<control::QuotaView> &views,
                  const std::map<std::string, health::ProbeCost> &probes, const std::string &problem)
{
    j.begin_object();
    j.field("state_file_problem", problem);
    j.key("wans").begin_object();
    for (const auto &v : views) {
        j.key(v.wan).begin_object();
        j.field("used_bytes", v.used).field("limit_bytes", v.limit).field("used_ratio", v.share);
        j.key("projected_bytes");
        if (v.projection)
            j.value(*v.projection);
        else
            j.null();
        j.field("period_start", metrics::rfc3339(wall(v.period.start)))
            .field("period_end", metrics::rfc3339(wall(v.period.end)))
            .field("days_left", v.days_left)
            .field("exceeded", v.exceeded)
            .field("when_exceeded", v.when_exceeded);
        j.end_object();
    }
    j.end_object();
    j.key("probe_bytes").begin_object();
    for (const auto &[wan, p] : probes)
        j.key(wan)
            .begin_object()
            .field("sent", p.sent)
            .field("received", p.received)
            .field("rounds_skipped", p.skipped)
            .end_object();
    j.end_object();
    j.end_object();
}

void write_text(std::string &out, const std::vector<control::QuotaView> &views)
{
    if (views.empty())
        return;
    char line[256];
    std::snprintf(line, sizeof(line), "\n%-10s %12s %12s %6s %12s %9s  %s\n", "WAN", "QUOTA USED", "LIMIT", "SHARE",
                  "PROJECTED", "DAYS LEFT", "STATE");
    out += line;
    for (const auto &v : views) {
        std::string projected = v.projection ? notify::human_bytes(*v.projection) : "-";
        std::string state = v.exceeded ? "exceeded (" + v.when_exceeded + ")" : "within";
        std::snprintf(line, sizeof(line), "%-10s %12s %12s %5.0f%% %12s %9d  %s\n", v.wan.c_str(),
                      notify::human_bytes(v.used).c_str(), notify::human_bytes(v.limit).c_str(), v.share * 100,
                      projected.c_str(), v.days_left, state.c_str());
        out += line;
    }
}

} // namespace

metrics::Section quota_section(std::vector<control::QuotaView> views, std::map<std::string, health::ProbeCost> probes,
                               std::string problem)
{
    metrics::Section s;
    s.metrics = [views, probes](metrics::Writer &w) { write_metrics(w, views, probes); };
    s.status = [views, probes, problem](JsonWriter &j) { write_status(j, views, probes, problem); };
    s.text = [views](std::string &out) { write_text(out, views); };
    return s;
}

} // namespace jalur::agent
