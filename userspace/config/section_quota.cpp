// SPDX-License-Identifier: GPL-2.0-only
// A WAN's `quota:` (issue 20), a data cap such as a SIM's monthly allowance:
//   quota: {limit: 30GB, period: monthly, reset_day: 1, count: both,
//           warn_at: [75%, 95%], when_exceeded: backup-only, timezone: "+07:00"}
// Sizes are decimal as carriers sell them (1GB = 10^9 bytes); KiB..TiB are
// binary. The period starts at local midnight of the reset day, in the
// given zone (a fixed offset from UTC, or the system's: "local", the default).
#include "config/sections.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace jalur::config {

namespace {

std::optional<uint64_t> read_size(Diagnostics &d, const Value &v)
{
    auto fail = [&] {
        d.error(v.at, v.path + ": expected a size such as 500MB, 30GB or 2GiB (1MB..1PB), got " + describe(v.node));
        return std::nullopt;
    };
    if (!v.node.IsScalar())
        return fail();
    const std::string &s = v.node.Scalar();
    size_t digits = s.find_first_not_of("0123456789.");
    std::string number = s.substr(0, digits), unit = digits == std::string::npos ? "" : s.substr(digits);
    if (number.empty() || number.front() == '.' || std::count(number.begin(), number.end(), '.') > 1)
        return fail();
    static const std::pair<const char *, double> units[] = {
        {"B", 1},      {"KB", 1e3},    {"MB", 1e6},    {"GB", 1e9},    {"TB", 1e12},
        {"KiB", 1024}, {"MiB", 0x1p20}, {"GiB", 0x1p30}, {"TiB", 0x1p40}};
    double scale = 0;
    for (const auto &[name, factor] : units)
        if (unit == name)
            scale = factor;
    if (scale == 0)
        return fail();
    double bytes = std::strtod(number.c_str(), nullptr) * scale;
    if (!std::isfinite(bytes) || bytes < 1e6 || bytes > 1e15)
        return fail();
    return static_cast<uint64_t>(std::llround(bytes));
}

// "75%" or 75: a share of the limit, 1..99 (100 % always alerts).
std::optional<uint32_t> read_percent(Diagnostics &d, const Value &v)
{
    if (v.node.IsScalar()) {
        std::string s = v.node.Scalar();
        if (!s.empty() && s.back() == '%')
            s.pop_back();
        if (!s.empty() && s.size() <= 2 && s.find_first_not_of("0123456789") == std::string::npos)
            if (auto n = std::stoul(s); n >= 1 && n <= 99)
                return static_cast<uint32_t>(n);
    }
    d.error(v.at, v.path + ": expected a percentage 1%..99% (100% always alerts), got " + describe(v.node));
    return std::nullopt;
}

// "local" (the system's zone), "UTC", "+07:00", "-03:30": seconds east of UTC.
bool read_timezone(Diagnostics &d, const Value &v, Quota &q)
{
    auto s = read_string(d, v);
    if (!s)
        return false;
    q.timezone = *s;
    if (*s == "local") {
        q.timezone.clear();
        return true;
    }
    if (*s == "UTC" || *s == "Z") {
        q.utc_offset = 0;
        return true;
    }
    const std::string &t = *s;
    bool shape = t.size() == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':' &&
                 t.find_first_not_of("0123456789", 1) == 3 && t.find_first_not_of("0123456789", 4) == std::string::npos;
    int hours = shape ? std::atoi(t.substr(1, 2).c_str()) : 99, minutes = shape ? std::atoi(t.substr(4).c_str()) : 99;
    if (hours > 14 || minutes > 59) {
        d.error(v.at, v.path + ": expected local, UTC or an offset from UTC such as +07:00 (WIB), got " +
                          describe(v.node) + " (zone names like Asia/Jakarta are not read: write the offset)");
        return false;
    }
    q.utc_offset = (t[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    return true;
}

std::optional<uint32_t> read_reset_day(Diagnostics &d, const Value &v, QuotaPeriod period)
{
    if (period == QuotaPeriod::Daily) {
        d.error(v.at, v.path + ": a daily quota resets at every local midnight: leave reset_day out");
        return std::nullopt;
    }
    if (period == QuotaPeriod::Monthly) {
        auto n = read_uint(d, v, 1, 31); // 29..31 mean the month's last day where it is shorter
        return n ? std::optional<uint32_t>(static_cast<uint32_t>(*n)) : std::nullopt;
    }
    return read_choice<uint32_t>(d, v,
                                 {{"monday", 1u}, {"tuesday", 2u}, {"wednesday", 3u}, {"thursday", 4u},
                                  {"friday", 5u}, {"saturday", 6u}, {"sunday", 7u}});
}

} // namespace

void read_quota(Diagnostics &d, const Value &value, Quota &q)
{
    MapReader m(d, value, {"limit", "period", "reset_day", "count", "warn_at", "when_exceeded", "timezone"});
    if (!m.ok())
        return;
    q.where = m.at();
    if (const Value *v = m.require("limit", "the allowance, such as 30GB"))
        if (auto n = read_size(d, *v))
            q.limit = *n;
    if (const Value *v = m.get("period"))
        if (auto p = read_choice<QuotaPeriod>(
                d, *v, {{"monthly", QuotaPeriod::Monthly}, {"weekly", QuotaPeriod::Weekly}, {"daily", QuotaPeriod::Daily}}))
            q.period = *p;
    if (const Value *v = m.get("reset_day"))
        if (auto day = read_reset_day(d, *v, q.period))
            q.reset_day = *day;
    if (const Value *v = m.get("count"))
        if (auto c = read_choice<QuotaCount>(d, *v,
                                             {{"down", QuotaCount::Down}, {"up", QuotaCount::Up}, {"both", QuotaCount::Both}}))
            q.count = *c;
    if (const Value *v = m.get("warn_at")) {
        q.warn_at.clear();
        if (!v->node.IsSequence() || v->node.size() > 0) // [] is allowed: only the 100 % alert
            for (const auto &item : read_items(d, *v, "expected a list of percentages, or [] for none")) {
                auto p = read_percent(d, item);
                if (!p)
                    continue;
                if (!q.warn_at.empty() && *p <= q.warn_at.back())
                    d.error(item.at, item.path + ": " + std::to_string(*p) +
                                         "% must be above the one before it (ascending, each once)");
                else
                    q.warn_at.push_back(*p);
            }
    }
    if (const Value *v = m.get("when_exceeded"))
        if (auto w = read_choice<WhenExceeded>(
                d, *v,
                {{"backup-only", WhenExceeded::BackupOnly}, {"block", WhenExceeded::Block}, {"keep", WhenExceeded::Keep}}))
            q.when_exceeded = *w;
    if (const Value *v = m.get("timezone"))
        read_timezone(d, *v, q);
}

} // namespace jalur::config
