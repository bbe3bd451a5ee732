// SPDX-License-Identifier: GPL-2.0-only
// The agent's own parts of /metrics and /status: rogue DHCP servers (label
// values chosen by the network, so bounded) and the alert queue.
#include "agent/board_sections.h"

#include <catch2/catch.hpp>

#include <string>

using namespace jalur;

namespace {

std::string metrics_text(const metrics::Section &s)
{
    metrics::Writer w;
    s.metrics(w);
    REQUIRE(w.errors().empty());
    return w.text();
}

std::string status_json(const metrics::Section &s)
{
    JsonWriter j;
    s.status(j);
    return j.str();
}

dhcp::Fields rogue(const std::string &mac, const std::string &port)
{
    return {{"server_mac", mac}, {"server_ip", "192.0.2.13"}, {"port", port}, {"message", "OFFER"}};
}

} // namespace

TEST_CASE("board sections: rogue servers counted by MAC and port")
{
    dhcp::RogueAlerts alerts(std::chrono::seconds(60));
    auto now = dhcp::Clock::now();
    for (int i = 0; i < 3; i++)
        alerts.on_event(rogue("02:00:00:00:00:0a", "lanp3"), now);
    alerts.on_event(rogue("02:00:00:00:00:0b", "lanp4"), now);
    auto s = agent::rogue_servers_section(alerts);
    auto text = metrics_text(s);
    CHECK(text.find("jalur_dhcp_rogue_events_total{server_mac=\"02:00:00:00:00:0a\",port=\"lanp3\"} 3\n") !=
          std::string::npos);
    CHECK(text.find("jalur_dhcp_rogue_events_total{server_mac=\"02:00:00:00:00:0b\",port=\"lanp4\"} 1\n") !=
          std::string::npos);
    auto json = status_json(s);
    CHECK(json.find("\"server_mac\":\"02:00:00:00:00:0a\"") != std::string::npos);
    CHECK(json.find("\"events\":3") != std::string::npos);
}

TEST_CASE("board sections: forged MACs beyond the series limit are summed under other")
{
    dhcp::RogueAlerts alerts(std::chrono::seconds(60));
    auto now = dhcp::Clock::now();
    for (int i = 0; i < 10; i++)
        alerts.on_event(rogue("02:00:00:00:00:" + std::to_string(10 + i), "lanp3"), now);
    auto text = metrics_text(agent::rogue_servers_section(alerts, 4));
    size_t series = 0;
    for (size_t at = 0; (at = text.find("\njalur_dhcp_rogue_events_total{", at)) != std::string::npos; at++)
        series++;
    CHECK(series == 5);
    CHECK(text.find("{server_mac=\"other\",port=\"other\"} 6\n") != std::string::npos);
}

TEST_CASE("board sections: the alert queue")
{
    notify::Stats st{2, 12.5, 1700000000, 7, 1, 0, 1};
    auto s = agent::notify_section(st);
    auto text = metrics_text(s);
    CHECK(text.find("jalur_notifications_sent_total{sink=\"telegram\"} 7\n") != std::string::npos);
    CHECK(text.find("jalur_notifications_queued 2\n") != std::string::npos);
    CHECK(text.find("jalur_notifications_oldest_age_seconds 12.5\n") != std::string::npos);
    CHECK(text.find("jalur_notifications_unspooled 1\n") != std::string::npos);
    CHECK(status_json(s) ==
          "{\"queued\":2,\"oldest_age_seconds\":12.5,\"last_success_unix\":1700000000,\"sent\":7,\"failed\":1,"
          "\"dropped\":0,\"unspooled\":1}");
}
