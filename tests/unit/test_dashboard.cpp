// SPDX-License-Identifier: GPL-2.0-only
// The dashboard's JSON feed (its shape, read back with a JSON parser:
// yaml-cpp reads JSON), the query it takes, basic authentication from a
// password file, and the metrics.auth_file key.
#include "config/parse.h"
#include "metrics/basic_auth.h"
#include "metrics/dashboard_json.h"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

using namespace jalur;
using namespace jalur::metrics;
using namespace std::chrono_literals;

namespace {

const WallClock::time_point t0 = WallClock::time_point(std::chrono::seconds(1'800'000'000));

Status sample()
{
    Status s;
    s.flow_capacity = 262144;
    WanStatus a;
    a.id = 0;
    a.name = "isp1";
    a.interface = "wan1";
    a.tier = 1;
    a.weight = 3;
    a.wan.state = JALUR_WAN_DOWN;
    a.stats.tx_bytes = 1000;
    a.stats.rx_bytes = 5000;
    a.active_flows = 7;
    WanView v;
    v.name = "isp1";
    v.state = "down";
    v.admin = "drain";
    v.since = t0 - 30s;
    v.last_failure = "no answer from 198.51.100.10";
    v.loss_percent = 100;
    a.agent = v;
    WanStatus b = a;
    b.id = 1;
    b.name = "isp2";
    b.interface = "wan2";
    b.wan.state = JALUR_WAN_UP;
    b.active_flows = 2;
    b.agent->name = "isp2";
    b.agent->state = "up";
    b.agent->admin = "enabled";
    b.agent->last_failure = "";
    b.agent->loss_percent = 0;
    b.agent->mean_rtt_seconds = 0.0125;
    s.wans = {a, b};
    s.active_flows = 9;
    s.counted = FlowCount{9, {{0, 7}, {1, 2}}, t0, 0.001};
    s.dhcp.inspected = 12;
    s.dhcp.events = 4;
    Board board;
    board.config_file = "/etc/jalur/jalur.yaml";
    board.started_at = t0 - 1h;
    board.wans = {*a.agent, *b.agent};
    board.sections["notify"] = Section{{}, [](JsonWriter &j) { j.begin_object().field("queued", 2).end_object(); }};
    board.sections["rogue_dhcp_servers"] = Section{{}, [](JsonWriter &j) {
                                                       j.begin_object().key("servers").begin_array();
                                                       j.begin_object().field("server_mac", "02:00:00:00:00:0a");
                                                       j.field("events", 3).end_object().end_array().end_object();
                                                   }};
    auto history = std::make_shared<ThroughputHistory>(5);
    for (uint64_t i = 0; i < 3; i++)
        history->record(t0 + std::chrono::seconds(i), {{"isp1", i * 100, i * 1000}, {"isp2", 0, i * 10}});
    board.throughput = history;
    auto events = std::make_shared<EventLog>(10);
    events->add_at(t0, EventKind::Transition, "isp1", "up -> down: no answer from 198.51.100.10");
    events->add_at(t0, EventKind::RogueDhcp, "", "rogue DHCP server 02:00:00:00:00:0a on lanp3");
    board.events = events;
    s.agent = board;
    return s;
}

YAML::Node feed(const Status &s, const std::string &query = "")
{
    auto text = render_dashboard_json(s, parse_dashboard_query(query), t0 + 5s);
    REQUIRE(text.back() == '\n');
    return YAML::Load(text);
}

std::string temp_file(const std::string &content, mode_t mode)
{
    char path[] = "/tmp/jalur-auth-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(path) << content;
    ::chmod(path, mode);
    return path;
}

} // namespace

TEST_CASE("dashboard feed: the WAN cards")
{
    auto d = feed(sample());
    CHECK(d["now_ms"].as<int64_t>() == 1'800'000'005'000);
    CHECK(d["agent"]["config"].as<std::string>() == "/etc/jalur/jalur.yaml");
    CHECK(d["agent"]["version"].as<std::string>() == JALUR_VERSION);
    REQUIRE(d["wans"].size() == 2);
    auto a = d["wans"][0];
    CHECK(a["name"].as<std::string>() == "isp1");
    CHECK(a["interface"].as<std::string>() == "wan1");
    CHECK(a["state"].as<std::string>() == "down");
    CHECK(a["datapath_state"].as<std::string>() == "down");
    CHECK(a["admin"].as<std::string>() == "drain");
    CHECK(a["cause"].as<std::string>() == "no answer from 198.51.100.10");
    CHECK(a["since"].as<std::string>() == "2027-01-15T07:59:30Z");
    CHECK(a["since_ms"].as<int64_t>() == 1'799'999'970'000);
    CHECK(a["rtt_ms"].IsNull());
    CHECK(a["loss_percent"].as<double>() == 100);
    CHECK(a["tier"].as<int>() == 1);
    CHECK(a["weight"].as<int>() == 3);
    CHECK(a["flows"].as<int>() == 7);
    CHECK(a["tx_bytes"].as<uint64_t>() == 1000);
    CHECK(a["rx_bytes"].as<uint64_t>() == 5000);
    CHECK(d["wans"][1]["rtt_ms"].as<double>() == Approx(12.5));
    CHECK(d["flows"]["active"].as<int>() == 9);
    CHECK(d["flows"]["capacity"].as<int>() == 262144);
    CHECK(d["flows"]["counted_at"].as<std::string>() == "2027-01-15T08:00:00Z");
}

TEST_CASE("dashboard feed: throughput, events, rogue servers and the alert queue")
{
    auto d = feed(sample());
    auto t = d["throughput"];
    CHECK(t["interval_seconds"].as<int>() == 1);
    CHECK(t["capacity"].as<int>() == 5);
    CHECK(t["first_seq"].as<int>() == 1);
    CHECK(t["last_seq"].as<int>() == 3);
    REQUIRE(t["at_ms"].size() == 3);
    CHECK(t["at_ms"][2].as<int64_t>() == 1'800'000'002'000);
    auto isp1 = t["wans"]["isp1"];
    REQUIRE(isp1["rx_bytes_per_second"].size() == 3);
    CHECK(isp1["rx_bytes_per_second"][0].IsNull());
    CHECK(isp1["rx_bytes_per_second"][2].as<double>() == Approx(1000));
    CHECK(isp1["tx_bytes_per_second"][1].as<double>() == Approx(100));
    CHECK(t["wans"]["isp2"]["rx_bytes_per_second"][2].as<double>() == Approx(10));

    auto e = d["events"];
    CHECK(e["last_seq"].as<int>() == 2);
    REQUIRE(e["items"].size() == 2);
    CHECK(e["items"][0]["kind"].as<std::string>() == "transition");
    CHECK(e["items"][0]["wan"].as<std::string>() == "isp1");
    CHECK(e["items"][0]["text"].as<std::string>() == "up -> down: no answer from 198.51.100.10");
    CHECK(e["items"][1]["kind"].as<std::string>() == "rogue-dhcp");

    CHECK(d["rogue_dhcp"]["inspected"].as<int>() == 12);
    CHECK(d["rogue_dhcp"]["events"].as<int>() == 4);
    auto servers = d["sections"]["rogue_dhcp_servers"]["servers"];
    REQUIRE(servers.size() == 1);
    CHECK(servers[0]["server_mac"].as<std::string>() == "02:00:00:00:00:0a");
    CHECK(d["sections"]["notify"]["queued"].as<int>() == 2);
}

TEST_CASE("dashboard feed: a poll gets only the ticks and events after those it holds")
{
    auto d = feed(sample(), "after=2&events_after=1");
    CHECK(d["throughput"]["first_seq"].as<int>() == 3);
    REQUIRE(d["throughput"]["at_ms"].size() == 1);
    REQUIRE(d["throughput"]["wans"]["isp1"]["rx_bytes_per_second"].size() == 1);
    REQUIRE(d["events"]["items"].size() == 1);
    CHECK(d["events"]["items"][0]["seq"].as<int>() == 2);
    auto idle = feed(sample(), "after=3&events_after=2");
    CHECK(idle["throughput"]["at_ms"].size() == 0);
    CHECK(idle["events"]["items"].size() == 0);
    CHECK(idle["events"]["last_seq"].as<int>() == 2);
}

TEST_CASE("dashboard feed: the query's numbers, and anything else as 0")
{
    CHECK(parse_dashboard_query("after=12&events_after=3").after == 12);
    CHECK(parse_dashboard_query("after=12&events_after=3").events_after == 3);
    CHECK(parse_dashboard_query("events_after=3").after == 0);
    CHECK(parse_dashboard_query("after=-1").after == 0);
    CHECK(parse_dashboard_query("after=1x").after == 0);
    CHECK(parse_dashboard_query("xafter=5").after == 0);
    CHECK(parse_dashboard_query("after=99999999999999999999999").after == 0);
    CHECK(parse_dashboard_query("").after == 0);
}

TEST_CASE("dashboard feed: without the agent, the data path's view and empty history")
{
    Status s = sample();
    s.agent.reset();
    for (auto &w : s.wans)
        w.agent.reset();
    auto d = feed(s);
    CHECK(d["agent"].IsNull());
    CHECK(d["wans"][0]["state"].as<std::string>() == "down");
    CHECK(d["wans"][1]["state"].as<std::string>() == "up");
    CHECK(d["wans"][1]["since"].IsNull());
    CHECK(d["wans"][1]["since_ms"].IsNull());
    CHECK(d["throughput"]["last_seq"].as<int>() == 0);
    CHECK(d["throughput"]["at_ms"].size() == 0);
    CHECK(d["events"]["items"].size() == 0);
    CHECK(d["sections"].size() == 0);
}

TEST_CASE("basic auth: base64 and a constant-time compare")
{
    std::string out;
    CHECK(base64_decode("YWRtaW46cGFzcw==", out));
    CHECK(out == "admin:pass");
    CHECK(base64_decode("YWJj", out));
    CHECK(out == "abc");
    CHECK(base64_decode("YWI=", out));
    CHECK(out == "ab");
    CHECK_FALSE(base64_decode("YWI", out));
    CHECK_FALSE(base64_decode("Y=I=", out));
    CHECK_FALSE(base64_decode("YW=j", out));
    CHECK_FALSE(base64_decode("YW*j", out));
    CHECK_FALSE(base64_decode("YWJ=", out)); // "ab" with a left-over bit set: not canonical
    for (const auto &text : std::vector<std::string>{"", "a", "ab", "abc", "admin:pass", std::string("\0\xff\x80", 3)}) {
        INFO(text);
        CHECK(base64_decode(base64_encode(text), out));
        CHECK(out == text);
    }
    CHECK(base64_encode("admin:pass") == "YWRtaW46cGFzcw==");
    CHECK(constant_time_equal("secret", "secret"));
    CHECK_FALSE(constant_time_equal("secreT", "secret"));
    CHECK_FALSE(constant_time_equal("secret!", "secret"));
    CHECK_FALSE(constant_time_equal("secre", "secret"));
    CHECK_FALSE(constant_time_equal("", "secret"));
}

TEST_CASE("basic auth: credentials from a password file")
{
    auto path = temp_file("# the dashboard's users\nadmin:pass\r\n\nops:s3cr:et\n", 0600);
    std::string warning;
    auto auth = BasicAuth::load(path, warning);
    REQUIRE(auth);
    CHECK(warning.empty());
    CHECK(auth->accepts("Basic YWRtaW46cGFzcw=="));     // admin:pass
    CHECK(auth->accepts("basic YWRtaW46cGFzcw=="));     // the scheme in any case
    CHECK(auth->accepts("Basic b3BzOnMzY3I6ZXQ="));     // ops:s3cr:et: a password may hold ':'
    CHECK_FALSE(auth->accepts("Basic YWRtaW46cGFzcw")); // padding missing
    CHECK_FALSE(auth->accepts("Basic YWRtaW46cGFzcx==")); // admin:pass, spelt with a non-zero left-over bit
    CHECK_FALSE(auth->accepts("Basic YWRtaW46cGFzcQ==")); // admin:pasq
    CHECK_FALSE(auth->accepts("Basic YWRtaW46cGFzczE=")); // admin:pass1
    CHECK_FALSE(auth->accepts("Basic YWRtaW46"));         // admin:
    CHECK_FALSE(auth->accepts("Bearer YWRtaW46cGFzcw=="));
    CHECK_FALSE(auth->accepts("Basic "));
    CHECK_FALSE(auth->accepts(""));
    CHECK(auth->first_authorization() == "Basic YWRtaW46cGFzcw==");
    ::unlink(path.c_str());
}

TEST_CASE("basic auth: a file others may read warns, a bad one is an error")
{
    auto open = temp_file("admin:pass\n", 0644);
    std::string warning;
    REQUIRE(BasicAuth::load(open, warning));
    CHECK(warning.find("other users may read it (mode 0644)") != std::string::npos);
    ::unlink(open.c_str());
    for (const std::string content : {"", "# nothing\n", "admin\n", "admin:\n", ":pass\n"}) {
        auto bad = temp_file(content, 0600);
        INFO(content);
        auto r = BasicAuth::load(bad, warning);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("metrics.auth_file " + bad) == 0);
        ::unlink(bad.c_str());
    }
    auto missing = BasicAuth::load("/nonexistent/jalur.passwd", warning);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().err == ENOENT);
}

TEST_CASE("config: metrics.auth_file names a file, never a password")
{
    const std::string base = "lan: br-lan\nwans: [{name: a, interface: wan1}]\n";
    auto cfg = config::parse(base + "metrics: {listen: \"0.0.0.0:9464\", auth_file: /etc/jalur/dashboard.passwd}\n",
                             "t.yaml");
    REQUIRE(cfg);
    CHECK(cfg->metrics.auth_file == "/etc/jalur/dashboard.passwd");
    CHECK(config::parse(base, "t.yaml")->metrics.auth_file.empty());
    auto relative = config::parse(base + "metrics: {auth_file: dashboard.passwd}\n", "t.yaml");
    REQUIRE_FALSE(relative);
    CHECK(relative.error().message.find("metrics.auth_file: expected an absolute path") != std::string::npos);
}
