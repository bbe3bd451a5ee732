// SPDX-License-Identifier: GPL-2.0-only
// The notifier without a network: with no live WAN (path 0) nothing is
// tried, raise() is durable at once, and a full queue keeps the oldest and
// counts the rest for the summary.
#include "notify/notifier.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <thread>

using namespace jalur;
using namespace jalur::notify;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    std::string root;
    config::Notify cfg;
    Fixture()
    {
        char tmpl[] = "/tmp/jalur-notifier-test-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        root = tmpl;
        ::setenv("JALUR_TEST_BOT_TOKEN", "42:test-token", 1);
        cfg.api_base = "http://127.0.0.1:9"; // never reached: no path is set
        cfg.token_env = "JALUR_TEST_BOT_TOKEN";
        cfg.chats = {config::NotifyChat{"-1001", std::nullopt, {}}};
        cfg.spool = root + "/spool";
        cfg.queue_limit = 10;
    }
    ~Fixture()
    {
        ::unsetenv("JALUR_TEST_BOT_TOKEN");
        fs::remove_all(root);
    }
    size_t files(const std::string &suffix) const
    {
        size_t n = 0;
        for (const auto &e : fs::directory_iterator(cfg.spool))
            n += e.path().filename().string().size() > suffix.size() && e.path().string().ends_with(suffix);
        return n;
    }
};

Alert wan_down(int i)
{
    return Alert{Kind::WanDown, {{"wan", "isp" + std::to_string(i)}, {"cause", "<probe> lost"}}, 1700000000 + i};
}

} // namespace

TEST_CASE("notifier: with no live WAN alerts wait on disk, the oldest kept when full")
{
    Fixture f;
    {
        auto n = Notifier::start(f.cfg);
        REQUIRE(n);
        for (int i = 0; i < 10; i++) {
            REQUIRE(n.value()->raise(wan_down(i)));
            CHECK(f.files(".alert") == static_cast<size_t>(i + 1)); // on disk when raise returns
        }
        auto full = n.value()->raise(wan_down(10));
        REQUIRE_FALSE(full);
        CHECK(full.error().message.find("queue is full") != std::string::npos);
        CHECK_FALSE(n.value()->raise(wan_down(11)));
        auto s = n.value()->stats();
        CHECK(s.queued == 10);
        CHECK(s.dropped == 2);
        CHECK(s.sent == 0);
        CHECK(s.last_success_unix == 0);
        CHECK_FALSE(n.value()->flush(std::chrono::milliseconds(50)));
    }
    // a restart finds the same ten, and still knows two were dropped
    std::vector<std::string> problems;
    auto spool = Spool::open(f.cfg.spool, problems);
    REQUIRE(spool);
    CHECK(spool->size() == 10);
    CHECK(spool->dropped() == 2);
    const auto &first = spool->entries().begin()->second;
    CHECK(first.kind == "wan_down");
    REQUIRE(first.parts.size() == 1);
    CHECK(first.parts[0].find("WAN isp0 is down") != std::string::npos);
    CHECK(first.parts[0].find("&lt;probe&gt; lost") != std::string::npos); // escaped
}

// Before: with the spool on a full disk, alerts were dropped with one generic
// warning and no count.
TEST_CASE("notifier: alerts raised while the spool cannot be written are kept, counted and written later")
{
    Fixture f;
    auto n = Notifier::start(f.cfg);
    REQUIRE(n);
    fs::remove_all(f.cfg.spool);
    for (int i = 0; i < 3; i++)
        CHECK(n.value()->raise(wan_down(i)));
    auto s = n.value()->stats();
    CHECK(s.queued == 3);
    CHECK(s.unspooled == 3);
    CHECK(s.dropped == 0);

    fs::create_directory(f.cfg.spool);
    CHECK(n.value()->raise(wan_down(3))); // wakes the worker, which tries the disk again
    for (int i = 0; i < 100 && n.value()->stats().unspooled; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    s = n.value()->stats();
    CHECK(s.unspooled == 0);
    CHECK(s.queued == 4);
    CHECK(f.files(".alert") == 4);
}

TEST_CASE("notifier: a bad token source stops the start and names the place")
{
    Fixture f;
    f.cfg.token_env = "JALUR_TEST_TOKEN_NOT_SET";
    f.cfg.token_where = {"t.yaml", 12, 16};
    auto n = Notifier::start(f.cfg);
    REQUIRE_FALSE(n);
    CHECK(n.error().message.find("t.yaml:12:16") != std::string::npos);
}

TEST_CASE("notifier: a token file that is not a token names the file and why, and is not read whole")
{
    Fixture f;
    f.cfg.token_env.clear();
    f.cfg.token_where = {"t.yaml", 9, 17};
    std::string warning;
    f.cfg.token_file = "/dev/zero";
    auto big = read_token(f.cfg, warning);
    REQUIRE_FALSE(big);
    CHECK(big.error().message ==
          "t.yaml:9:17: notify.telegram.token_file /dev/zero: not a bot token (the file is larger than 4096 bytes); "
          "its content is not shown");

    f.cfg.token_file = f.root + "/token";
    {
        std::ofstream(f.cfg.token_file) << "42:abc def\n";
    }
    ::chmod(f.cfg.token_file.c_str(), 0644);
    auto bad = read_token(f.cfg, warning);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("t.yaml:9:17: notify.telegram.token_file " + f.cfg.token_file + ": not a bot token") ==
          0);
    CHECK(bad.error().message.find("abc") == std::string::npos); // the value is never shown
    CHECK(warning.find("other users may read it (mode 0644)") != std::string::npos);
}
