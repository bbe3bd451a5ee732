// SPDX-License-Identifier: GPL-2.0-only
// The toolchain end to end: a real program, loaded, run on a crafted packet,
// its map read back.
#include "support/bpf_fixture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <algorithm>
#include <vector>

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

namespace {

// Nonzero bytes in every map: hash-like maps' entries, arrays' nonzero values.
size_t bytes_held(const jalur::datapath::Datapath &dp)
{
    size_t held = 0;
    for (const auto &map : dp.maps()) {
        bpf_map_info info{};
        uint32_t len = sizeof(info);
        REQUIRE(bpf_obj_get_info_by_fd(map.fd(), &info, &len) == 0);
        if (info.type == BPF_MAP_TYPE_RINGBUF)
            continue;
        size_t cpus = info.type == BPF_MAP_TYPE_PERCPU_ARRAY ? static_cast<size_t>(libbpf_num_possible_cpus()) : 1;
        std::vector<uint8_t> key(info.key_size), value((info.value_size + 7) / 8 * 8 * cpus);
        if (info.type == BPF_MAP_TYPE_ARRAY || info.type == BPF_MAP_TYPE_PERCPU_ARRAY) {
            for (uint32_t i = 0; i < info.max_entries; i++) {
                std::fill(value.begin(), value.end(), 0);
                if (bpf_map_lookup_elem(map.fd(), &i, value.data()) != 0)
                    FAIL("map " << map.name() << ": no value at " << i);
                held += std::count_if(value.begin(), value.end(), [](uint8_t b) { return b != 0; });
            }
        } else if (bpf_map_get_next_key(map.fd(), nullptr, key.data()) == 0) {
            INFO("map " << map.name() << " has entries");
            held += info.key_size;
        }
    }
    return held;
}

} // namespace

TEST_CASE("a fixture handed out again starts with every map empty")
{
    const jalur::datapath::Datapath *first;
    {
        BpfFixture fx;
        first = &fx.dp();
        fx.add_wan(0);
        fx.set_policy(0, {{0, 1, "isp1"}});
        fx.set_default_policy(0);
        fx.run_tc_lan(tcp_syn("192.0.2.10", "198.51.100.10", 40000, 80));
        fx.inspect_port(1, JALUR_DHCP_ALERT);
        DhcpMessage offer;
        offer.options = dhcp_option(53, {2});
        offer.options.push_back(255);
        fx.run_xdp_port(PacketBuilder().eth("02:00:00:00:06:66", "ff:ff:ff:ff:ff:ff")
                            .ipv4("192.0.2.66", "255.255.255.255").udp(67, 68).payload(offer.build()).build());
        REQUIRE(bytes_held(fx.dp()) > 0);
    }
    BpfFixture again;
    REQUIRE(&again.dp() == first); // the same loaded object, not a new one
    CHECK(bytes_held(again.dp()) == 0);
    CHECK(again.drain_dhcp_events().empty());
}
