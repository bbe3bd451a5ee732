// SPDX-License-Identifier: GPL-2.0-only
#include "common/event_log.h"
#include "common/json.h"

#include <catch2/catch.hpp>

using namespace jalur;
using namespace std::chrono_literals;

TEST_CASE("event log: a reader gets what came after the last event it saw, oldest first", "[events]")
{
    EventLog log(4);
    CHECK(log.after(0).empty());
    auto a = log.add(EventKind::Transition, "isp1", "down: carrier lost");
    auto b = log.add(EventKind::Admin, "isp2", "drained by root");
    CHECK(a == 1);
    CHECK(b == 2);
    auto all = log.after(0);
    REQUIRE(all.size() == 2);
    CHECK(all[0].text == "down: carrier lost");
    CHECK(all[1].wan == "isp2");
    auto later = log.after(a);
    REQUIRE(later.size() == 1);
    CHECK(later[0].seq == b);
    CHECK(log.after(b).empty());
}

TEST_CASE("event log: bounded; the oldest go first and are counted", "[events]")
{
    EventLog log(3);
    for (int i = 1; i <= 10; ++i)
        log.add(EventKind::RogueDhcp, "", "sighting " + std::to_string(i));
    auto all = log.after(0);
    REQUIRE(all.size() == 3);
    CHECK(all.front().text == "sighting 8");
    CHECK(all.back().text == "sighting 10");
    CHECK(log.dropped() == 7);
    CHECK(log.last_seq() == 10);
    auto newest = log.after(0, 2);
    REQUIRE(newest.size() == 2);
    CHECK(newest.front().seq == 9);
}

TEST_CASE("event log: a crafted text stays one bounded line", "[events]")
{
    EventLog log(2);
    std::string big(5000, 'x');
    big[10] = '\n';
    big = std::string("\xC3\xA9", 2) + big; // a multi-byte character at the start
    log.add(EventKind::Alert, "isp1\nforged", big);
    auto e = log.after(0).at(0);
    CHECK(e.text.size() <= EventLog::kMaxText);
    CHECK(e.text.find('\n') == std::string::npos);
    CHECK(e.wan == "isp1 forged");
}

TEST_CASE("event log: since a time, and JSON with kind names", "[events]")
{
    EventLog log(10);
    auto t0 = std::chrono::system_clock::time_point{} + 1000h;
    log.add_at(t0, EventKind::Reload, "", "config reloaded");
    log.add_at(t0 + 1h, EventKind::Quota, "lte", "75% used");
    auto recent = log.since(t0 + 30min);
    REQUIRE(recent.size() == 1);
    CHECK(recent[0].kind == EventKind::Quota);
    JsonWriter w;
    write_event(w, recent[0]);
    CHECK(w.str().find("\"kind\":\"quota\"") != std::string::npos);
    CHECK(w.str().find("\"at\":\"1970-02-11T17:00:00.000Z\"") != std::string::npos);
    CHECK(w.str().find("\"at_ms\":3603600000") != std::string::npos); // exact: no digits lost
    for (auto k : {EventKind::Agent, EventKind::Transition, EventKind::Alert, EventKind::Admin, EventKind::Reload,
                   EventKind::RogueDhcp, EventKind::Flows, EventKind::Quota})
        CHECK(event_kind_from(event_kind_name(k)) == k);
    CHECK_FALSE(event_kind_from("nonsense"));
}
