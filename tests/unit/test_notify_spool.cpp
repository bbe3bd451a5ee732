// SPDX-License-Identifier: GPL-2.0-only
// The alert spool: what add() wrote survives a reopen, per-chat progress
// too; a torn or corrupt file is reported and set aside, never fatal.
#include "notify/spool.h"
#include "notify/status_file.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace jalur::notify;
namespace fs = std::filesystem;

namespace {

// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
    std::string path;
    TempDir()
    {
        char tmpl[] = "/tmp/jalur-spool-test-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = std::string(tmpl) + "/spool";
    }
    ~TempDir() { fs::remove_all(fs::path(path).parent_path()); }
};

SpoolEntry entry(const std::string &kind, std::vector<std::string> parts)
{
    SpoolEntry e;
    e.kind = kind;
    e.time_unix = 1700000000;
    e.created_unix = 1700000001;
    e.parts = std::move(parts);
    return e;
}

Spool open_ok(const std::string &dir, std::vector<std::string> &problems)
{
    auto s = Spool::open(dir, problems);
    INFO((s ? std::string() : s.error().message));
    REQUIRE(s);
    return std::move(s).value();
}

Spool open_clean(const std::string &dir)
{
    std::vector<std::string> problems;
    auto s = open_ok(dir, problems);
    INFO((problems.empty() ? std::string() : problems[0]));
    REQUIRE(problems.empty());
    return s;
}

std::string alert_file(const std::string &dir, uint64_t seq)
{
    char name[40];
    std::snprintf(name, sizeof(name), "/%020llu.alert", static_cast<unsigned long long>(seq));
    return dir + name;
}

} // namespace

TEST_CASE("notify spool: alerts survive a reopen, in order, with their text intact")
{
    TempDir t;
    {
        auto s = open_clean(t.path);
        CHECK(s.add(entry("wan_down", {"line 1\nline 2 100% <b>&amp;</b>\r"})) == 1);
        auto e = entry("agent_start", {"part one", "part two"});
        e.silent = true;
        CHECK(s.add(e) == 2);
        CHECK(s.add(entry("wan_up", {"x"})) == 3);
    }
    struct stat st{};
    REQUIRE(stat(t.path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);

    auto s = open_clean(t.path);
    REQUIRE(s.size() == 3);
    auto it = s.entries().begin();
    CHECK(it->second.kind == "wan_down");
    CHECK(it->second.parts == std::vector<std::string>{"line 1\nline 2 100% <b>&amp;</b>\r"});
    CHECK(it->second.time_unix == 1700000000);
    CHECK(it->second.created_unix == 1700000001);
    CHECK_FALSE(it->second.silent);
    ++it;
    CHECK(it->second.parts.size() == 2);
    CHECK(it->second.silent);
    CHECK(s.add(entry("wan_down", {"y"})) == 4); // numbering goes on
}

TEST_CASE("notify spool: per-chat progress survives, removal is final")
{
    TempDir t;
    {
        auto s = open_clean(t.path);
        REQUIRE(s.add(entry("wan_down", {"a", "b"})) > 0);
        REQUIRE(s.mark_done(1, "-1001", 0));
        REQUIRE(s.mark_done(1, "@channel", 1));
        CHECK_FALSE(s.mark_done(9, "-1001", 0)); // no such alert
    }
    auto s = open_clean(t.path);
    REQUIRE(s.size() == 1);
    const auto &done = s.entries().at(1).done;
    CHECK(done.size() == 2);
    CHECK(done.count({"-1001", 0}));
    CHECK(done.count({"@channel", 1}));
    REQUIRE(s.remove(1));
    CHECK(s.size() == 0);
    CHECK_FALSE(fs::exists(alert_file(t.path, 1)));
    CHECK(open_clean(t.path).size() == 0);
}

TEST_CASE("notify spool: a torn alert file is reported, set aside and skipped")
{
    TempDir t;
    {
        auto s = open_clean(t.path);
        REQUIRE(s.add(entry("wan_down", {"first"})) > 0);
        REQUIRE(s.add(entry("wan_down", {"second, torn"})) > 0);
        REQUIRE(s.add(entry("wan_up", {"third"})) > 0);
    }
    auto torn = alert_file(t.path, 2);
    fs::resize_file(torn, fs::file_size(torn) / 2);

    std::vector<std::string> problems;
    auto s = open_ok(t.path, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("00000000000000000002.alert") != std::string::npos);
    CHECK(problems[0].find("torn") != std::string::npos);
    REQUIRE(s.size() == 2);
    CHECK(s.entries().count(1));
    CHECK(s.entries().count(3));
    CHECK(fs::exists(torn + ".corrupt"));
    CHECK(s.add(entry("wan_down", {"next"})) == 4);
    std::vector<std::string> again;
    CHECK(open_ok(t.path, again).size() == 3);
    CHECK(again.empty()); // reported once: the corrupt file is out of the way
}

TEST_CASE("notify spool: a changed byte fails the checksum")
{
    TempDir t;
    {
        auto s = open_clean(t.path);
        REQUIRE(s.add(entry("wan_down", {"WAN isp1 down"})) > 0);
    }
    {
        std::fstream f(alert_file(t.path, 1), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(40);
        f.put('#');
    }
    std::vector<std::string> problems;
    auto s = open_ok(t.path, problems);
    CHECK(s.size() == 0);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("checksum") != std::string::npos);
}

TEST_CASE("notify spool: leftovers of a crash are cleaned up")
{
    TempDir t;
    {
        auto s = open_clean(t.path);
        REQUIRE(s.add(entry("wan_down", {"kept"})) > 0);
        REQUIRE(s.mark_done(1, "-1001", 0));
    }
    // a write that never got renamed, and progress of an alert already removed
    std::ofstream(t.path + "/.tmp-00000000000000000002.alert") << "jalur-alert 1\nseq 2\nki";
    std::ofstream(t.path + "/00000000000000000007.sent") << "done 5 0 00000000\n";
    // a torn last line of progress
    std::ofstream(t.path + "/00000000000000000001.sent", std::ios::app) << "done @other 0 12";

    std::vector<std::string> problems;
    auto s = open_ok(t.path, problems);
    REQUIRE(s.size() == 1);
    CHECK(s.entries().at(1).done == std::set<std::pair<std::string, size_t>>{{"-1001", 0}});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("torn line") != std::string::npos);
    CHECK_FALSE(fs::exists(t.path + "/.tmp-00000000000000000002.alert"));
    CHECK_FALSE(fs::exists(t.path + "/00000000000000000007.sent"));
}

