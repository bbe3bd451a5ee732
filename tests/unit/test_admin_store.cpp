// SPDX-License-Identifier: GPL-2.0-only
// The administrative WAN state's record: what is written is read back, a
// damaged file costs only its bad lines, expiry is by the caller's clock,
// durations and free text are bounded; and the events reply the control
// socket gives: bounded, resumable by sequence number, across a restart.
#include "agent/admin_commands.h"
#include "agent/admin_store.h"
#include "ctl/message.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace jalur;
using namespace jalur::agent;
using control::Admin;

TEST_CASE("admin store: what is written is read back, reason and who included")
{
    std::map<std::string, AdminEntry> e{
        {"isp1", {Admin::Drain, "root (uid 0)", "modem swap\tat 3\npm", 1000, 2800}},
        {"lte", {Admin::Disabled, "telegram user 42 (@ana)", "", 1500, 0}},
    };
    auto text = AdminStore::serialize(e);
    std::vector<std::string> skipped;
    auto back = AdminStore::parse(text, &skipped);
    CHECK(skipped.empty());
    REQUIRE(back.size() == 2);
    CHECK(back["isp1"].state == Admin::Drain);
    CHECK(back["isp1"].reason == "modem swap at 3 pm"); // a tab or newline would break the line
    CHECK(back["isp1"].until_unix == 2800);
    CHECK(back["lte"] == e["lte"]);
}

TEST_CASE("admin store: bad lines are skipped and named, the good ones kept")
{
    std::vector<std::string> skipped;
    auto back = AdminStore::parse("# comment\n"
                                  "isp1\tdrain\t10\t0\troot\twhy\n"
                                  "isp2\tenabled\t10\t0\troot\t\n" // enabled WANs have no entry
                                  "isp3\tsleepy\t10\t0\troot\t\n"
                                  "isp4\tdrain\tten\t0\troot\t\n"
                                  "isp5\tdrain\t10\t0\n"
                                  "\tdrain\t10\t0\troot\t\n"
                                  "isp6\tdisabled\t10\t20\troot\tok",
                                  &skipped);
    CHECK(back.size() == 2);
    CHECK(back.count("isp1"));
    CHECK(back["isp6"].until_unix == 20);
    REQUIRE(skipped.size() == 5);
    CHECK(skipped[0] == "line 3: not 'name state since until by reason'");
}

TEST_CASE("admin store: persisted in the state directory, atomically, and expired by the caller's clock")
{
    auto dir = std::filesystem::temp_directory_path() / ("jalur-admin-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    {
        auto s = AdminStore::load(dir.string()); // no directory yet: empty
        CHECK(s.entries().empty());
        REQUIRE(s.set("isp1", {Admin::Drain, "root (uid 0)", "maintenance", 100, 400}));
        REQUIRE(s.set("isp2", {Admin::Disabled, "root (uid 0)", "", 100, 0}));
        REQUIRE(s.set("isp3", {Admin::Drain, "root (uid 0)", "", 100, 300}));
        CHECK(s.next_expiry() == 300);
        CHECK(s.expired(299).empty());
        CHECK(s.expired(400) == std::vector<std::string>{"isp1", "isp3"});
    }
    CHECK(!std::filesystem::exists(dir / "wan-admin.tmp"));
    {
        auto s = AdminStore::load(dir.string());
        REQUIRE(s.entries().size() == 3);
        CHECK(s.find("isp1")->reason == "maintenance");
        REQUIRE(s.clear("isp3"));
        REQUIRE(s.keep_only({"isp1", "lte"}));
    }
    auto s = AdminStore::load(dir.string());
    CHECK(s.entries().size() == 1);
    CHECK(s.find("isp1"));
    CHECK(!s.find("isp2"));
    CHECK(s.next_expiry() == 400);
    std::filesystem::remove_all(dir);
}

TEST_CASE("admin store: a state directory that cannot be written is an error the caller reports")
{
    auto s = AdminStore::load("/proc/jalur-no-such-dir");
    auto r = s.set("isp1", {Admin::Drain, "root", "", 1, 0});
    REQUIRE(!r);
    CHECK(r.error().message.find("/proc/jalur-no-such-dir/wan-admin") != std::string::npos);
    CHECK(s.find("isp1")); // in effect until a restart all the same
}

