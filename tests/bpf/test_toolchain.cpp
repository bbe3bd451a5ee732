// SPDX-License-Identifier: GPL-2.0-only
// The toolchain end to end: a real program, loaded, run on a crafted packet,
// its map read back.
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

using namespace jalur::test;

TEST_CASE("a TCP SYN is marked with its WAN's fwmark and its flow is pinned")
{
    BpfFixture fx;
    fx.add_wan(0);
    fx.set_policy(0, {{0, 1, "isp1"}});
    fx.set_default_policy(0);

    auto r = fx.run_tc_lan(tcp_syn("192.0.2.10", "198.51.100.10", 40000, 80));
    CHECK(r.action == TC_ACT_OK);
    CHECK(r.mark == BpfFixture::mark_of(0));
    CHECK(fx.flow_count() == 1);
    CHECK(fx.dp().wan_stats_sum(0).new_flows == 1);
    CHECK(fx.dp().wan_stats_sum(0).syn_out == 1);
    CHECK(fx.dp().reason_sum(JALUR_R_MARKED) == 1);
}

TEST_CASE("XDP hands its decision to tc in metadata")
{
    BpfFixture fx;
    fx.add_wan(3);
    fx.set_policy(0, {{3, 1, "isp4"}});
    fx.set_default_policy(0);

    auto r = fx.run_xdp(tcp_syn("192.0.2.10", "198.51.100.10", 40000, 80));
    CHECK(r.action == XDP_PASS);
    REQUIRE(r.meta.has_value());
    CHECK(r.meta->magic == JALUR_META_MAGIC);
    CHECK(r.meta->mark == BpfFixture::mark_of(3));
    CHECK(fx.dp().reason_sum(JALUR_R_TC_DECIDED) == 0);
}
