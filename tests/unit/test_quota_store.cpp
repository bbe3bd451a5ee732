// SPDX-License-Identifier: GPL-2.0-only
// The quota usage file (issue 20): written atomically with the previous good
// file kept; a torn file falls back to it, reported; and the quota book
// keeps a WAN's usage across a reload and a restart. Thrifty probing skips
// a metered WAN's round only on passive proof.
#include "agent/quota_store.h"
#include "config/parse.h"
#include "control/quota_book.h"
#include "health/thrift.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace jalur;
using namespace jalur::control;
using namespace std::chrono;

namespace {

struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/jalur-quota-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

QuotaRecords one(uint64_t down)
{
    QuotaRecords r;
    r["sim"] = QuotaUsage{sys_seconds(sys_days(year(2026) / 12 / 1)), down, 0, 0, down, 0};
    return r;
}

void write(const std::string &path, const std::string &text) { std::ofstream(path, std::ios::trunc) << text; }

std::string read(const std::string &path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("quota store: a first start is empty and quiet; a save reads back")
{
    TempDir dir;
    agent::QuotaStore store(dir.path + "/state"); // made on the first save
    auto first = store.load();
    CHECK(first.records.empty());
    CHECK(first.problem.empty());
    REQUIRE(store.save(one(100)));
    REQUIRE(store.save(one(200)));
    auto back = store.load();
    CHECK(back.problem.empty());
    CHECK(back.records == one(200));
    CHECK(parse_quota_records(read(store.path() + ".prev")).value() == one(100));
    CHECK_FALSE(std::filesystem::exists(store.path() + ".tmp"));
}

TEST_CASE("quota store: a torn file falls back to the last good one, and says so")
{
    TempDir dir;
    agent::QuotaStore store(dir.path);
    REQUIRE(store.save(one(100)));
    REQUIRE(store.save(one(200)));
    std::string good = read(store.path());
    write(store.path(), good.substr(0, good.size() / 2)); // torn mid-write
    auto loaded = store.load();
    CHECK(loaded.records == one(100));
    CHECK_THAT(loaded.problem, Catch::Contains("no checksum") && Catch::Contains("read the previous file"));

    // a crash between the two renames: the file is gone, the previous one is there
    std::filesystem::remove(store.path());
    loaded = store.load();
    CHECK(loaded.records == one(100));
    CHECK_THAT(loaded.problem, Catch::Contains("missing"));

    // both bad: from zero, said so
    write(store.path(), "garbage");
    write(store.path() + ".prev", "wan sim 1 2");
    loaded = store.load();
    CHECK(loaded.records.empty());
    CHECK_THAT(loaded.problem, Catch::Contains("usage starts from zero"));
}

TEST_CASE("quota store: an unwritable directory is an error, not a crash")
{
    TempDir dir;
    write(dir.path + "/file", "x");
    agent::QuotaStore store(dir.path + "/file/below");
    auto r = store.save(one(1));
    REQUIRE_FALSE(r);
    CHECK(r.error().err != 0);
}

TEST_CASE("quota book: usage survives a restart and a reload; a WAN without a quota is forgotten")
{
    auto cfg = config::parse(R"(lan: br-lan
wans:
  - {name: fixed, interface: wan1}
  - {name: sim, interface: wan2, quota: {limit: 1MB, timezone: "+07:00"}}
)", "t.yaml");
    REQUIRE(cfg);
    FixedZone utc{seconds(0)};
    sys_seconds now = sys_seconds(sys_days(year(2026) / 12 / 3));
    std::map<std::string, std::pair<uint64_t, uint64_t>> counters{{"sim", {600'000, 200'000}}};
    auto read_counters = [&](const std::string &wan) { return counters[wan]; };

    QuotaBook book;
    book.configure(*cfg, {});
    CHECK(book.update(now, utc, read_counters).size() == 1); // 80 %: the 75 % warning
    CHECK_FALSE(book.exceeded("sim"));
    CHECK_FALSE(book.exceeded("fixed"));
    auto saved = book.records();
    REQUIRE(saved.count("sim"));
    CHECK_FALSE(saved.count("fixed"));

    // a restart: new maps, counters from zero; the usage goes on from the file
    QuotaBook again;
    again.configure(*cfg, saved);
    counters["sim"] = {250'000, 0};
    auto events = again.update(now + seconds(5), utc, read_counters);
    REQUIRE(events.size() == 2); // 95 % and 100 %, not 75 % again
    CHECK(events[0].event.percent == 95);
    CHECK(events[1].event.percent == 100);
    CHECK(again.exceeded("sim"));
    auto views = again.views(now + seconds(5), utc);
    REQUIRE(views.size() == 1);
    CHECK(views[0].used == 1'050'000);
    CHECK(views[0].share == Approx(1.05));
    CHECK(views[0].when_exceeded == "backup-only");
    CHECK(views[0].period.start == sys_seconds(sys_days(year(2026) / 11 / 30)) + hours(17)); // WIB midnight

    // a reload that keeps the quota keeps the count
    again.configure(*cfg, {});
    CHECK(again.exceeded("sim"));
    CHECK(again.reset("sim"));
    CHECK_FALSE(again.exceeded("sim"));
    CHECK_FALSE(again.reset("fixed"));
}

TEST_CASE("thrifty probing: skips only while traffic proves the link, and probes now and then")
{
    health::Thrift t(3);
    health::PassiveCounters c;
    CHECK_FALSE(t.skip("sim", c, false)); // nothing known yet
    c.synack_in += 2;                      // handshakes completed
    CHECK(t.skip("sim", c, false));
    c.rx_bytes += 100'000;                 // bytes arriving
    CHECK(t.skip("sim", c, false));
    c.rx_bytes += 100'000;
    CHECK(t.skip("sim", c, false));
    c.rx_bytes += 100'000;
    CHECK_FALSE(t.skip("sim", c, false)); // the fourth in a row is probed: RTT and loss stay measured
    c.rx_bytes += 100'000;
    CHECK(t.skip("sim", c, false));
    // idle: only the probes' own answers and some ARP arrive
    c.rx_bytes += 84 + 60;
    c.probe_rx += 84;
    CHECK_FALSE(t.skip("sim", c, false));
    // traffic, but the passive signal sees stalled handshakes
    c.rx_bytes += 100'000;
    CHECK_FALSE(t.skip("sim", c, true));
    // SYNs out with none answered look bad too
    c.rx_bytes += 100'000;
    c.syn_out += 5;
    CHECK_FALSE(t.skip("sim", c, false));
    // counters made anew prove nothing
    CHECK_FALSE(t.skip("sim", health::PassiveCounters{}, false));
}

TEST_CASE("thrifty probing: what a probe costs on the wire")
{
    config::ProbeTarget icmp;
    CHECK(health::probe_bytes(icmp, 4).sent == 14 + 20 + 8);
    CHECK(health::probe_bytes(icmp, 6).received == 14 + 40 + 8);
    config::ProbeTarget dns;
    dns.kind = config::ProbeTarget::Kind::Dns;
    dns.qname = "example.com";
    CHECK(health::probe_bytes(dns, 4).sent > health::probe_bytes(icmp, 4).sent);
}
