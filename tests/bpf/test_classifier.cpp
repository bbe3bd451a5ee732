// SPDX-License-Identifier: GPL-2.0-only
// PCC-style classification: every classifier, both families, tagged frames,
// weighted balance, nth and affinity.
#include "balancer/classifier.h"
#include "jalur/flow_hash.h"
#include "support/bpf_fixture.h"

#include <arpa/inet.h>
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <map>

using namespace jalur;
using namespace jalur::test;

namespace {

struct Conn {
    std::string src, dst;
    uint16_t sport, dport;
};

void addr_words(const std::string &text, uint32_t out[4])
{
    std::memset(out, 0, 16);
    if (text.find(':') != std::string::npos) {
        auto a = ipv6(text);
        std::memcpy(out, a.data(), 16);
    } else {
        auto a = ipv4(text);
        std::memcpy(out, a.data(), 4);
    }
}

// What the data path must pick, computed independently in userspace.
uint32_t expected_wan(const balancer::SlotTable &table, uint32_t fields, const Conn &c)
{
    uint32_t s[4], d[4];
    addr_words(c.src, s);
    addr_words(c.dst, d);
    uint32_t h = jalur_classifier_hash(fields, s, d, htons(c.sport), htons(c.dport));
    return table[jalur_slot_of(h)];
}

Bytes frame_of(const Conn &c, int tags)
{
    PacketBuilder b;
    b.eth();
    if (tags >= 2)
        b.vlan(100, 0x88a8);
    if (tags >= 1)
        b.vlan(200);
    if (c.src.find(':') != std::string::npos)
        b.ipv6(c.src, c.dst);
    else
        b.ipv4(c.src, c.dst);
    return b.tcp(c.sport, c.dport).build();
}

const std::vector<balancer::Member> kFour = {{0, 1, "isp1"}, {1, 1, "isp2"}, {2, 1, "isp3"}, {3, 1, "isp4"}};

} // namespace

TEST_CASE("every classifier picks the WAN its slot table gives, for v4, v6 and tagged frames")
{
    auto table = balancer::build_hash_slots(kFour);
    BpfFixture fx;
    for (uint32_t w = 0; w < 4; w++)
        fx.add_wan(w);
    fx.set_default_policy(0);
    for (const auto &name : balancer::classifier_names()) {
        uint32_t fields = *balancer::classifier_fields(name);
        for (bool v6 : {false, true}) {
            for (int tags : {0, 1, 2}) {
                fx.forget_flows();
                datapath::PolicyParams params;
                params.fields = fields;
                fx.set_policy(0, kFour, params);

                std::map<uint32_t, int> used;
                for (int i = 0; i < 64; i++) {
                    Conn c = v6 ? Conn{"2001:db8:1::" + std::to_string(10 + i % 7), "2001:db8:ff::" + std::to_string(i % 5 + 1),
                                       static_cast<uint16_t>(40000 + i), static_cast<uint16_t>(80 + i % 13)}
                                : Conn{"192.0.2." + std::to_string(10 + i % 7), "198.51.100." + std::to_string(i % 5 + 1),
                                       static_cast<uint16_t>(40000 + i), static_cast<uint16_t>(80 + i % 13)};
                    INFO(name << (v6 ? " v6" : " v4") << " tags=" << tags << " conn " << i);
                    auto wan = fx.wan_for(frame_of(c, tags));
                    REQUIRE(wan.has_value());
                    CHECK(*wan == expected_wan(table, fields, c));
                    used[*wan]++;
                }
                CHECK(used.size() > 1); // the classifier's fields do vary here
            }
        }
    }
}

