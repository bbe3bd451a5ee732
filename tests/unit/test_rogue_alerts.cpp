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
    REQUIRE(first.size() == 1);
    CHECK(first[0].first);
    for (int i = 1; i <= 5; i++)
        CHECK(a.on_event(f, t0 + i * 1s).empty());
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
        CHECK(a.on_event(event_fields(ev, "lanp3"), Clock::time_point{} + i * 1s).size() == 1);
    }
    CHECK(a.servers().size() == 4);
    CHECK(a.servers().count("02:00:00:00:06:09") == 1);
}

TEST_CASE("past the alert budget, a window's alerts fold into one at its end")
{
    RogueAlerts a(60s, 256, 3);
    Clock::time_point t0{};
    auto ev = offer_event();
    size_t alerts = 0;
    for (uint8_t i = 0; i < 50; i++) {
        ev.server_mac[5] = i;
        for (const auto &al : a.on_event(event_fields(ev, "lanp3"), t0 + i * 100ms)) {
            CHECK(al.first);
            CHECK(al.servers == 1);
            alerts++;
        }
    }
    CHECK(alerts == 3);
    CHECK(a.due(t0 + 59s).empty());
    auto folded = a.due(t0 + 60s);
    REQUIRE(folded.size() == 1);
    CHECK(folded[0].servers == 47);
    CHECK(folded[0].count == 47);
    CHECK(folded[0].fields.at("server_mac") == "02:00:00:00:06:31"); // the latest
    // a new window, a new budget: the next server alerts at once
    ev.server_mac[5] = 0xaa;
    auto next = a.on_event(event_fields(ev, "lanp3"), t0 + 61s);
    REQUIRE(next.size() == 1);
    CHECK(next[0].first);
    CHECK(a.due(t0 + 200s).empty());
}

TEST_CASE("a folded window ends when the next event comes, too")
{
    RogueAlerts a(10s, 256, 1);
    Clock::time_point t0{};
    auto ev = offer_event();
    for (uint8_t i = 0; i < 3; i++) {
        ev.server_mac[5] = i;
        a.on_event(event_fields(ev, "lanp3"), t0 + i * 1s);
    }
    ev.server_mac[5] = 9;
    auto out = a.on_event(event_fields(ev, "lanp3"), t0 + 10s);
    REQUIRE(out.size() == 2);
    CHECK(out[0].servers == 2); // servers 1 and 2, folded
    CHECK(out[1].first);        // server 9, in the new window's budget
}

TEST_CASE("an IPv6 packet hiding its headers names what it may hide and why its chain was not walked")
{
    jalur_dhcp_event ev{};
    inet_pton(AF_INET6, "fe80::66", ev.src_addr);
    ev.kind = JALUR_DHCP_RA_UNPARSED;
    ev.flags = JALUR_DHCP_EV_DROPPED | JALUR_DHCP_EV_CHAIN_DEPTH;
    CHECK(event_line(event_fields(ev, "lanp2")) ==
          "rogue DHCP server 00:00:00:00:00:00 (fe80::66) on lanp2: IPv6 packet hiding its headers (possible RA, "
          "too many extension headers); dropped");
    ev.kind = JALUR_DHCP_V6_UNPARSED;
    ev.flags = JALUR_DHCP_EV_CHAIN_TRUNCATED;
    CHECK(message_name(ev) == "IPv6 packet hiding its headers (possible DHCPv6, a header cut short)");
    ev.flags = JALUR_DHCP_EV_CHAIN_LENGTH;
    CHECK(message_name(ev) == "IPv6 packet hiding its headers (possible DHCPv6, headers past 64 KiB)");
}
