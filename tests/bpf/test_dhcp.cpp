// SPDX-License-Identifier: GPL-2.0-only
// Rogue DHCP detection: DHCPv4/DHCPv6 server messages and router
// advertisements from untrusted sources, crafted to probe the parser's edges.
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <netinet/in.h>

#include <cstring>

using namespace jalur;
using namespace jalur::test;

namespace {

constexpr uint32_t kPort = 1; // BPF_PROG_TEST_RUN delivers XDP frames on lo
constexpr const char *kRogueMac = "02:00:00:00:06:66";
constexpr uint8_t kOffer = 2, kAck = 5, kNak = 6;

std::array<uint8_t, 4> addr4(const char *a) { return ipv4(a); }
uint32_t be32(const char *a)
{
    uint32_t v;
    std::memcpy(&v, ipv4(a).data(), 4);
    return v;
}

DhcpMessage offer(uint8_t type = kOffer, const char *server_id = "192.0.2.66")
{
    DhcpMessage m;
    m.xid = 0xdeadbeef;
    m.yiaddr = addr4("192.0.2.150");
    m.chaddr = mac("02:00:00:00:00:0c");
    auto sid = addr4(server_id);
    m.options = dhcp_option(53, {type});
    auto o = dhcp_option(54, Bytes(sid.begin(), sid.end()));
    m.options.insert(m.options.end(), o.begin(), o.end());
    m.options.push_back(255);
    return m;
}

PacketBuilder &dhcp4_headers(PacketBuilder &b, const char *src_mac = kRogueMac)
{
    return b.eth(src_mac, "ff:ff:ff:ff:ff:ff").ipv4("192.0.2.66", "255.255.255.255").udp(67, 68);
}

Bytes dhcp4_wrap(const Bytes &message, const char *src_mac = kRogueMac)
{
    PacketBuilder b;
    return dhcp4_headers(b, src_mac).payload(message).build();
}

Bytes dhcp4(const DhcpMessage &m, const char *src_mac = kRogueMac) { return dhcp4_wrap(m.build(), src_mac); }

struct Lab {
    BpfFixture fx;
    explicit Lab(uint32_t mode = JALUR_DHCP_ALERT) { fx.inspect_port(kPort, mode); }
};

jalur_dhcp_event only_event(BpfFixture &fx)
{
    auto evs = fx.drain_dhcp_events();
    REQUIRE(evs.size() == 1);
    return evs[0];
}

std::string mac_text(const uint8_t *m)
{
    char buf[18];
    snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

} // namespace

TEST_CASE("a DHCP OFFER from an untrusted server is reported with everything a responder needs")
{
    Lab lab;
    auto res = lab.fx.run_xdp(dhcp4(offer()));
    CHECK(res.action == XDP_PASS);
    auto ev = only_event(lab.fx);
    CHECK(ev.kind == JALUR_DHCP_V4);
    CHECK(ev.msg_type == kOffer);
    CHECK(mac_text(ev.server_mac) == kRogueMac);
    CHECK(mac_text(ev.client_mac) == "02:00:00:00:00:0c");
    CHECK(ev.src_addr[0] == be32("192.0.2.66"));
    CHECK(ev.server_id == be32("192.0.2.66"));
    CHECK(ev.yiaddr == be32("192.0.2.150"));
    CHECK(ev.xid == htonl(0xdeadbeef));
    CHECK(ev.ifindex == kPort);
    CHECK(ev.vlan == 0);
    CHECK(ev.flags == 0);
    CHECK(ev.time_ns > 0);
    auto st = lab.fx.dp().dhcp_stats_sum();
    CHECK(st.inspected == 1);
    CHECK(st.events == 1);
}

TEST_CASE("OFFER ACK and NAK are each reported with their message type")
{
    Lab lab;
    for (uint8_t t : {kOffer, kAck, kNak}) {
        lab.fx.run_xdp(dhcp4(offer(t)));
        CHECK(only_event(lab.fx).msg_type == t);
    }
}

TEST_CASE("guard mode drops the rogue message and says so")
{
    Lab lab(JALUR_DHCP_GUARD);
    CHECK(lab.fx.run_xdp(dhcp4(offer())).action == XDP_DROP);
    CHECK(only_event(lab.fx).flags & JALUR_DHCP_EV_DROPPED);
    CHECK(lab.fx.dp().dhcp_stats_sum().dropped == 1);
    // client traffic on the same port still flows and is balanced as usual
    auto discover = PacketBuilder().eth("02:00:00:00:00:0c", "ff:ff:ff:ff:ff:ff")
                        .ipv4("0.0.0.0", "255.255.255.255").udp(68, 67).payload(offer(1).build()).build();
    CHECK(lab.fx.run_xdp(discover).action == XDP_PASS);
    CHECK(lab.fx.drain_dhcp_events().empty());
}

TEST_CASE("a trusted server passes unreported: by MAC by server identifier and by port")
{
    SECTION("by MAC")
    {
        Lab lab(JALUR_DHCP_GUARD);
        jalur_mac_key k{};
        auto m = mac(kRogueMac);
        std::memcpy(k.addr, m.data(), 6);
        uint32_t one = 1;
        REQUIRE(lab.fx.dp().dhcp_trusted_macs().update(&k, &one));
        CHECK(lab.fx.run_xdp(dhcp4(offer())).action == XDP_PASS);
        // the same server id from another MAC is still a rogue
        CHECK(lab.fx.run_xdp(dhcp4(offer(), "02:00:00:00:07:77")).action == XDP_DROP);
    }
    SECTION("by server identifier")
    {
        Lab lab(JALUR_DHCP_GUARD);
        jalur_addr_key k{};
        k.family = JALUR_FAMILY_V4;
        k.addr[0] = be32("192.0.2.1");
        uint32_t one = 1;
        REQUIRE(lab.fx.dp().dhcp_trusted_addrs().update(&k, &one));
        CHECK(lab.fx.run_xdp(dhcp4(offer(kOffer, "192.0.2.1"))).action == XDP_PASS);
        CHECK(lab.fx.run_xdp(dhcp4(offer(kOffer, "192.0.2.66"))).action == XDP_DROP);
    }
    SECTION("by port")
    {
        BpfFixture fx;
        fx.inspect_port(kPort, JALUR_DHCP_GUARD, true);
        CHECK(fx.run_xdp(dhcp4(offer())).action == XDP_PASS);
    }
    SECTION("a port not inspected")
    {
        BpfFixture fx;
        CHECK(fx.run_xdp(dhcp4(offer())).action == XDP_PASS);
        CHECK(fx.dp().dhcp_stats_sum().inspected == 0);
    }
}

TEST_CASE("options are found in any order among pad bytes and without the end option")
{
    Lab lab;
    auto m = offer();
    m.options = {0, 0};
    for (auto &o : {dhcp_option(1, {255, 255, 255, 0}), dhcp_option(54, {192, 0, 2, 66}), Bytes{0},
                    dhcp_option(3, {192, 0, 2, 66}), dhcp_option(53, {kAck})})
        m.options.insert(m.options.end(), o.begin(), o.end());
    lab.fx.run_xdp(dhcp4(m));
    auto ev = only_event(lab.fx);
    CHECK(ev.msg_type == kAck);
    CHECK(ev.server_id == be32("192.0.2.66"));
    CHECK(ev.flags == JALUR_DHCP_EV_NO_END);
}

TEST_CASE("an option whose length runs past the message is rejected and never read")
{
    Lab lab(JALUR_DHCP_GUARD);
    auto m = offer();
    m.options = dhcp_option(53, {kOffer});
    m.options.insert(m.options.end(), {54, 40, 192, 0, 2, 1}); // claims 40 bytes, has 4
    CHECK(lab.fx.run_xdp(dhcp4(m)).action == XDP_DROP);
    auto ev = only_event(lab.fx);
    CHECK(ev.msg_type == kOffer);
    CHECK(ev.server_id == 0);
    CHECK(ev.flags & JALUR_DHCP_EV_MALFORMED);
    CHECK(lab.fx.dp().dhcp_stats_sum().malformed == 1);
}

TEST_CASE("message type and server id hidden in sname and file by option 52 are found")
{
    Lab lab;
    auto m = offer();
    m.options = dhcp_option(52, {3});
    m.options.push_back(255);
    // file: the message type; sname: the server identifier (RFC 2131 4.1 order)
    m.file[0] = 53, m.file[1] = 1, m.file[2] = kOffer, m.file[3] = 255;
    m.sname[0] = 0, m.sname[1] = 54, m.sname[2] = 4;
    m.sname[3] = 203, m.sname[4] = 0, m.sname[5] = 113, m.sname[6] = 9, m.sname[7] = 255;
    lab.fx.run_xdp(dhcp4(m));
    auto ev = only_event(lab.fx);
    CHECK(ev.msg_type == kOffer);
    CHECK(ev.server_id == be32("203.0.113.9"));
    CHECK(ev.flags == JALUR_DHCP_EV_OVERLOAD);
}

TEST_CASE("relayed replies carry the relay address: to the client and to the relay")
{
    Lab lab;
    auto m = offer();
    m.giaddr = addr4("192.0.2.254");
    lab.fx.run_xdp(dhcp4(m));
    CHECK(only_event(lab.fx).giaddr == be32("192.0.2.254"));

    // server -> relay agent: 67 -> 67, BOOTREPLY
    auto to_relay = PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01").ipv4("192.0.2.66", "192.0.2.254")
                        .udp(67, 67).payload(m.build()).build();
    lab.fx.run_xdp(to_relay);
    CHECK(only_event(lab.fx).giaddr == be32("192.0.2.254"));
    // a relay forwarding a client's request (BOOTREQUEST) is not a server message
    m.op = 1;
    lab.fx.run_xdp(PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01").ipv4("192.0.2.254", "192.0.2.1")
                       .udp(67, 67).payload(m.build()).build());
    CHECK(lab.fx.drain_dhcp_events().empty());
}

TEST_CASE("a unicast reply is caught like a broadcast one")
{
    Lab lab;
    auto f = PacketBuilder().eth(kRogueMac, "02:00:00:00:00:0c").ipv4("192.0.2.66", "192.0.2.150")
                 .udp(67, 68).payload(offer().build()).build();
    lab.fx.run_xdp(f);
    CHECK(only_event(lab.fx).msg_type == kOffer);
}

TEST_CASE("VLAN and QinQ tagged offers and offers behind IPv4 options are caught")
{
    Lab lab;
    PacketBuilder q;
    q.eth(kRogueMac, "ff:ff:ff:ff:ff:ff").vlan(100, 0x88a8).vlan(42).ipv4("192.0.2.66", "255.255.255.255")
        .udp(67, 68).payload(offer().build());
    lab.fx.run_xdp(q.build());
    CHECK(only_event(lab.fx).vlan == 42);

    PacketBuilder o;
    o.eth(kRogueMac, "ff:ff:ff:ff:ff:ff").ipv4("192.0.2.66", "255.255.255.255").ipv4_options({1, 1, 1, 0})
        .udp(67, 68).payload(offer().build());
    lab.fx.run_xdp(o.build());
    CHECK(only_event(lab.fx).msg_type == kOffer);
}

TEST_CASE("a message cut at every offset is still reported and nothing past the cut is read")
{
    Lab lab;
    auto full = offer().build();
    size_t type_end = 240 + 3; // option 53 is the first option
    for (size_t cut = 0; cut <= full.size(); cut++) {
        Bytes part(full.begin(), full.begin() + static_cast<long>(cut));
        lab.fx.run_xdp(dhcp4_wrap(part));
        auto evs = lab.fx.drain_dhcp_events();
        INFO("message cut at " << cut);
        REQUIRE(evs.size() == 1);
        CHECK(evs[0].msg_type == (cut >= type_end ? kOffer : 0));
        if (cut < 236)
            CHECK(evs[0].flags & JALUR_DHCP_EV_MALFORMED);
    }
}

TEST_CASE("DHCPv6 server messages are reported and client messages are not")
{
    Lab lab(JALUR_DHCP_GUARD);
    auto v6 = [](uint16_t sport, uint16_t dport, uint8_t type) {
        return PacketBuilder().eth(kRogueMac, "33:33:00:01:00:02").ipv6("fe80::66", "fe80::c")
            .udp(sport, dport).payload({type, 0x12, 0x34, 0x56, 0, 1, 0, 0}).build();
    };
    for (uint8_t t : {2, 7, 10}) {
        CHECK(lab.fx.run_xdp(v6(547, 546, t)).action == XDP_DROP);
        auto ev = only_event(lab.fx);
        CHECK(ev.kind == JALUR_DHCP_V6);
        CHECK(ev.msg_type == t);
        CHECK(ev.xid == 0x123456);
    }
    CHECK(lab.fx.run_xdp(v6(547, 547, 13)).action == XDP_DROP); // RELAY-REPL
    CHECK(only_event(lab.fx).msg_type == 13);
    CHECK(lab.fx.run_xdp(v6(546, 547, 1)).action == XDP_PASS); // SOLICIT
    CHECK(lab.fx.drain_dhcp_events().empty());
}

namespace {

Bytes ra(std::vector<Ipv6Ext> exts, uint8_t hop_limit = 255)
{
    PacketBuilder b;
    b.eth(kRogueMac, "33:33:00:00:00:01").ipv6("fe80::66", "ff02::1");
    for (auto &e : exts)
        b.ipv6_ext(e);
    // the builder writes an 8-byte ICMPv6 echo header: made an RA's by its type
    Bytes reachable_retrans(8, 0);
    auto f = b.proto(IPPROTO_ICMPV6).payload(reachable_retrans).build();
    f[f.size() - 16] = 134;
    f[14 + 7] = hop_limit;
    return f;
}

} // namespace

TEST_CASE("router advertisements are caught also behind extension headers and fragments")
{
    Lab lab(JALUR_DHCP_GUARD);
    CHECK(lab.fx.run_xdp(ra({})).action == XDP_DROP);
    CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA);