TEST_CASE("connections that agree on the classifier's fields share a WAN")
{
    struct Case {
        const char *name;
        Conn a, b; // differ only in fields the classifier ignores
    };
    const Case cases[] = {
        {"src-address", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.10", "203.0.113.9", 2000, 443}},
        {"dst-address", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.99", "198.51.100.1", 2000, 443}},
        {"both-addresses", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.10", "198.51.100.1", 2000, 443}},
        {"src-port", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.11", "198.51.100.2", 1000, 443}},
        {"dst-port", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.11", "198.51.100.2", 2000, 80}},
        {"both-ports", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.11", "198.51.100.2", 1000, 80}},
        {"src-address-and-port", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.10", "198.51.100.2", 1000, 443}},
        {"dst-address-and-port", {"192.0.2.10", "198.51.100.1", 1000, 80}, {"192.0.2.11", "198.51.100.1", 2000, 80}},
    };
    BpfFixture fx;
    for (uint32_t w = 0; w < 4; w++)
        fx.add_wan(w);
    fx.set_default_policy(0);
    for (const auto &c : cases) {
        INFO(c.name);
        uint32_t fields = *balancer::classifier_fields(c.name);
        // many variants of b, all must follow a
        datapath::PolicyParams params;
        params.fields = fields;
        fx.set_policy(0, kFour, params);
        for (int i = 0; i < 16; i++) {
            fx.forget_flows();
            Conn b = c.b;
            if (!(fields & JALUR_F_SRC_PORT))
                b.sport = static_cast<uint16_t>(b.sport + i);
            if (!(fields & JALUR_F_DST_PORT))
                b.dport = static_cast<uint16_t>(b.dport + i);
            CHECK(fx.wan_for(frame_of(c.a, 0)) == fx.wan_for(frame_of(b, 0)));
        }
    }
}

TEST_CASE("100,000 connections over weights 3:2:1 split 50/33/17 within 2 points")
{
    BpfFixture fx;
    for (uint32_t w = 0; w < 3; w++)
        fx.add_wan(w);
    fx.set_policy(0, {{0, 3, "isp1"}, {1, 2, "isp2"}, {2, 1, "isp3"}});
    fx.set_default_policy(0);

    std::array<int, 3> n{};
    const int total = 100000;
    for (int i = 0; i < total; i++) {
        std::string src = "100.64." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250 + 1);
        auto wan = fx.wan_for(tcp_syn(src, "198.51.100.10", static_cast<uint16_t>(1024 + i % 60000), 443));
        REQUIRE(wan.has_value());
        n.at(*wan)++;
    }
    CHECK(n[0] / double(total) == Approx(3.0 / 6).margin(0.02));
    CHECK(n[1] / double(total) == Approx(2.0 / 6).margin(0.02));
    CHECK(n[2] / double(total) == Approx(1.0 / 6).margin(0.02));
    CHECK(fx.flow_count() == static_cast<size_t>(total));
}

TEST_CASE("nth mode deals new connections round robin by weight")
{
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    datapath::PolicyParams params;
    params.mode = JALUR_MODE_NTH;
    fx.set_policy(0, {{0, 2, "isp1"}, {1, 1, "isp2"}}, params);
    fx.set_default_policy(0);

    std::array<int, 2> n{};
    std::string order;
    for (int i = 0; i < 600; i++) {
        // the same source and destination every time: only the counter decides
        auto wan = fx.wan_for(tcp_syn("192.0.2.10", "198.51.100.10", static_cast<uint16_t>(2000 + i), 80));
        REQUIRE(wan.has_value());
        n.at(*wan)++;
        if (i < 6)
            order += std::to_string(*wan);
    }
    CHECK(n[0] == 400);
    CHECK(n[1] == 200);
    CHECK(order == "010010"); // smooth: the light member is not starved in bursts
}

TEST_CASE("per-source affinity keeps a client's connections on one WAN until it idles out")
{
    BpfFixture fx;
    for (uint32_t w = 0; w < 4; w++)
        fx.add_wan(w);
    datapath::PolicyParams params;
    params.affinity = JALUR_AFFINITY_SRC;
    params.affinity_timeout_ns = 1000000000; // 1 s
    fx.set_policy(0, kFour, params);
    fx.set_default_policy(0);

    auto connect = [&](int i) {
        auto dst = "198.51.100." + std::to_string(i % 200 + 1);
        return fx.wan_for(tcp_syn("192.0.2.10", dst, static_cast<uint16_t>(3000 + i), 443)).value();
    };
    std::map<uint32_t, int> sticky, idle;
    for (int i = 0; i < 200; i++)
        sticky[connect(i)]++;
    CHECK(sticky.size() == 1); // one bank login, one public address

    for (int i = 200; i < 400; i++) {
        fx.age_affinity(); // the client idled past the timeout before each one
        idle[connect(i)]++;
    }
    CHECK(idle.size() == 4); // balanced again
}

TEST_CASE("source/destination affinity pins a client per server, not globally")
{
    BpfFixture fx;
    for (uint32_t w = 0; w < 4; w++)
        fx.add_wan(w);
    datapath::PolicyParams params;
    params.affinity = JALUR_AFFINITY_SRC_DST;
    params.affinity_timeout_ns = 60ull * 1000000000;
    fx.set_policy(0, kFour, params);
    fx.set_default_policy(0);

    std::map<uint32_t, int> per_server_wans, servers_used;
    for (int s = 0; s < 40; s++) {
        auto dst = "198.51.100." + std::to_string(s + 1);
        std::map<uint32_t, int> wans;
        for (int i = 0; i < 10; i++)
            wans[*fx.wan_for(tcp_syn("192.0.2.10", dst, static_cast<uint16_t>(3000 + s * 10 + i), 443))]++;
        CHECK(wans.size() == 1);
        servers_used[wans.begin()->first]++;
    }
    CHECK(servers_used.size() > 1);
}
