// SPDX-License-Identifier: GPL-2.0-only
// The one line systemd shows in `systemctl status jalur` (STATUS=).
#include "agent/service.h"
#include "config/parse.h"

#include <catch2/catch.hpp>

using namespace jalur;

TEST_CASE("service status: WANs up out of all, each WAN's state and why it is down")
{
    auto cfg = config::parse("lan: br-lan\nwans:\n  - {name: isp1, interface: wan1}\n"
                             "  - {name: isp2, interface: wan2}\n  - {name: lte, interface: wwan0}\n",
                             "t.yaml");
    REQUIRE(cfg);
    control::World w;
    w.wans["isp2"].health = control::Health::Degraded;
    w.wans["lte"].health = control::Health::Down;
    w.wans["lte"].cause = "no interface wwan0";
    CHECK(agent::service_status(cfg.value(), w) == "2/3 WANs up: isp1 up, isp2 degraded, lte down (no interface wwan0)");
    w.wans["isp1"].admin = control::Admin::Drain;
    CHECK(agent::service_status(cfg.value(), w) == "1/3 WANs up: isp1 draining, isp2 degraded, lte down (no interface wwan0)");
}
