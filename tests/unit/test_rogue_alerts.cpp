// SPDX-License-Identifier: GPL-2.0-only
#include "dhcp/event_text.h"
#include "dhcp/rogue_alerts.h"

#include <arpa/inet.h>
#include <catch2/catch.hpp>

#include <cstring>

using namespace jalur::dhcp;
using namespace std::chrono_literals;

namespace {

jalur_dhcp_event offer_event()
{
    jalur_dhcp_event ev{};
    ev.kind = JALUR_DHCP_V4;
    ev.msg_type = 2;
    const uint8_t server[6] = {0x02, 0, 0, 0, 0x06, 0x66}, client[6] = {0x02, 0, 0, 0, 0, 0x0c};
    std::memcpy(ev.server_mac, server, 6);
    std::memcpy(ev.client_mac, client, 6);
    inet_pton(AF_INET, "192.0.2.66", &ev.src_addr[0]);
    inet_pton(AF_INET, "192.0.2.66", &ev.server_id);
    inet_pton(AF_INET, "192.0.2.150", &ev.yiaddr);
    ev.flags = JALUR_DHCP_EV_DROPPED;
    return ev;
}

} // namespace

TEST_CASE("a rogue DHCP event reads as one line naming the server and what it offered")
{
    auto f = event_fields(offer_event(), "lanp3");
    CHECK(f["server_mac"] == "02:00:00:00:06:66");
    CHECK(f["offered"] == "192.0.2.150");
    CHECK(event_line(f) ==
          "rogue DHCP server 02:00:00:00:06:66 (192.0.2.66) on lanp3: OFFER of 192.0.2.150 to 02:00:00:00:00:0c; dropped");
}

TEST_CASE("the first sighting alerts at once and repeats are summed up once per timeout")
{
    RogueAlerts a(60s);
    Clock::time_point t0{};
    auto f = event_fields(offer_event(), "lanp3");
    auto first = a.on_event(f, t0);
    REQUIRE(first);
    CHECK(first->first);
    for (int i = 1; i <= 5; i++)
        CHECK_FALSE(a.on_event(f, t0 + i * 1s));
    CHECK(a.due(t0 + 59s).empty());
    auto s = a.due(t0 + 60s);
    REQUIRE(s.size() == 1);
    CHECK_FALSE(s[0].first);
    CHECK(s[0].count == 5);
    CHECK(s[0].total == 6);
    // nothing new: no summary
    CHECK(a.due(t0 + 200s).empty());
}

TEST_CASE("forged server MACs cannot grow the table past its bound")
{
    RogueAlerts a(60s, 4);
    auto ev = offer_event();
    for (uint8_t i = 0; i < 10; i++) {
        ev.server_mac[5] = i;
        CHECK(a.on_event(event_fields(ev, "lanp3"), Clock::time_point{} + i * 1s));
    }
    CHECK(a.servers().size() == 4);
    CHECK(a.servers().count("02:00:00:00:06:09") == 1);
}
