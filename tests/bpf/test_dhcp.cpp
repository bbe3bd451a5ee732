// SPDX-License-Identifier: GPL-2.0-only
// Rogue DHCP detection: DHCPv4/DHCPv6 server messages and router
// advertisements from untrusted sources, crafted to probe the parser's edges.
// Every case runs through each program that inspects: the LAN's XDP program,
// the bridge-port XDP program and the bridge-port tc program.
#include "support/bpf_fixture.h"

#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include <cstring>
#include <ostream>

using namespace jalur;
using namespace jalur::test;

namespace {

constexpr uint32_t kPort = 1; // BPF_PROG_TEST_RUN delivers XDP frames on lo; tc runs are told the same
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

// A client's message (BOOTREQUEST) of DHCP type `type`, e.g. 1: DISCOVER
DhcpMessage request(uint8_t type)
{
    auto m = offer(type);
    m.op = 1;
    m.yiaddr = {};
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

enum class Hook { XdpLan, XdpPort, TcPort };
enum class Verdict { Pass, Drop, Other };

#define EACH_HOOK GENERATE(Hook::XdpLan, Hook::XdpPort, Hook::TcPort)

std::ostream &operator<<(std::ostream &o, Hook h)
{
    return o << (h == Hook::XdpLan ? "jalur_xdp_lan" : h == Hook::XdpPort ? "jalur_xdp_port" : "jalur_tc_port");
}

std::ostream &operator<<(std::ostream &o, Verdict v)
{
    return o << (v == Verdict::Pass ? "pass" : v == Verdict::Drop ? "drop" : "other");
}

Verdict run_on(BpfFixture &fx, Hook hook, const Bytes &frame)
{
    if (hook == Hook::TcPort) {
        int a = fx.run_tc_port(frame, kPort).action;
        return a == TC_ACT_OK ? Verdict::Pass : a == TC_ACT_SHOT ? Verdict::Drop : Verdict::Other;
    }
    uint32_t a = (hook == Hook::XdpLan ? fx.run_xdp(frame) : fx.run_xdp_port(frame)).action;
    return a == XDP_PASS ? Verdict::Pass : a == XDP_DROP ? Verdict::Drop : Verdict::Other;
}

struct Lab {
    BpfFixture fx;
    Hook hook;
    explicit Lab(Hook h, uint32_t mode = JALUR_DHCP_ALERT, bool trusted = false) : hook(h)
    {
        fx.inspect_port(kPort, mode, trusted);
    }
    Verdict run(const Bytes &frame) { return run_on(fx, hook, frame); }
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
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    CHECK(lab.run(dhcp4(offer())) == Verdict::Pass);
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
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    for (uint8_t t : {kOffer, kAck, kNak}) {
        lab.run(dhcp4(offer(t)));
        CHECK(only_event(lab.fx).msg_type == t);
    }
}

TEST_CASE("guard mode drops the rogue message and says so")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    CHECK(lab.run(dhcp4(offer())) == Verdict::Drop);
    CHECK(only_event(lab.fx).flags & JALUR_DHCP_EV_DROPPED);
    CHECK(lab.fx.dp().dhcp_stats_sum().dropped == 1);
    // client traffic on the same port still flows and is balanced as usual
    auto discover = PacketBuilder().eth("02:00:00:00:00:0c", "ff:ff:ff:ff:ff:ff")
                        .ipv4("0.0.0.0", "255.255.255.255").udp(68, 67).payload(request(1).build()).build();
    CHECK(lab.run(discover) == Verdict::Pass);
    CHECK(lab.fx.drain_dhcp_events().empty());
}

TEST_CASE("a trusted server passes unreported: by MAC by server identifier and by port")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    SECTION("by MAC")
    {
        Lab lab(hook, JALUR_DHCP_GUARD);
        jalur_mac_key k{};
        auto m = mac(kRogueMac);
        std::memcpy(k.addr, m.data(), 6);
        uint32_t one = 1;
        REQUIRE(lab.fx.dp().dhcp_trusted_macs().update(&k, &one));
        CHECK(lab.run(dhcp4(offer())) == Verdict::Pass);
        // the same server id from another MAC is still a rogue
        CHECK(lab.run(dhcp4(offer(), "02:00:00:00:07:77")) == Verdict::Drop);
    }
    SECTION("by server identifier")
    {
        Lab lab(hook, JALUR_DHCP_GUARD);
        jalur_addr_key k{};
        k.family = JALUR_FAMILY_V4;
        k.addr[0] = be32("192.0.2.1");
        uint32_t one = 1;
        REQUIRE(lab.fx.dp().dhcp_trusted_addrs().update(&k, &one));
        CHECK(lab.run(dhcp4(offer(kOffer, "192.0.2.1"))) == Verdict::Pass);
        CHECK(lab.run(dhcp4(offer(kOffer, "192.0.2.66"))) == Verdict::Drop);
    }
    SECTION("by port")
    {
        Lab lab(hook, JALUR_DHCP_GUARD, true);
        CHECK(lab.run(dhcp4(offer())) == Verdict::Pass);
        CHECK(lab.fx.dp().dhcp_stats_sum().trusted == 1);
    }
    SECTION("a port not inspected")
    {
        BpfFixture fx;
        CHECK(run_on(fx, hook, dhcp4(offer())) == Verdict::Pass);
        CHECK(fx.dp().dhcp_stats_sum().inspected == 0);
    }
}