TEST_CASE("admin durations: 90s, 30m, 2h, 1d, plain seconds, nothing else, at most 30 days")
{
    CHECK(parse_admin_duration("90s").value() == std::chrono::seconds(90));
    CHECK(parse_admin_duration("30m").value() == std::chrono::seconds(1800));
    CHECK(parse_admin_duration("2h").value() == std::chrono::seconds(7200));
    CHECK(parse_admin_duration("1d").value() == std::chrono::seconds(86400));
    CHECK(parse_admin_duration("45").value() == std::chrono::seconds(45));
    CHECK(parse_admin_duration("30d").value() == std::chrono::hours(720));
    for (const char *bad : {"", "m", "0m", "-5m", "31d", "1.5h", "10 m", "10w", "99999999999999999999"}) {
        auto r = parse_admin_duration(bad);
        CHECK(!r);
        if (!r)
            CHECK(r.error().message.find(std::string("got '") + bad + "'") != std::string::npos);
    }
}

TEST_CASE("admin text: one line, bounded, cut on a character boundary")
{
    CHECK(admin_text("a\tb\nc\x7f") == "a b c ");
    std::string long_text(199, 'x');
    long_text += "\xc3\xa9\xc3\xa9"; // é é: the first straddles byte 200
    auto t = admin_text(long_text);
    CHECK(t.size() == 199);
}

TEST_CASE("events reply: what came after the reader's last, then nothing, and everything after a restart")
{
    EventLog log;
    log.add(EventKind::Admin, "isp1", "drained by root (uid 0)");
    log.add(EventKind::Transition, "isp2", "up -> down: carrier lost");
    auto r = events_reply(log, 0, 0, false);
    REQUIRE(r.ok);
    CHECK(r.data["last_seq"] == "2");
    CHECK(r.data["more"] == "false");
    CHECK(r.text.find("  admin  isp1  drained by root (uid 0)\n") != std::string::npos);
    CHECK(r.text.find("  transition  isp2  up -> down") != std::string::npos);
    auto again = events_reply(log, 2, 0, false);
    CHECK(again.text.empty());
    CHECK(again.data["last_seq"] == "2");
    // a reader at 50 follows an agent that restarted: all it has is new
    auto restarted = events_reply(log, 50, 0, true);
    CHECK(restarted.data["last_seq"] == "2");
    CHECK(restarted.text.find(R"("kind":"admin","wan":"isp1")") != std::string::npos);
    CHECK(std::count(restarted.text.begin(), restarted.text.end(), '\n') == 2);
}

TEST_CASE("events reply: --since drops older events but moves the reader past them")
{
    EventLog log;
    auto now = std::chrono::system_clock::now();
    log.add_at(now - std::chrono::hours(2), EventKind::Reload, "", "old");
    log.add_at(now, EventKind::Reload, "", "new");
    auto since = std::chrono::duration_cast<std::chrono::seconds>((now - std::chrono::hours(1)).time_since_epoch());
    auto r = events_reply(log, 0, since.count(), false);
    CHECK(r.text.find("old") == std::string::npos);
    CHECK(r.text.find("new") != std::string::npos);
    CHECK(r.data["last_seq"] == "2");
}

TEST_CASE("events reply: bounded, and says there is more from where it stopped")
{
    EventLog log;
    for (int i = 0; i < 1000; i++)
        log.add(EventKind::RogueDhcp, "", std::string(400, 'a' + i % 26));
    auto r = events_reply(log, 0, 0, true);
    CHECK(r.data["more"] == "true");
    CHECK(r.text.size() < kMaxEventsReply + 1024);
    auto last = std::stoull(r.data["last_seq"]);
    CHECK(last > 100);
    CHECK(last < 1000);
    auto line = ctl::reply_line(r); // the whole reply fits what the client reads
    CHECK(line.size() < (1u << 20));
    auto rest = events_reply(log, last, 0, true);
    CHECK(rest.data["last_seq"] == "1000");
    CHECK(rest.data["more"] == "false");
}
