// SPDX-License-Identifier: GPL-2.0-only
// Data caps (issue 20): the `quota:` config, the period arithmetic with a
// fake clock (month lengths, a reset day of 31, leap years, offsets), each
// threshold once per period, and the usage record (a torn file is refused).
#include "config/parse.h"
#include "control/quota_meter.h"
#include "control/quota_period.h"
#include "control/quota_record.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace jalur;
using namespace jalur::control;
using namespace std::chrono;

namespace {

const std::string kTwoIsps = R"(lan: br-lan
wans:
  - name: fixed
    interface: wan1
  - name: sim
    interface: wan2
)";

Result<config::Config> with_quota(const std::string &quota)
{
    return config::parse(kTwoIsps + "    quota: " + quota + "\n", "t.yaml");
}

std::string quota_error(const std::string &quota)
{
    auto r = with_quota(quota);
    REQUIRE_FALSE(r);
    return r.error().message;
}

// 2024-02-29 12:00:00 in a zone `offset` east of UTC, as a UTC instant.
sys_seconds local(int y, unsigned m, unsigned d, int h = 0, int min = 0, seconds offset = hours(7))
{
    return sys_seconds(sys_days(year(y) / month(m) / day(d))) + hours(h) + minutes(min) - offset;
}

config::Quota monthly(uint32_t reset_day)
{
    config::Quota q;
    q.limit = 1000;
    q.reset_day = reset_day;
    return q;
}

const FixedZone kWib{hours(7)}; // Asia/Jakarta: UTC+7, no DST

} // namespace

// ---- config ----------------------------------------------------------------