TEST_CASE("options are found in any order among pad bytes and without the end option")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    auto m = offer();
    m.options = {0, 0};
    for (auto &o : {dhcp_option(1, {255, 255, 255, 0}), dhcp_option(54, {192, 0, 2, 66}), Bytes{0},
                    dhcp_option(3, {192, 0, 2, 66}), dhcp_option(53, {kAck})})
        m.options.insert(m.options.end(), o.begin(), o.end());
    lab.run(dhcp4(m));
    auto ev = only_event(lab.fx);
    CHECK(ev.msg_type == kAck);
    CHECK(ev.server_id == be32("192.0.2.66"));
    CHECK(ev.flags == JALUR_DHCP_EV_NO_END);
}

TEST_CASE("an option whose length runs past the message is rejected and never read")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    auto m = offer();
    m.options = dhcp_option(53, {kOffer});
    m.options.insert(m.options.end(), {54, 40, 192, 0, 2, 1}); // claims 40 bytes, has 4
    CHECK(lab.run(dhcp4(m)) == Verdict::Drop);
    auto ev = only_event(lab.fx);
    CHECK(ev.msg_type == kOffer);
    CHECK(ev.server_id == 0);
    CHECK(ev.flags & JALUR_DHCP_EV_MALFORMED);
    CHECK(lab.fx.dp().dhcp_stats_sum().malformed == 1);
}

TEST_CASE("message type and server id hidden in sname and file by option 52 are found")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    auto m = offer();
    m.options = dhcp_option(52, {3});
    m.options.push_back(255);
    // file: the message type; sname: the server identifier (RFC 2131 4.1 order)
    m.file[0] = 53, m.file[1] = 1, m.file[2] = kOffer, m.file[3] = 255;
    m.sname[0] = 0, m.sname[1] = 54, m.sname[2] = 4;
    m.sname[3] = 203, m.sname[4] = 0, m.sname[5] = 113, m.sname[6] = 9, m.sname[7] = 255;
    lab.run(dhcp4(m));
    auto ev = only_event(lab.fx);
    CHECK(ev.msg_type == kOffer);
    CHECK(ev.server_id == be32("203.0.113.9"));
    CHECK(ev.flags == JALUR_DHCP_EV_OVERLOAD);
}

TEST_CASE("relayed replies carry the relay address: to the client and to the relay")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    auto m = offer();
    m.giaddr = addr4("192.0.2.254");
    lab.run(dhcp4(m));
    CHECK(only_event(lab.fx).giaddr == be32("192.0.2.254"));

    // server -> relay agent: 67 -> 67, BOOTREPLY
    auto to_relay = PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01").ipv4("192.0.2.66", "192.0.2.254")
                        .udp(67, 67).payload(m.build()).build();
    lab.run(to_relay);
    CHECK(only_event(lab.fx).giaddr == be32("192.0.2.254"));
    // a relay forwarding a client's request (BOOTREQUEST) is not a server message
    m.op = 1;
    lab.run(PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01").ipv4("192.0.2.254", "192.0.2.1")
                       .udp(67, 67).payload(m.build()).build());
    CHECK(lab.fx.drain_dhcp_events().empty());
}