    CHECK(lab.fx.run_xdp(ra({{IPPROTO_HOPOPTS, {}}, {IPPROTO_DSTOPTS, Bytes(30, 0)}})).action == XDP_DROP);
    CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA);

    // an atomic fragment and a first fragment that carries the ICMPv6 header
    CHECK(lab.fx.run_xdp(ra({{IPPROTO_FRAGMENT, {0, 0, 0, 0, 0, 7}}})).action == XDP_DROP);
    CHECK(lab.fx.run_xdp(ra({{IPPROTO_FRAGMENT, {0, 1, 0, 0, 0, 7}}})).action == XDP_DROP);
    CHECK(lab.fx.drain_dhcp_events().size() == 2);
}

TEST_CASE("an IPv6 packet from a possible router whose header chain cannot be walked is dropped in guard mode")
{
    std::vector<Ipv6Ext> deep(8, Ipv6Ext{IPPROTO_DSTOPTS, {}}); // more than the parser walks
    SECTION("guard: dropped and reported")
    {
        Lab lab(JALUR_DHCP_GUARD);
        CHECK(lab.fx.run_xdp(ra(deep)).action == XDP_DROP);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA_UNPARSED);
    }
    SECTION("not from a router: a hop limit under 255 cannot be an RA")
    {
        Lab lab(JALUR_DHCP_GUARD);
        CHECK(lab.fx.run_xdp(ra(deep, 64)).action == XDP_PASS);
        CHECK(lab.fx.drain_dhcp_events().empty());
    }
    SECTION("alert: passed and reported")
    {
        Lab lab(JALUR_DHCP_ALERT);
        CHECK(lab.fx.run_xdp(ra(deep)).action == XDP_PASS);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA_UNPARSED);
    }
}