TEST_CASE("quota: a WAN's quota with every field, and its defaults")
{
    auto cfg = with_quota("{limit: 30GB, period: weekly, reset_day: friday, count: down, warn_at: [50%, 80, 90%], "
                          "when_exceeded: block, timezone: \"+07:00\"}");
    INFO((cfg ? "" : cfg.error().message));
    REQUIRE(cfg);
    REQUIRE_FALSE(cfg->wans[0].quota);
    CHECK_FALSE(cfg->wans[0].health.metered);
    const auto &q = *cfg->wans[1].quota;
    CHECK(q.limit == 30'000'000'000ull);
    CHECK(q.period == config::QuotaPeriod::Weekly);
    CHECK(q.reset_day == 5);
    CHECK(q.count == config::QuotaCount::Down);
    CHECK(q.warn_at == std::vector<uint32_t>{50, 80, 90});
    CHECK(q.when_exceeded == config::WhenExceeded::Block);
    CHECK(q.utc_offset == 7 * 3600);
    CHECK(cfg->wans[1].health.metered); // on by default with a quota

    auto d = with_quota("{limit: 2GiB}");
    REQUIRE(d);
    const auto &dq = *d->wans[1].quota;
    CHECK(dq.limit == 2ull << 30);
    CHECK(dq.period == config::QuotaPeriod::Monthly);
    CHECK(dq.reset_day == 1);
    CHECK(dq.count == config::QuotaCount::Both);
    CHECK(dq.warn_at == std::vector<uint32_t>{75, 95});
    CHECK(dq.when_exceeded == config::WhenExceeded::BackupOnly);
    CHECK_FALSE(dq.utc_offset); // the system's zone

    auto off = config::parse(kTwoIsps + "    quota: {limit: 5MB}\n    health: {metered: off}\n", "t.yaml");
    INFO((off ? "" : off.error().message));
    REQUIRE(off);
    CHECK_FALSE(off->wans[1].health.metered);
}

TEST_CASE("quota: errors name the field and say what was expected")
{
    CHECK_THAT(quota_error("{period: monthly}"), Catch::Contains("t.yaml:7:12") && Catch::Contains("limit"));
    CHECK_THAT(quota_error("{limit: 30 GB}"), Catch::Contains("wans[1].quota.limit: expected a size such as"));
    CHECK_THAT(quota_error("{limit: 1KB}"), Catch::Contains("wans[1].quota.limit"));
    CHECK_THAT(quota_error("{limit: 1GB, reset_day: 32}"), Catch::Contains("t.yaml:7:36: wans[1].quota.reset_day"));
    CHECK_THAT(quota_error("{limit: 1GB, period: daily, reset_day: 2}"),
               Catch::Contains("wans[1].quota.reset_day: a daily quota resets at every local midnight"));
    CHECK_THAT(quota_error("{limit: 1GB, period: weekly, reset_day: 3}"),
               Catch::Contains("wans[1].quota.reset_day: expected one of monday|"));
    CHECK_THAT(quota_error("{limit: 1GB, warn_at: [95%, 75%]}"),
               Catch::Contains("wans[1].quota.warn_at[1]: 75% must be above the one before it"));
    CHECK_THAT(quota_error("{limit: 1GB, warn_at: [100%]}"), Catch::Contains("wans[1].quota.warn_at[0]"));
    CHECK_THAT(quota_error("{limit: 1GB, when_exceeded: stop}"),
               Catch::Contains("wans[1].quota.when_exceeded: expected one of backup-only|block|keep"));
    CHECK_THAT(quota_error("{limit: 1GB, count: all}"), Catch::Contains("wans[1].quota.count"));
    CHECK_THAT(quota_error("{limit: 1GB, timezone: Asia/Jakarta}"),
               Catch::Contains("wans[1].quota.timezone: expected local, UTC or an offset"));
    CHECK_THAT(quota_error("{limit: 1GB, allowance: 2GB}"), Catch::Contains("allowance"));
}

TEST_CASE("quota: a rule may be marked critical")
{
    auto cfg = config::parse(kTwoIsps + R"(policies:
  - name: both
    members: [fixed, sim]
rules:
  - {dst: 203.0.113.10/32, policy: both, critical: true}
  - {dst: 203.0.113.11/32, policy: both}
)", "t.yaml");
    INFO((cfg ? "" : cfg.error().message));
    REQUIRE(cfg);
    CHECK(cfg->rules[0].critical);
    CHECK_FALSE(cfg->rules[1].critical);

    auto bypass = config::parse(kTwoIsps + "rules:\n  - {dst: 203.0.113.10/32, policy: bypass, critical: true}\n",
                                "t.yaml");
    REQUIRE_FALSE(bypass);
    CHECK_THAT(bypass.error().message, Catch::Contains("rules[0].critical: a bypass rule's traffic is not balanced"));

    // the twins count against the data path's 16 policies
    std::string many = kTwoIsps + "policies:\n";
    for (int i = 0; i < 15; i++)
        many += "  - {name: p" + std::to_string(i) + ", members: [fixed, sim]}\n";
    many += "rules:\n  - {dst: 203.0.113.10/32, policy: p0, critical: true}\n";
    REQUIRE(config::parse(many, "t.yaml"));
    many += "  - {dst: 203.0.113.11/32, policy: p1, critical: true}\n";
    auto over = config::parse(many, "t.yaml");
    REQUIRE_FALSE(over);
    CHECK_THAT(over.error().message, Catch::Contains("rules[1].critical: each policy a critical rule names"));
}

// ---- the period ------------------------------------------------------------

TEST_CASE("quota period: monthly from the reset day's local midnight")
{
    auto p = period_at(monthly(1), kWib, local(2026, 12, 3, 14));
    CHECK(p.start == local(2026, 12, 1));
    CHECK(p.end == local(2027, 1, 1));
    // one second before local midnight is still the old period, in UTC the 31st at 16:59:59
    CHECK(period_at(monthly(1), kWib, local(2027, 1, 1) - seconds(1)).start == local(2026, 12, 1));
    CHECK(period_at(monthly(1), kWib, local(2027, 1, 1)).start == local(2027, 1, 1));
    // reset on the 15th: before it, the period began last month
    p = period_at(monthly(15), kWib, local(2026, 3, 14, 23, 59));
    CHECK(p.start == local(2026, 2, 15));
    CHECK(p.end == local(2026, 3, 15));
}

TEST_CASE("quota period: a reset day of 31 is the last day of shorter months, leap years included")
{
    // 2024 is a leap year: February ends on the 29th
    auto p = period_at(monthly(31), kWib, local(2024, 2, 29, 1));
    CHECK(p.start == local(2024, 2, 29));
    CHECK(p.end == local(2024, 3, 31));
    p = period_at(monthly(31), kWib, local(2024, 2, 28, 23));
    CHECK(p.start == local(2024, 1, 31));
    CHECK(p.end == local(2024, 2, 29));
    // 2025 is not, 2100 is not (a century), 2000 was (every 400 years)
    CHECK(period_at(monthly(31), kWib, local(2025, 3, 1)).start == local(2025, 2, 28));
    CHECK(period_at(monthly(30), kWib, local(2100, 3, 1)).start == local(2100, 2, 28));
    CHECK(period_at(monthly(29), kWib, local(2000, 3, 1)).start == local(2000, 2, 29));
    // 30-day months
    p = period_at(monthly(31), kWib, local(2026, 5, 1));
    CHECK(p.start == local(2026, 4, 30));
    CHECK(p.end == local(2026, 5, 31));
    // across a year
    p = period_at(monthly(31), kWib, local(2026, 1, 15));
    CHECK(p.start == local(2025, 12, 31));
    CHECK(p.end == local(2026, 1, 31));
}

TEST_CASE("quota period: weekly and daily")
{
    config::Quota q = monthly(1);
    q.period = config::QuotaPeriod::Weekly; // Monday
    // 2026-12-03 is a Thursday
    auto p = period_at(q, kWib, local(2026, 12, 3, 10));
    CHECK(p.start == local(2026, 11, 30));
    CHECK(p.end == local(2026, 12, 7));
    q.reset_day = 4; // Thursday: today, from midnight
    CHECK(period_at(q, kWib, local(2026, 12, 3)).start == local(2026, 12, 3));
    CHECK(period_at(q, kWib, local(2026, 12, 3) - seconds(1)).start == local(2026, 11, 26));
    q.period = config::QuotaPeriod::Daily;
    p = period_at(q, kWib, local(2026, 12, 31, 23, 59));
    CHECK(p.start == local(2026, 12, 31));
    CHECK(p.end == local(2027, 1, 1));
}

TEST_CASE("quota period: the boundary is the configured zone's midnight")
{
    // 2026-12-01 03:00 UTC: already December 1st in WIB (10:00), still
    // November 30th in UTC-05:00 (22:00)
    sys_seconds now = sys_seconds(sys_days(year(2026) / 12 / 1)) + hours(3);
    CHECK(period_at(monthly(1), kWib, now).start == sys_seconds(sys_days(year(2026) / 11 / 30)) + hours(17));
    FixedZone est{hours(-5)};
    CHECK(period_at(monthly(1), est, now).start == sys_seconds(sys_days(year(2026) / 11 / 1)) + hours(5));
    CHECK(period_at(monthly(1), FixedZone{seconds(0)}, now).start == sys_seconds(sys_days(year(2026) / 12 / 1)));
}

namespace {
// A zone with daylight saving: +1 h from 2026-03-29 01:00 UTC (like Europe/London).
struct SummerZone : Zone {
    seconds offset_at(sys_seconds utc) const override
    {
        return utc >= sys_seconds(sys_days(year(2026) / 3 / 29)) + hours(1) ? hours(1) : hours(0);
    }
};
} // namespace

TEST_CASE("quota period: a zone whose offset changes within the period")
{
    SummerZone z;
    auto p = period_at(monthly(1), z, sys_seconds(sys_days(year(2026) / 3 / 30)));
    CHECK(p.start == sys_seconds(sys_days(year(2026) / 3 / 1)));               // winter: UTC
    CHECK(p.end == sys_seconds(sys_days(year(2026) / 4 / 1)) - hours(1));    // summer: 23:00 UTC
    CHECK(days_left(p, p.end - hours(25)) == 2);
    CHECK(days_left(p, p.end - seconds(1)) == 1);
    CHECK(days_left(p, p.end) == 0);
}

// ---- the meter -------------------------------------------------------------

TEST_CASE("quota meter: each threshold once per period, and a reset at the period's end")
{
    config::Quota q = monthly(1);
    q.limit = 1'000'000;
    QuotaMeter m(q, {});
    sys_seconds t = local(2026, 12, 3, 10);
    CHECK(m.update(t, kWib, 0, 0).empty()); // a first reading starts the period quietly
    CHECK(m.update(t + seconds(1), kWib, 700'000, 49'999).empty()); // 74.9 %
    auto e = m.update(t + seconds(2), kWib, 700'000, 50'000);     // 75 % exactly
    REQUIRE(e.size() == 1);
    CHECK(e[0].kind == QuotaEvent::Kind::Threshold);
    CHECK(e[0].percent == 75);
    CHECK(e[0].used == 750'000);
    CHECK(m.update(t + seconds(3), kWib, 800'000, 50'000).empty()); // 85 %: no repeat of 75
    e = m.update(t + seconds(4), kWib, 1'200'000, 50'000);          // 125 %: 95 and 100 at once
    REQUIRE(e.size() == 2);
    CHECK(e[0].percent == 95);
    CHECK(e[1].percent == 100);
    CHECK(m.exceeded());
    CHECK(m.update(t + seconds(5), kWib, 1'300'000, 50'000).empty());
    // a restart from the saved usage repeats none of them
    QuotaMeter again(q, m.usage());
    CHECK(again.update(t + seconds(6), kWib, 1'300'000, 50'000).empty());
    CHECK(again.exceeded());
    // the period ends: one reset event with what the old period used
    e = again.update(local(2027, 1, 1), kWib, 1'300'100, 50'000);
    REQUIRE(e.size() == 1);
    CHECK(e[0].kind == QuotaEvent::Kind::Reset);
    CHECK(e[0].used == 1'350'000);
    CHECK(e[0].period.start == local(2027, 1, 1));
    CHECK(again.used() == 100); // the bytes since the last reading count in the new period
    CHECK_FALSE(again.exceeded());
    e = again.update(local(2027, 1, 1, 1), kWib, 2'100'000, 50'000);
    REQUIRE(e.size() == 1);
    CHECK(e[0].percent == 75); // once again, in the new period
}

TEST_CASE("quota meter: counters made anew count from zero; count down, up or both")
{
    config::Quota q = monthly(1);
    q.limit = 10'000;
    q.count = config::QuotaCount::Down;
    QuotaUsage u;
    u.period_start = local(2026, 12, 1);
    u.down = 100;
    u.rx_seen = 5'000; // the last run's maps
    u.tx_seen = 5'000;
    QuotaMeter m(q, u);
    m.update(local(2026, 12, 3), kWib, 300, 900); // the maps were made anew at start
    CHECK(m.usage().down == 400);
    CHECK(m.usage().up == 900);
    CHECK(m.used() == 400);
    m.update(local(2026, 12, 3), kWib, 1'300, 900); // and grow from there
    CHECK(m.used() == 1'400);
    q.count = config::QuotaCount::Up;
    m.set_quota(q);
    CHECK(m.used() == 900);
    q.count = config::QuotaCount::Both;
    m.set_quota(q);
    CHECK(m.used() == 2'300);
    // a reload that raises the limit: 2300 of 4000 is past no threshold, 3000 is 75 %
    q.limit = 4'000;
    m.set_quota(q);
    CHECK(m.usage().alerted == 0);
    auto e = m.update(local(2026, 12, 3), kWib, 1'300 + 700, 900);
    REQUIRE(e.size() == 1);
    CHECK(e[0].percent == 75);
    // and one that lowers it again: thresholds passed are not alerted
    q.limit = 2'000;
    m.set_quota(q);
    CHECK(m.usage().alerted == 100);
    CHECK(m.update(local(2026, 12, 3), kWib, 2'000, 900).empty());
    m.reset(); // a top-up
    CHECK(m.used() == 0);
    m.update(local(2026, 12, 3), kWib, 2'100, 900);
    CHECK(m.used() == 100);
}

TEST_CASE("quota meter: the projection extrapolates the rate so far")
{
    QuotaMeter m(monthly(1), {});
    Period p = period_at(monthly(1), kWib, local(2026, 11, 11)); // 30 days
    m.update(local(2026, 11, 1), kWib, 0, 0);
    CHECK_FALSE(m.projection(p, local(2026, 11, 1, 0, 30))); // too early to say
    m.update(local(2026, 11, 11), kWib, 1'000, 0);           // a third of the way
    CHECK(m.projection(p, local(2026, 11, 11)) == 3'000);
}

// ---- the record ------------------------------------------------------------

TEST_CASE("quota record: reads back what was written; a torn or altered file is refused")
{
    QuotaRecords r;
    r["sim"] = QuotaUsage{local(2026, 12, 1), 123, 456, 75, 7'000'000'000ull, 8};
    r["lte-2"] = QuotaUsage{local(2026, 11, 30), 0, 0, 0, 0, 0};
    std::string text = format_quota_records(r);
    auto back = parse_quota_records(text);
    REQUIRE(back);
    CHECK(*back == r);
    CHECK(parse_quota_records(format_quota_records({}))->empty());

    CHECK_THAT(parse_quota_records(text.substr(0, text.size() / 2)).error().message, Catch::Contains("no checksum"));
    CHECK_THAT(parse_quota_records(text.substr(0, text.size() - 3)).error().message, Catch::Contains("checksum"));
    std::string altered = text;
    altered[altered.find("123")] = '9';
    CHECK_THAT(parse_quota_records(altered).error().message, Catch::Contains("checksum does not match"));
    CHECK_FALSE(parse_quota_records(""));
}