TEST_CASE("a unicast reply is caught like a broadcast one")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    auto f = PacketBuilder().eth(kRogueMac, "02:00:00:00:00:0c").ipv4("192.0.2.66", "192.0.2.150")
                 .udp(67, 68).payload(offer().build()).build();
    lab.run(f);
    CHECK(only_event(lab.fx).msg_type == kOffer);
}

TEST_CASE("VLAN and QinQ tagged offers and offers behind IPv4 options are caught")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    PacketBuilder q;
    q.eth(kRogueMac, "ff:ff:ff:ff:ff:ff").vlan(100, 0x88a8).vlan(42).ipv4("192.0.2.66", "255.255.255.255")
        .udp(67, 68).payload(offer().build());
    lab.run(q.build());
    CHECK(only_event(lab.fx).vlan == 42);

    PacketBuilder o;
    o.eth(kRogueMac, "ff:ff:ff:ff:ff:ff").ipv4("192.0.2.66", "255.255.255.255").ipv4_options({1, 1, 1, 0})
        .udp(67, 68).payload(offer().build());
    lab.run(o.build());
    CHECK(only_event(lab.fx).msg_type == kOffer);
}

TEST_CASE("a message cut at every offset is still reported and nothing past the cut is read")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook);
    auto full = offer().build();
    size_t type_end = 240 + 3; // option 53 is the first option
    for (size_t cut = 0; cut <= full.size(); cut++) {
        Bytes part(full.begin(), full.begin() + static_cast<long>(cut));
        lab.run(dhcp4_wrap(part));
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
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    auto v6 = [](uint16_t sport, uint16_t dport, uint8_t type) {
        return PacketBuilder().eth(kRogueMac, "33:33:00:01:00:02").ipv6("fe80::66", "fe80::c")
            .udp(sport, dport).payload({type, 0x12, 0x34, 0x56, 0, 1, 0, 0}).build();
    };
    for (uint8_t t : {2, 7, 10}) {
        CHECK(lab.run(v6(547, 546, t)) == Verdict::Drop);
        auto ev = only_event(lab.fx);
        CHECK(ev.kind == JALUR_DHCP_V6);
        CHECK(ev.msg_type == t);
        CHECK(ev.xid == 0x123456);
    }
    CHECK(lab.run(v6(547, 547, 13)) == Verdict::Drop); // RELAY-REPL
    CHECK(only_event(lab.fx).msg_type == 13);
    CHECK(lab.run(v6(546, 547, 1)) == Verdict::Pass); // SOLICIT
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
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    CHECK(lab.run(ra({})) == Verdict::Drop);
    CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA);

    CHECK(lab.run(ra({{IPPROTO_HOPOPTS, {}}, {IPPROTO_DSTOPTS, Bytes(30, 0)}})) == Verdict::Drop);
    CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA);

    // an atomic fragment and a first fragment that carries the ICMPv6 header
    CHECK(lab.run(ra({{IPPROTO_FRAGMENT, {0, 0, 0, 0, 0, 7}}})) == Verdict::Drop);
    CHECK(lab.run(ra({{IPPROTO_FRAGMENT, {0, 1, 0, 0, 0, 7}}})) == Verdict::Drop);
    CHECK(lab.fx.drain_dhcp_events().size() == 2);
}

TEST_CASE("an IPv6 packet from a possible router whose header chain cannot be walked is dropped in guard mode")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    std::vector<Ipv6Ext> deep(8, Ipv6Ext{IPPROTO_DSTOPTS, {}}); // more than the parser walks
    SECTION("guard: dropped and reported")
    {
        Lab lab(hook, JALUR_DHCP_GUARD);
        CHECK(lab.run(ra(deep)) == Verdict::Drop);
        auto ev = only_event(lab.fx);
        CHECK(ev.kind == JALUR_DHCP_RA_UNPARSED);
        CHECK(ev.flags == (JALUR_DHCP_EV_DROPPED | JALUR_DHCP_EV_CHAIN_DEPTH));
        CHECK(lab.fx.dp().dhcp_stats_sum().chain_depth == 1);
    }
    SECTION("not from a router: a hop limit under 255 cannot be an RA, but the hidden header may be DHCPv6's")
    {
        Lab lab(hook, JALUR_DHCP_GUARD);
        CHECK(lab.run(ra(deep, 64)) == Verdict::Drop);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_V6_UNPARSED);
    }
    SECTION("alert: passed and reported")
    {
        Lab lab(hook, JALUR_DHCP_ALERT);
        CHECK(lab.run(ra(deep)) == Verdict::Pass);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA_UNPARSED);
    }
}