TEST_CASE("notify spool: the count of dropped alerts and other state persist")
{
    TempDir t;
    {
        auto s = open_clean(t.path);
        CHECK(s.dropped() == 0);
        REQUIRE(s.set_dropped(17));
        REQUIRE(s.save_state("migrated", "-100 -1009\n"));
    }
    auto s = open_clean(t.path);
    CHECK(s.dropped() == 17);
    CHECK(s.load_state("migrated") == "-100 -1009\n");
    CHECK(s.load_state("absent").empty());
}

// A spool that cannot be written (here: its directory is gone, which fails
// even for root, as a full disk does) loses no alert: it is held in memory,
// bounded, and written once the disk works again.
TEST_CASE("notify spool: an alert that cannot be written is held in memory and written later")
{
    TempDir t;
    auto s = open_clean(t.path);
    fs::remove_all(t.path);
    CHECK(s.add(entry("wan_down", {"held"})) == 1);
    CHECK(s.size() == 1);
    CHECK(s.unspooled() == 1);
    CHECK(s.write_error().find("No such file or directory") != std::string::npos);
    REQUIRE(s.mark_done(1, "-1001", 0)); // its progress is kept too
    CHECK_FALSE(s.retry_unspooled());

    fs::create_directory(t.path);
    CHECK(s.retry_unspooled());
    CHECK(s.unspooled() == 0);
    auto again = open_clean(t.path);
    REQUIRE(again.size() == 1);
    CHECK(again.entries().at(1).parts == std::vector<std::string>{"held"});
    CHECK(again.entries().at(1).done.count({"-1001", 0}) == 1);
}

TEST_CASE("notify spool: at most 1000 are held in memory, the oldest dropped and counted")
{
    TempDir t;
    auto s = open_clean(t.path);
    fs::remove_all(t.path);
    for (size_t i = 0; i < Spool::kMaxUnspooled + 2; i++)
        s.add(entry("wan_down", {std::to_string(i)}));
    CHECK(s.unspooled() == Spool::kMaxUnspooled);
    CHECK(s.size() == Spool::kMaxUnspooled);
    CHECK(s.lost() == 2);
    CHECK(s.entries().begin()->first == 3);
    REQUIRE(s.remove(3));
    CHECK(s.unspooled() == Spool::kMaxUnspooled - 1);
}

TEST_CASE("notify spool: entries encode and decode, and damage is named")
{
    auto e = entry("rogue_dhcp", {"%0A is not a newline", "two\nlines"});
    e.seq = 42;
    auto text = encode_entry(e);
    auto back = decode_entry(text);
    REQUIRE(back);
    CHECK(back->seq == 42);
    CHECK(back->parts == e.parts);
    CHECK(decode_entry("something else\n").error().message.find("header") != std::string::npos);
    CHECK(decode_entry(text.substr(0, text.size() - 3)).error().message.find("torn") != std::string::npos);
}

TEST_CASE("notify spool: an unusable directory is an error that names it")
{
    TempDir t;
    fs::create_directories(fs::path(t.path).parent_path());
    std::ofstream(t.path) << "a file, not a directory";
    std::vector<std::string> problems;
    auto s = Spool::open(t.path, problems);
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find(t.path) != std::string::npos);
}

TEST_CASE("notify status: the status file reads as one line")
{
    TempDir t;
    fs::create_directories(t.path);
    CHECK(status_summary(t.path, 1700000100).empty());
    std::ofstream(t.path + "/status.json") << R"({"queued":3,"oldest_created_unix":1700000058,"last_success_unix":0,)"
                                           << R"("sent":10,"failed":1,"dropped":2,"path_fwmark":256,"running":true})";
    CHECK(status_summary(t.path, 1700000100) ==
          "alerts: 3 waiting (oldest 42.0 s), last sent never since start, sent 10, failed 1, dropped 2");
}
