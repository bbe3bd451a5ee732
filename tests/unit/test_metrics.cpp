// SPDX-License-Identifier: GPL-2.0-only
// The Prometheus text writer (escaping, families, histograms), bounded
// label sets, the metrics config section, and the renderers on a made-up
// Status: nothing here reads a map or opens a socket.
#include "config/parse.h"
#include "metrics/bounded_counts.h"
#include "metrics/exposition.h"
#include "metrics/render.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <regex>
#include <set>
#include <sstream>

using namespace jalur;
using namespace jalur::metrics;

namespace {

std::vector<std::string> lines_of(const std::string &text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

Status sample_status()
{
    Status s;
    s.flow_capacity = 262144;
    WanStatus a;
    a.id = 0;
    a.name = "isp1";
    a.interface = "wan1";
    a.tier = 1;
    a.weight = 3;
    a.wan.state = JALUR_WAN_UP;
    a.wan.fwmark = 0x100;
    a.stats.rx_bytes = 1ull << 60; // beyond a double's exact integers
    a.active_flows = 7;
    WanView h;
    h.name = "isp1";
    h.state = "up";
    h.transitions["down"] = 2;
    h.rtt.observe(0.004);
    h.loss_percent = 10;
    h.mean_rtt_seconds = 0.004;
    h.last_failure = "no answer from 198.51.100.10";
    a.agent = h;
    WanStatus b = a;
    b.id = 1;
    b.name = "isp2";
    b.interface = "wan2";
    b.wan.state = JALUR_WAN_DOWN;
    b.agent->name = "isp2";
    b.agent->state = "down";
    s.wans = {a, b};
    s.active_flows = 14;
    s.counted = FlowCount{14, {{0, 7}, {1, 7}}, WallClock::now(), 0.001};
    s.reasons[JALUR_R_PARSE_L3] = 5;
    Board board;
    board.wans = {*a.agent, *b.agent};
    board.sections["notify"] = Section{[](Writer &w) {
                                           w.family("jalur_notifications_sent_total", Type::Counter, "Sent.");
                                           w.sample({}, 3);
                                       },
                                       [](JsonWriter &j) { j.begin_object().field("sent", 3).end_object(); }};
    s.agent = board;
    return s;
}

} // namespace

TEST_CASE("metrics: label values escape backslash quote and newline")
{
    CHECK(Writer::escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    CHECK(Writer::escape_label_value("plain") == "plain");
    // HELP escapes backslash and newline only: a quote stays
    CHECK(Writer::escape_help("say \"hi\"\\\n") == "say \"hi\"\\\\\\n");
}

TEST_CASE("metrics: a family is HELP then TYPE then its samples")
{
    Writer w;
    REQUIRE(w.family("jalur_x_total", Type::Counter, "Things.\nMore."));
    w.sample({{"wan", "is\"p"}, {"reason", "a\\b"}}, uint64_t{42});
    w.sample({}, 1.5);
    CHECK(w.text() == "# HELP jalur_x_total Things.\\nMore.\n"
                      "# TYPE jalur_x_total counter\n"
                      "jalur_x_total{wan=\"is\\\"p\",reason=\"a\\\\b\"} 42\n"
                      "jalur_x_total 1.5\n");
    CHECK(w.errors().empty());
}

TEST_CASE("metrics: numbers are exact and special values are spelt as Prometheus reads them")
{
    CHECK(Writer::format_double(0.1) == "0.1");
    CHECK(Writer::format_double(1e-9) == "1e-09");
    CHECK(Writer::format_double(1.0 / 0.0) == "+Inf");
    CHECK(Writer::format_double(-1.0 / 0.0) == "-Inf");
    CHECK(Writer::format_double(0.0 / 0.0) == "NaN");
    Writer w;
    w.family("jalur_bytes_total", Type::Counter, "b");
    w.sample({}, (1ull << 60) + 1);
    CHECK(w.text().find("jalur_bytes_total 1152921504606846977\n") != std::string::npos);
}

TEST_CASE("metrics: a repeated or invalid family is refused and reported")
{
    Writer w;
    REQUIRE(w.family("jalur_a", Type::Gauge, "a"));
    w.sample({}, 1);
    CHECK_FALSE(w.family("jalur_a", Type::Gauge, "again"));
    w.sample({}, 2); // dropped: it would split the family
    CHECK_FALSE(w.family("9bad", Type::Gauge, "x"));
    CHECK_FALSE(w.family("jalur bad", Type::Gauge, "x"));
    REQUIRE(w.family("jalur_b", Type::Gauge, "b"));
    w.sample({{"bad-label", "x"}}, 1);
    w.sample({{"__reserved", "x"}}, 1);
    CHECK(w.text() == "# HELP jalur_a a\n# TYPE jalur_a gauge\njalur_a 1\n# HELP jalur_b b\n# TYPE jalur_b gauge\n");
    CHECK(w.errors().size() == 5);
}

TEST_CASE("metrics: a histogram has cumulative buckets up to +Inf then sum and count")
{
    Histogram h({0.01, 0.1});
    h.observe(0.005);
    h.observe(0.01); // on a bound: le is inclusive
    h.observe(0.05);
    h.observe(3);
    Writer w;
    w.family("jalur_rtt_seconds", Type::Histogram, "rtt");
    w.histogram({{"wan", "isp1"}}, h);
    CHECK(w.text() == "# HELP jalur_rtt_seconds rtt\n# TYPE jalur_rtt_seconds histogram\n"
                      "jalur_rtt_seconds_bucket{wan=\"isp1\",le=\"0.01\"} 2\n"
                      "jalur_rtt_seconds_bucket{wan=\"isp1\",le=\"0.1\"} 3\n"
                      "jalur_rtt_seconds_bucket{wan=\"isp1\",le=\"+Inf\"} 4\n"
                      "jalur_rtt_seconds_sum{wan=\"isp1\"} 3.065\n"
                      "jalur_rtt_seconds_count{wan=\"isp1\"} 4\n");
}

TEST_CASE("metrics: bounded counts keep at most the limit and count the rest as other")
{
    BoundedCounts c(2);
    c.add("02:00:00:00:00:01");
    c.add("02:00:00:00:00:02", 2);
    for (int i = 3; i < 1000; i++)
        c.add("02:00:00:00:03:" + std::to_string(i));
    c.add("02:00:00:00:00:01"); // known keys keep counting under their own name
    CHECK(c.counts().size() == 3);
    CHECK(c.counts().at("02:00:00:00:00:01") == 2);
    CHECK(c.counts().at("02:00:00:00:00:02") == 2);
    CHECK(c.counts().at("other") == 997);
}

TEST_CASE("metrics: every family of a scrape has HELP and TYPE and follows the naming rules")
{
    Writer w;
    render_metrics(sample_status(), w);
    CHECK(w.errors().empty());
    std::map<std::string, std::string> types;
    std::set<std::string> helped;
    std::regex sample_re(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$)");
    for (const auto &l : lines_of(w.text())) {
        std::smatch m;
        if (l.rfind("# HELP ", 0) == 0) {
            helped.insert(l.substr(7, l.find(' ', 7) - 7));
        } else if (l.rfind("# TYPE ", 0) == 0) {
            auto rest = l.substr(7);
            auto name = rest.substr(0, rest.find(' '));
            CHECK(helped.count(name) == 1); // HELP comes first
            types[name] = rest.substr(rest.find(' ') + 1);
        } else {
            INFO(l);
            REQUIRE(std::regex_match(l, m, sample_re));
            std::string name = m[1];
            for (const char *suffix : {"_bucket", "_sum", "_count"})
                if (!types.count(name) && name.size() > std::strlen(suffix) &&
                    name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
                    name = name.substr(0, name.size() - std::strlen(suffix));
            CHECK(types.count(name) == 1); // under its family's TYPE
        }
    }
    for (const auto &[name, type] : types) {
        INFO(name);
        CHECK(name.rfind("jalur_", 0) == 0);
        bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
        CHECK(total == (type == "counter"));
    }
    const auto &t = w.text();
    CHECK(t.find("jalur_wan_state{wan=\"isp2\",state=\"down\"} 1\n") != std::string::npos);
    CHECK(t.find("jalur_wan_up{wan=\"isp2\"} 0\n") != std::string::npos);
    CHECK(t.find("jalur_wan_rx_bytes_total{wan=\"isp1\"} 1152921504606846976\n") != std::string::npos);
    CHECK(t.find("jalur_wan_transitions_total{wan=\"isp1\",to=\"down\"} 2\n") != std::string::npos);
    CHECK(t.find("jalur_probe_loss_ratio{wan=\"isp1\"} 0.1\n") != std::string::npos);
    CHECK(t.find("jalur_datapath_packets_total{reason=\"parse_l3\"} 5\n") != std::string::npos);
    CHECK(t.find("jalur_flows_active 14\n") != std::string::npos);
    CHECK(t.find("jalur_notifications_sent_total 3\n") != std::string::npos); // a subsystem's section
}

TEST_CASE("metrics: a WAN kept as the last resort is down, in its own state, and still says so in status")
{
    Status s = sample_status();
    s.wans[1].wan.state = JALUR_WAN_LAST_RESORT;
    Writer w;
    render_metrics(s, w);
    CHECK(w.errors().empty());
    CHECK(w.text().find("jalur_wan_up{wan=\"isp2\"} 0\n") != std::string::npos);
    CHECK(w.text().find("jalur_wan_state{wan=\"isp2\",state=\"last_resort\"} 1\n") != std::string::npos);
    CHECK(w.text().find("jalur_wan_state{wan=\"isp2\",state=\"down\"} 0\n") != std::string::npos);
    CHECK(render_status_text(s).find(" last_resort ") != std::string::npos);
}

TEST_CASE("metrics: IPv6 the guard could not walk is counted by why, in metrics and status")
{
    Status s = sample_status();
    s.dhcp.chain_depth = 1;
    s.dhcp.chain_length = 2;
    s.dhcp.chain_truncated = 3;
    Writer w;
    render_metrics(s, w);
    CHECK(w.errors().empty());
    CHECK(w.text().find("jalur_dhcp_unparsed_total{reason=\"depth\"} 1\n") != std::string::npos);
    CHECK(w.text().find("jalur_dhcp_unparsed_total{reason=\"length\"} 2\n") != std::string::npos);
    CHECK(w.text().find("jalur_dhcp_unparsed_total{reason=\"truncated\"} 3\n") != std::string::npos);
    CHECK(render_status_json(s).find("\"unparsed_truncated\":3") != std::string::npos);
}

TEST_CASE("metrics: status JSON carries the maps' view and the agent's health")
{
    auto json = render_status_json(sample_status());
    CHECK(json.find("\"source\":\"agent\"") != std::string::npos);
    CHECK(json.find("\"state\":\"down\"") != std::string::npos);
    CHECK(json.find("\"active_flows\":7") != std::string::npos);
    CHECK(json.find("\"last_failure\":\"no answer from 198.51.100.10\"") != std::string::npos);
    CHECK(json.find("\"transitions\":{\"down\":2}") != std::string::npos);
    CHECK(json.find("\"notify\":{\"sent\":3}") != std::string::npos);

    Status pins_only = sample_status();
    pins_only.agent.reset();
    pins_only.counted.reset();
    pins_only.active_flows.reset();
    for (auto &w : pins_only.wans) {
        w.agent.reset();
        w.active_flows.reset();
    }
    auto bare = render_status_json(pins_only);
    CHECK(bare.find("\"source\":\"pins\"") != std::string::npos);
    CHECK(bare.find("\"active_flows\":null") != std::string::npos);
    CHECK(bare.find("health") == std::string::npos);
    CHECK(render_status_text(pins_only).find("the agent's endpoint is not reachable") != std::string::npos);
    auto text = render_status_text(sample_status());
    CHECK(text.find("no answer from 198.51.100.10") != std::string::npos);
    CHECK(text.find("4.0 ms") != std::string::npos);
}

TEST_CASE("config: metrics is on by default on loopback")
{
    auto cfg = config::parse("lan: br-lan\nwans: [{name: a, interface: wan1}]\n", "t.yaml");
    REQUIRE(cfg);
    CHECK(cfg->metrics.enabled);
    CHECK(cfg->metrics.address == "127.0.0.1");
    CHECK(cfg->metrics.port == 9464);
    CHECK(cfg->metrics.flow_count_interval == std::chrono::seconds(10));
}

TEST_CASE("config: metrics off or port 0 disables it and IPv6 needs brackets")
{
    const std::string base = "lan: br-lan\nwans: [{name: a, interface: wan1}]\n";
    auto off = config::parse(base + "metrics: off\n", "t.yaml");
    REQUIRE(off);
    CHECK_FALSE(off->metrics.enabled);
    auto zero = config::parse(base + "metrics: {listen: \"127.0.0.1:0\"}\n", "t.yaml");
    REQUIRE(zero);
    CHECK_FALSE(zero->metrics.enabled);
    auto v6 = config::parse(base + "metrics: {listen: \"[::1]:9100\", flow_count_interval: 2s}\n", "t.yaml");
    REQUIRE(v6);
    CHECK(v6->metrics.address == "::1");
    CHECK(v6->metrics.port == 9100);
    CHECK(v6->metrics.flow_count_interval == std::chrono::seconds(2));
}

TEST_CASE("config: metrics errors name their place")
{
    const std::string base = "lan: br-lan\nwans: [{name: a, interface: wan1}]\n";
    auto bad = [&](const std::string &yaml) {
        auto r = config::parse(base + yaml, "t.yaml");
        REQUIRE_FALSE(r);
        return r.error().message;
    };
    CHECK(bad("metrics: {listen: \"::1:9100\"}\n").find("t.yaml:3:19: metrics.listen: expected ADDRESS:PORT") == 0);
    CHECK(bad("metrics: {listen: \"127.0.0.1:70000\"}\n").find("t.yaml:3:19: metrics.listen") == 0);
    CHECK(bad("metrics: {listen: localhost:9100}\n").find("t.yaml:3:19: metrics.listen") == 0);
    CHECK(bad("metrics: on\n").find("t.yaml:3:10: metrics: expected off or a map") == 0);
    CHECK(bad("metrics: {port: 9100}\n").find("t.yaml:3:11: unknown key 'port'") == 0);
}