namespace {

// Four unknown options of 255 bytes each (type 0x1e: skip if unknown), about
// 1 KB: Linux takes them (no more than 8 options, no PadN over 7 bytes).
Ipv6Ext kilobyte_of(uint8_t type)
{
    Bytes body;
    for (int i = 0; i < 4; i++) {
        body.push_back(0x1e);
        body.push_back(255);
        body.insert(body.end(), 255, 0xab);
    }
    return {type, body};
}

Bytes dhcp6(uint16_t sport, uint16_t dport, uint8_t type, std::vector<Ipv6Ext> exts = {},
            const char *src = "fe80::66", const char *dst = "fe80::c")
{
    PacketBuilder b;
    b.eth(kRogueMac, "02:00:00:00:00:0c").ipv6(src, dst);
    for (auto &e : exts)
        b.ipv6_ext(e);
    return b.udp(sport, dport).payload({type, 0x12, 0x34, 0x56, 0, 1, 0, 0}).build();
}

} // namespace

// Issue 18, finding 1: the walk's 1 KB bound returned "not a server
// message" before RA guard looked at the packet.
TEST_CASE("an RA or DHCPv6 message behind about 1 KB of extension headers is caught")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    auto type = GENERATE(uint8_t{IPPROTO_DSTOPTS}, uint8_t{IPPROTO_HOPOPTS});
    INFO("header " << int(type));
    SECTION("guard: dropped and reported")
    {
        Lab lab(hook, JALUR_DHCP_GUARD);
        CHECK(lab.run(ra({kilobyte_of(type)})) == Verdict::Drop);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA);
        CHECK(lab.run(dhcp6(547, 546, 2, {kilobyte_of(type)})) == Verdict::Drop);
        auto ev = only_event(lab.fx);
        CHECK(ev.kind == JALUR_DHCP_V6);
        CHECK(ev.msg_type == 2);
        CHECK(ev.xid == 0x123456);
        auto st = lab.fx.dp().dhcp_stats_sum();
        CHECK(st.inspected == 2);
        CHECK(st.dropped == 2);
    }
    SECTION("alert: passed and reported")
    {
        Lab lab(hook, JALUR_DHCP_ALERT);
        CHECK(lab.run(ra({kilobyte_of(type), {IPPROTO_DSTOPTS, {}}})) == Verdict::Pass);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_RA);
    }
}

// Issue 18, finding 2: only UDP from port 67 (547) was a server message.
TEST_CASE("a DHCP server message is caught whatever its source port")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    for (uint16_t sport : {1234, 68, 0, 546, 65535}) {
        INFO("source port " << sport);
        for (uint8_t t : {kOffer, kAck}) {
            auto f = PacketBuilder().eth(kRogueMac, "ff:ff:ff:ff:ff:ff").ipv4("192.0.2.66", "255.255.255.255")
                         .udp(sport, 68).payload(offer(t).build()).build();
            CHECK(lab.run(f) == Verdict::Drop);
            auto ev = only_event(lab.fx);
            CHECK(ev.kind == JALUR_DHCP_V4);
            CHECK(ev.msg_type == t);
        }
        // a BOOTREPLY to a relay agent
        auto to_relay = PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01").ipv4("192.0.2.66", "192.0.2.254")
                            .udp(sport, 67).payload(offer().build()).build();
        CHECK(lab.run(to_relay) == Verdict::Drop);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_V4);
        // DHCPv6 to a client, and a RELAY-REPL to a relay
        CHECK(lab.run(dhcp6(sport, 546, 7)) == Verdict::Drop);
        CHECK(only_event(lab.fx).msg_type == 7);
        CHECK(lab.run(dhcp6(sport, 547, 13)) == Verdict::Drop);
        CHECK(only_event(lab.fx).msg_type == 13);
    }
    // a client's own messages still pass: REQUEST to 67, SOLICIT to 547
    auto req = PacketBuilder().eth("02:00:00:00:00:0c", "ff:ff:ff:ff:ff:ff").ipv4("0.0.0.0", "255.255.255.255")
                   .udp(68, 67).payload(request(3).build()).build();
    CHECK(lab.run(req) == Verdict::Pass);
    CHECK(lab.run(dhcp6(546, 547, 1, {}, "fe80::c", "ff02::1:2")) == Verdict::Pass);
    CHECK(lab.fx.drain_dhcp_events().empty());
    CHECK(lab.fx.dp().dhcp_stats_sum().inspected == 25);
}