TEST_CASE("the rate limit bounds events per source MAC and counts every suppressed message exactly")
{
    Lab lab(JALUR_DHCP_GUARD);
    uint32_t zero = 0;
    jalur_dhcp_config cfg{5, 8, 3600ull * 1000000000ull};
    REQUIRE(lab.fx.dp().dhcp_config().update(&zero, &cfg));
    for (int i = 0; i < 100; i++)
        lab.fx.run_xdp(dhcp4(offer()));
    // another MAC gets its own budget, up to the all-sources limit of 8
    for (int i = 0; i < 10; i++)
        lab.fx.run_xdp(dhcp4(offer(), "02:00:00:00:07:77"));
    auto evs = lab.fx.drain_dhcp_events();
    auto st = lab.fx.dp().dhcp_stats_sum();
    CHECK(evs.size() == 8);
    CHECK(st.events == 8);
    CHECK(st.suppressed == 102);
    CHECK(st.events + st.suppressed + st.ringbuf_full == 110);
    CHECK(st.dropped == 110); // the limit applies to reports, never to guarding
}

TEST_CASE("the bridge-port program inspects and otherwise passes without balancing")
{
    Lab lab(JALUR_DHCP_GUARD);
    lab.fx.add_wan(0);
    lab.fx.set_policy(0, {{0, 1, "isp1"}});
    lab.fx.set_default_policy(0);
    CHECK(lab.fx.run_xdp_port(dhcp4(offer())).action == XDP_DROP);
    CHECK(only_event(lab.fx).msg_type == kOffer);
    auto syn = PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.10").tcp(40000, 80).build();
    auto res = lab.fx.run_xdp_port(syn);
    CHECK(res.action == XDP_PASS);
    CHECK_FALSE(res.meta.has_value());
    CHECK(lab.fx.flow_count() == 0);
}
