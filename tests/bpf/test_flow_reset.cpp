// SPDX-License-Identifier: GPL-2.0-only
// Ending a WAN's TCP flows (issue 19): the resets the data path builds from
// a client's packet, byte by byte (addresses, ports, sequence numbers,
// checksums; IPv4, IPv6, VLAN tags; XDP and tc), and that only the flows
// the agent flagged are answered.
#include "datapath/challenge.h"
#include "datapath/flow_end.h"
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

using namespace jalur;
using namespace jalur::test;

namespace {

const std::string kClientMac = "02:00:00:00:00:0a", kRouterMac = "02:00:00:00:00:01";

uint16_t be16(const Bytes &b, size_t at) { return static_cast<uint16_t>(b.at(at) << 8 | b.at(at + 1)); }
uint32_t be32(const Bytes &b, size_t at) { return uint32_t{be16(b, at)} << 16 | be16(b, at + 2); }
Bytes slice(const Bytes &b, size_t at, size_t n) { return Bytes(b.begin() + at, b.begin() + at + n); }

// RFC 1071, written apart from the data path's: the sum of a correct
// header (with its checksum) folds to 0xffff
uint32_t sum16(const Bytes &b, uint32_t sum = 0)
{
    for (size_t i = 0; i + 1 < b.size(); i += 2)
        sum += be16(b, i);
    return sum;
}
bool folds_to_ones(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

template <size_t N>
Bytes bytes_of(const std::array<uint8_t, N> &a)
{
    return Bytes(a.begin(), a.end());
}

struct Conn {
    std::string client, server;
    uint16_t cport = 40000, sport = 443;
    std::vector<uint16_t> vlans; // outer first
    bool v6() const { return client.find(':') != std::string::npos; }

    PacketBuilder frame(uint8_t flags, uint32_t seq, uint32_t ack, Bytes payload = {}) const
    {
        PacketBuilder b;
        b.eth(kClientMac, kRouterMac);
        for (size_t i = 0; i < vlans.size(); i++)
            b.vlan(vlans[i], i + 1 < vlans.size() ? 0x88a8 : 0x8100);
        if (v6())
            b.ipv6(client, server);
        else
            b.ipv4(client, server);
        b.tcp(cport, sport, flags).tcp_seq(seq, ack);
        if (!payload.empty())
            b.payload(std::move(payload));
        return b;
    }
    Bytes syn() const { return frame(0x02, 1000, 0).build(); }
};

// A connection past its handshake (the client's SYN, then its ACK): the
// WAN it took.
std::optional<uint32_t> establish(BpfFixture &fx, const Conn &c)
{
    auto wan = fx.wan_for(c.syn());
    fx.run_tc_lan(c.frame(0x10, 1001, 1).build());
    return wan;
}

// A data path with two live WANs: policy 0 on WAN 0, policy 1 on WAN 1.
BpfFixture two_wans()
{
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    fx.set_policy(0, {{0, 1, "isp1"}});
    fx.set_policy(1, {{1, 1, "isp2"}});
    fx.set_default_policy(0);
    return fx;
}

// The reset answering a client's packet: checked field by field.
void check_reset(const Bytes &out, const Conn &c, uint32_t want_seq, uint32_t want_ack)
{
    size_t l3 = 14 + 4 * c.vlans.size();
    size_t l4 = l3 + (c.v6() ? 40 : 20);
    REQUIRE(out.size() == l4 + 20);
    CHECK(slice(out, 0, 6) == bytes_of(mac(kClientMac)));
    CHECK(slice(out, 6, 6) == bytes_of(mac(kRouterMac)));
    for (size_t i = 0; i < c.vlans.size(); i++)
        CHECK((be16(out, 14 + 4 * i) & 0x0fff) == c.vlans[i]); // the TCI after each TPID
    Bytes pseudo;
    if (c.v6()) {
        CHECK(be16(out, l3 - 2) == 0x86dd);
        CHECK(out[l3] >> 4 == 6);
        CHECK(be16(out, l3 + 4) == 20); // payload length
        CHECK(out[l3 + 6] == IPPROTO_TCP);
        CHECK(slice(out, l3 + 8, 16) == bytes_of(ipv6(c.server)));
        CHECK(slice(out, l3 + 24, 16) == bytes_of(ipv6(c.client)));
        pseudo = slice(out, l3 + 8, 32);
    } else {
        CHECK(be16(out, l3 - 2) == 0x0800);
        CHECK(out[l3] == 0x45);
        CHECK(be16(out, l3 + 2) == 40); // total length
        CHECK(out[l3 + 9] == IPPROTO_TCP);
        CHECK(slice(out, l3 + 12, 4) == bytes_of(ipv4(c.server)));
        CHECK(slice(out, l3 + 16, 4) == bytes_of(ipv4(c.client)));
        CHECK(folds_to_ones(sum16(slice(out, l3, 20))));
        pseudo = slice(out, l3 + 12, 8);
    }
    pseudo.insert(pseudo.end(), {0, IPPROTO_TCP, 0, 20});
    CHECK(be16(out, l4) == c.sport);
    CHECK(be16(out, l4 + 2) == c.cport);
    CHECK(be32(out, l4 + 4) == want_seq);
    CHECK(be32(out, l4 + 8) == want_ack);
    CHECK(out[l4 + 12] == 5 << 4);
    CHECK(out[l4 + 13] == 0x14); // RST, ACK
    CHECK(folds_to_ones(sum16(slice(out, l4, 20), sum16(pseudo))));
}

jalur_flow_key key_of(const Conn &c)
{
    jalur_flow_key k{};
    if (c.v6()) {
        auto s = ipv6(c.client), d = ipv6(c.server);
        std::memcpy(k.saddr, s.data(), 16);
        std::memcpy(k.daddr, d.data(), 16);
        k.family = JALUR_FAMILY_V6;
    } else {
        auto s = ipv4(c.client), d = ipv4(c.server);
        std::memcpy(k.saddr, s.data(), 4);
        std::memcpy(k.daddr, d.data(), 4);
        k.family = JALUR_FAMILY_V4;
    }
    k.sport = htons(c.cport);
    k.dport = htons(c.sport);
    k.proto = IPPROTO_TCP;
    return k;
}

jalur_flow flow_of(BpfFixture &fx, const Conn &c)
{
    auto k = key_of(c);
    jalur_flow f{};
    REQUIRE(fx.dp().flows().lookup(&k, &f));
    return f;
}

} // namespace

TEST_CASE("a client's packet on an ending flow is answered with the exact reset")
{
    auto [name, conn] = GENERATE(table<std::string, Conn>({
        {"IPv4", Conn{"192.0.2.11", "198.51.100.10", 40000, 443, {}}},
        {"IPv6", Conn{"2001:db8:1::11", "2001:db8:ff::10", 40000, 443, {}}},
        {"IPv4, 802.1Q", Conn{"192.0.2.11", "198.51.100.10", 40000, 443, {10}}},
        {"IPv6, 802.1ad + 802.1Q", Conn{"2001:db8:1::11", "2001:db8:ff::10", 40001, 80, {100, 10}}},
    }));
    bool xdp = GENERATE(true, false);
    INFO(name << (xdp ? ", XDP" : ", tc"));
    auto fx = two_wans();
    REQUIRE(establish(fx, conn) == 0u);
    auto ended = datapath::end_flows(fx.dp(), {0, std::nullopt, false});
    REQUIRE(ended);
    REQUIRE(ended.value().tcp.size() == 1);

    auto run = [&](const Bytes &frame) -> std::pair<bool, Bytes> {
        if (xdp) {
            auto r = fx.run_xdp(frame);
            return {r.action == XDP_TX, r.frame};
        }
        auto r = fx.run_tc_lan(frame);
        return {r.action == TC_ACT_REDIRECT, r.frame};
    };

    SECTION("a pure ACK (the challenge ACK of a client that only receives): seq = its ack")
    {
        auto [sent, out] = run(conn.frame(0x10, 7000, 0x80000001).build());
        REQUIRE(sent);
        check_reset(out, conn, 0x80000001, 7000);
    }
    SECTION("data with FIN (a client that sends): ack covers it, the payload is cut")
    {
        auto [sent, out] = run(conn.frame(0x19, 0xfffffff0, 5, Bytes(100, 'x')).build());
        REQUIRE(sent);
        check_reset(out, conn, 5, 0xfffffff0 + 100 + 1); // wraps: 85
    }
    CHECK(fx.dp().reason_sum(JALUR_R_FLOW_RESET) == 1);
    CHECK((flow_of(fx, conn).flags & JALUR_FLOW_RESET_SENT));
    CHECK(datapath::unanswered(fx.dp(), ended.value().tcp).empty());
}

TEST_CASE("only flagged flows are answered; others of the WAN, policy and table run on")
{
    auto fx = two_wans();
    Conn ended{"192.0.2.11", "198.51.100.10", 40000, 443, {}};
    Conn other_wan{"192.0.2.12", "198.51.100.10", 40000, 443, {}};
    Conn other_policy{"192.0.2.13", "198.51.100.10", 40000, 443, {}};
    REQUIRE(establish(fx, ended) == 0u);
    fx.set_default_policy(1);
    REQUIRE(establish(fx, other_wan) == 1u);
    // a flow of policy 1 on WAN 0: failback of policy 0 must not touch it
    fx.set_policy(1, {{0, 1, "isp1"}});
    REQUIRE(establish(fx, other_policy) == 0u);

    auto r = datapath::end_flows(fx.dp(), {0, uint16_t{0}, false});
    REQUIRE(r);
    CHECK(r.value().tcp.size() == 1);
    CHECK(datapath::unanswered(fx.dp(), r.value().tcp).size() == 1);

    for (const auto *c : {&other_wan, &other_policy}) {
        auto ack = c->frame(0x10, 1, 2).build();
        auto x = fx.run_xdp(ack);
        CHECK(x.action == XDP_PASS);
        CHECK(x.frame == ack);
        auto t = fx.run_tc_lan(ack);
        CHECK(t.action == TC_ACT_OK);
        CHECK(t.mark == BpfFixture::mark_of(c == &other_wan ? 1 : 0));
        CHECK(flow_of(fx, *c).flags == JALUR_FLOW_ACKED);
    }
    CHECK(fx.dp().reason_sum(JALUR_R_FLOW_RESET) == 0);
    CHECK(fx.run_xdp(ended.frame(0x10, 1, 2).build()).action == XDP_TX);
}

TEST_CASE("an ending flow: a SYN is decided as before, the client's own reset and what cannot be rewritten are dropped")
{
    auto fx = two_wans();
    Conn c{"192.0.2.11", "198.51.100.10", 40000, 443, {}};
    REQUIRE(establish(fx, c) == 0u);
    REQUIRE(datapath::end_flows(fx.dp(), {0, std::nullopt, false}));

    SECTION("a SYN on the same ports (a handshake's retry) is not reset: it stays on a live WAN")
    {
        CHECK(fx.run_tc_lan(c.syn()).mark == BpfFixture::mark_of(0));
        CHECK(flow_of(fx, c).flags == 0);
    }
    SECTION("... and moves off a dead one")
    {
        fx.set_policy(0, {{1, 1, "isp2"}});
        REQUIRE(datapath::set_wan_state(fx.dp(), 0, JALUR_WAN_DOWN));
        CHECK(fx.run_tc_lan(c.syn()).mark == BpfFixture::mark_of(1));
        CHECK(flow_of(fx, c).flags == JALUR_FLOW_MOVED);
        CHECK(fx.dp().wan_stats_sum(1).moved_flows == 1);
    }
    SECTION("the client's RST")
    {
        CHECK(fx.run_xdp(c.frame(0x04, 1, 0).build()).action == XDP_DROP);
        CHECK(fx.run_tc_lan(c.frame(0x14, 1, 2).build()).action == TC_ACT_SHOT);
        CHECK(fx.dp().reason_sum(JALUR_R_FLOW_ENDING_DROP) == 2);
    }
    SECTION("IPv4 options: not rewritten")
    {
        auto b = c.frame(0x10, 1, 2);
        b.ipv4_options({1, 1, 1, 1});
        CHECK(fx.run_xdp(b.build()).action == XDP_DROP);
        CHECK(fx.run_tc_lan(b.build()).action == TC_ACT_SHOT);
        CHECK(fx.dp().reason_sum(JALUR_R_FLOW_ENDING_DROP) == 2);
    }
    CHECK(fx.dp().reason_sum(JALUR_R_FLOW_RESET) == 0);
}

TEST_CASE("ending a WAN's flows: UDP and half-open TCP are renewed only when asked, TCP flagged once")
{
    auto fx = two_wans();
    Conn t{"192.0.2.11", "198.51.100.10", 40000, 443, {}};
    Conn half_open{"192.0.2.11", "198.51.100.10", 40001, 443, {}};
    REQUIRE(establish(fx, t) == 0u);
    REQUIRE(fx.wan_for(half_open.syn()) == 0u); // no ACK yet: its SYN may still be answered elsewhere
    REQUIRE(fx.wan_for(udp_datagram("192.0.2.11", "198.51.100.10", 5000, 53)) == 0u);
    REQUIRE(fx.flow_count() == 3);

    auto kept = datapath::end_flows(fx.dp(), {0, std::nullopt, false});
    REQUIRE(kept);
    CHECK(kept.value().tcp.size() == 1);
    CHECK(kept.value().others.size() == 2);
    CHECK(!(flow_of(fx, half_open).flags & JALUR_FLOW_ENDING));
    CHECK(fx.flow_count() == 3);
    auto again = datapath::end_flows(fx.dp(), {0, std::nullopt, true});
    REQUIRE(again);
    CHECK(again.value().tcp.empty()); // already flagged: not counted twice
    CHECK(again.value().others.size() == 2);
    CHECK(fx.flow_count() == 1);
}

TEST_CASE("the SYN that provokes a client's challenge ACK: from the server to the client, checksums right")
{
    for (const auto &c : {Conn{"192.0.2.11", "198.51.100.10", 40000, 443, {}},
                          Conn{"2001:db8:1::11", "2001:db8:ff::10", 40001, 80, {}}}) {
        INFO(c.client);
        auto syn = datapath::challenge_syn(key_of(c), 0xdeadbeef);
        size_t l4 = c.v6() ? 40 : 20;
        REQUIRE(syn.size() == l4 + 20);
        Bytes pseudo;
        if (c.v6()) {
            CHECK(syn[0] >> 4 == 6);
            CHECK(be16(syn, 4) == 20);
            CHECK(syn[6] == IPPROTO_TCP);
            CHECK(slice(syn, 8, 16) == bytes_of(ipv6(c.server)));
            CHECK(slice(syn, 24, 16) == bytes_of(ipv6(c.client)));
            pseudo = slice(syn, 8, 32);
        } else {
            CHECK(syn[0] == 0x45);
            CHECK(be16(syn, 2) == 40);
            CHECK(syn[9] == IPPROTO_TCP);
            CHECK(slice(syn, 12, 4) == bytes_of(ipv4(c.server)));
            CHECK(slice(syn, 16, 4) == bytes_of(ipv4(c.client)));
            CHECK(folds_to_ones(sum16(slice(syn, 0, 20))));
            pseudo = slice(syn, 12, 8);
        }
        pseudo.insert(pseudo.end(), {0, IPPROTO_TCP, 0, 20});
        CHECK(be16(syn, l4) == c.sport);
        CHECK(be16(syn, l4 + 2) == c.cport);
        CHECK(be32(syn, l4 + 4) == 0xdeadbeef);
        CHECK(syn[l4 + 13] == 0x02); // SYN alone
        CHECK(folds_to_ones(sum16(slice(syn, l4, 20), sum16(pseudo))));
    }
}