// A first fragment that ends before the bytes that tell a reply from a
// request: its other fragments give the receiver the whole message.
TEST_CASE("a first fragment that hides what follows the UDP or extension headers is caught")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    SECTION("IPv4: only the UDP header to a relay's port 67, the frame padded to 60 bytes")
    {
        auto f = PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01").ipv4("192.0.2.66", "192.0.2.254")
                     .ipv4_fragment(0, true).udp(1234, 67).build();
        REQUIRE(f.size() == 60);
        CHECK(lab.run(f) == Verdict::Drop);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_V4);
    }
    SECTION("IPv6: the ICMPv6 or UDP header left to the next fragment, to a multicast group")
    {
        // fragment header, then 8 bytes of destination options; the
        // upper-layer header would be in the second fragment
        auto cut_after_ext = [](uint8_t l4, uint8_t hop_limit) {
            auto f = PacketBuilder().eth(kRogueMac, "33:33:00:00:00:01").ipv6("fe80::66", "ff02::1")
                         .ipv6_fragment(0, true).ipv6_ext({IPPROTO_DSTOPTS, {}}).proto(l4).build();
            f.resize(14 + 40 + 8 + 8);
            f[14 + 4] = 0, f[14 + 5] = 16; // payload length: the two extension headers
            f[14 + 7] = hop_limit;
            return f;
        };
        CHECK(lab.run(cut_after_ext(IPPROTO_ICMPV6, 255)) == Verdict::Drop);
        auto ev = only_event(lab.fx);
        CHECK(ev.kind == JALUR_DHCP_RA_UNPARSED);
        CHECK(ev.flags == (JALUR_DHCP_EV_DROPPED | JALUR_DHCP_EV_CHAIN_TRUNCATED));
        CHECK(lab.run(cut_after_ext(IPPROTO_UDP, 64)) == Verdict::Drop);
        CHECK(only_event(lab.fx).kind == JALUR_DHCP_V6_UNPARSED);
        CHECK(lab.fx.dp().dhcp_stats_sum().chain_truncated == 2);
    }
}

TEST_CASE("IPv6 that cannot be walked but has no extension header to hide behind passes")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    // a UDP header cut by the frame's end: a host drops it, nothing hides
    auto f = PacketBuilder().eth(kRogueMac, "02:00:00:00:00:0c").ipv6("2001:db8::66", "2001:db8::c")
                 .udp(1234, 546).build();
    f.resize(14 + 40 + 4);
    f[14 + 5] = 4; // payload length
    CHECK(lab.run(f) == Verdict::Pass);
    CHECK(lab.fx.dp().dhcp_stats_sum().inspected == 0);
}

TEST_CASE("the rate limit bounds events per source MAC and counts every suppressed message exactly")
{
    auto hook = EACH_HOOK;
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    uint32_t zero = 0;
    jalur_dhcp_config cfg{5, 8, 3600ull * 1000000000ull};
    REQUIRE(lab.fx.dp().dhcp_config().update(&zero, &cfg));
    for (int i = 0; i < 100; i++)
        lab.run(dhcp4(offer()));
    // another MAC gets its own budget, up to the all-sources limit of 8
    for (int i = 0; i < 10; i++)
        lab.run(dhcp4(offer(), "02:00:00:00:07:77"));
    auto evs = lab.fx.drain_dhcp_events();
    auto st = lab.fx.dp().dhcp_stats_sum();
    CHECK(evs.size() == 8);
    CHECK(st.events == 8);
    CHECK(st.suppressed == 102);
    CHECK(st.events + st.suppressed + st.ringbuf_full == 110);
    CHECK(st.dropped == 110); // the limit applies to reports, never to guarding
}

TEST_CASE("the bridge-port programs inspect and otherwise pass without balancing")
{
    auto hook = GENERATE(Hook::XdpPort, Hook::TcPort);
    INFO("program " << hook);
    Lab lab(hook, JALUR_DHCP_GUARD);
    lab.fx.add_wan(0);
    lab.fx.set_policy(0, {{0, 1, "isp1"}});
    lab.fx.set_default_policy(0);
    CHECK(lab.run(dhcp4(offer())) == Verdict::Drop);
    CHECK(only_event(lab.fx).msg_type == kOffer);
    auto syn = PacketBuilder().eth().ipv4("192.0.2.10", "198.51.100.10").tcp(40000, 80).build();
    if (hook == Hook::XdpPort) {
        auto res = lab.fx.run_xdp_port(syn);
        CHECK(res.action == XDP_PASS);
        CHECK_FALSE(res.meta.has_value());
    } else {
        auto res = lab.fx.run_tc_port(syn, kPort);
        CHECK(res.action == TC_ACT_OK);
        CHECK(res.mark == 0);
    }
    CHECK(lab.fx.flow_count() == 0);
}

namespace {

// What one inspection left behind: its verdict, its events, its counters.
struct Outcome {
    Verdict verdict;
    std::vector<jalur_dhcp_event> events;
    jalur_dhcp_stats stats;
};

// The lab is reused across frames (a load costs about a second): with no
// rate limit configured no state carries over from one frame to the next
// but the counters, which are taken as a difference.
Outcome outcome(Lab &lab, const Bytes &frame)
{
    auto before = lab.fx.dp().dhcp_stats_sum();
    auto v = lab.run(frame);
    auto evs = lab.fx.drain_dhcp_events();
    auto after = lab.fx.dp().dhcp_stats_sum();
    return {v, evs, dhcp_stats_minus(after, before)};
}

Bytes with_ethertype(Bytes f, uint16_t type)
{
    f[12] = static_cast<uint8_t>(type >> 8);
    f[13] = static_cast<uint8_t>(type);
    return f;
}

Bytes icmp6_from(const char *src, uint8_t type, uint8_t hop_limit = 255)
{
    // as in ra(): the builder's 8-byte echo header, its type rewritten
    auto f = PacketBuilder().eth(kRogueMac, "33:33:00:00:00:01").ipv6(src, "ff02::1").proto(IPPROTO_ICMPV6)
                 .payload(Bytes(8, 0)).build();
    f[f.size() - 16] = type;
    f[14 + 7] = hop_limit;
    return f;
}

} // namespace

// jalur_tc_port lets most traffic go after a look at the linear header; the
// frames here sit on either side of that first look, and on each the tc
// program must come to what the XDP port program comes to.
TEST_CASE("the tc port program and the XDP port program agree frame by frame")
{
    std::vector<std::pair<const char *, Bytes>> frames = {
        {"TCP", tcp_syn("192.0.2.10", "198.51.100.10", 40000, 80)},
        {"DNS", udp_datagram("192.0.2.10", "198.51.100.10", 5353, 53)},
        {"DISCOVER", PacketBuilder().eth("02:00:00:00:00:0c", "ff:ff:ff:ff:ff:ff").ipv4("0.0.0.0", "255.255.255.255")
                         .udp(68, 67).payload(request(1).build()).build()},
        {"OFFER from port 1234", PacketBuilder().eth(kRogueMac, "ff:ff:ff:ff:ff:ff").ipv4("192.0.2.66", "255.255.255.255")
                                     .udp(1234, 68).payload(offer().build()).build()},
        {"OFFER", dhcp4(offer())},
        {"relay forwarding a request", PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01")
                                           .ipv4("192.0.2.254", "192.0.2.1").udp(67, 67)
                                           .payload([] { auto m = offer(); m.op = 1; return m.build(); }()).build()},
        {"a later fragment that looks like port 67", PacketBuilder().eth(kRogueMac, "ff:ff:ff:ff:ff:ff")
                                                        .ipv4("192.0.2.66", "255.255.255.255").ipv4_fragment(8, false)
                                                        .proto(IPPROTO_UDP).payload({0, 67, 0, 68, 0, 16, 0, 0}).build()},
        {"IPv6 inside an IPv4 ethertype", with_ethertype(icmp6_from("fe80::66", 134), 0x0800)},
        {"ARP ethertype", with_ethertype(tcp_syn("192.0.2.10", "198.51.100.10", 40000, 80), 0x0806)},
        {"IPv6 TCP", tcp_syn("2001:db8::10", "2001:db8:1::10", 40000, 443)},
        {"DHCPv6 ADVERTISE", PacketBuilder().eth(kRogueMac, "33:33:00:01:00:02").ipv6("fe80::66", "fe80::c")
                                 .udp(547, 546).payload({2, 0x12, 0x34, 0x56}).build()},
        {"DHCPv6 ADVERTISE behind hop-by-hop", PacketBuilder().eth(kRogueMac, "33:33:00:01:00:02")
                                                   .ipv6("2001:db8::66", "2001:db8::c").ipv6_ext({IPPROTO_HOPOPTS, {}})
                                                   .udp(547, 546).payload({2, 0x12, 0x34, 0x56}).build()},
        {"DHCPv6 from a client port", PacketBuilder().eth(kRogueMac, "33:33:00:01:00:02").ipv6("fe80::c", "ff02::1:2")
                                          .udp(546, 547).payload({1, 0x12, 0x34, 0x56}).build()},
        {"ICMPv6 echo", icmp6_from("2001:db8::66", 128, 64)},
        {"RA", icmp6_from("fe80::66", 134)},
        {"RA from a global address", icmp6_from("2001:db8::66", 134)},
        {"neighbour solicitation", icmp6_from("fe80::66", 135)},
        {"a possible router behind too many headers", ra(std::vector<Ipv6Ext>(8, Ipv6Ext{IPPROTO_DSTOPTS, {}}))},
        {"too many headers, hop limit 64", ra(std::vector<Ipv6Ext>(8, Ipv6Ext{IPPROTO_DSTOPTS, {}}), 64)},
        {"RA behind 1 KB of destination options", ra({kilobyte_of(IPPROTO_DSTOPTS)})},
        {"DHCPv6 REPLY from port 1234", dhcp6(1234, 546, 7)},
        {"a first fragment of only the UDP header to port 67",
         PacketBuilder().eth(kRogueMac, "02:00:00:00:00:01").ipv4("192.0.2.66", "192.0.2.254")
             .ipv4_fragment(0, true).udp(1234, 67).build()},
        {"IPv6 TCP with its header cut", [] {
             auto f = tcp_syn("2001:db8::10", "2001:db8:1::10", 40000, 443);
             f.resize(14 + 40 + 10);
             return f;
         }()},
        {"802.1Q OFFER", PacketBuilder().eth(kRogueMac, "ff:ff:ff:ff:ff:ff").vlan(42)
                             .ipv4("192.0.2.66", "255.255.255.255").udp(67, 68).payload(offer().build()).build()},
        {"QinQ TCP", PacketBuilder().eth().vlan(100, 0x88a8).vlan(42).ipv4("192.0.2.10", "198.51.100.10")
                         .tcp(40000, 80).build()},
    };
    Lab xdp(Hook::XdpPort, JALUR_DHCP_GUARD), tc(Hook::TcPort, JALUR_DHCP_GUARD);
    size_t dropped = 0;
    for (const auto &[what, frame] : frames) {
        INFO(what);
        auto x = outcome(xdp, frame);
        auto t = outcome(tc, frame);
        dropped += x.verdict == Verdict::Drop;
        CHECK(t.verdict == x.verdict);
        REQUIRE(t.events.size() == x.events.size());
        for (size_t i = 0; i < x.events.size(); i++) {
            CHECK(t.events[i].kind == x.events[i].kind);
            CHECK(t.events[i].msg_type == x.events[i].msg_type);
            CHECK(t.events[i].flags == x.events[i].flags);
            CHECK(t.events[i].xid == x.events[i].xid);
            CHECK(t.events[i].vlan == x.events[i].vlan);
            CHECK(t.events[i].ifindex == x.events[i].ifindex);
        }
        CHECK(t.stats.inspected == x.stats.inspected);
        CHECK(t.stats.events == x.stats.events);
        CHECK(t.stats.dropped == x.stats.dropped);
        CHECK(t.stats.malformed == x.stats.malformed);
    }
    CHECK(dropped == 12); // both sides of the first look are covered
}
