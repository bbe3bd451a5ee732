// SPDX-License-Identifier: GPL-2.0-only
// The rogue DHCP/RA guard against mutated frames: real DHCPv4, DHCPv6, RAs
// (also behind extension headers), VLAN/QinQ and fragments, mutated from a
// fixed seed (byte flips, truncation, inserted extension headers, port and
// source changes), through the LAN and bridge-port programs, each verdict
// judged by an independent reference (tests/support/reference_guard.cpp),
// each run's counters checked against it, and the totals against each other.
#include "support/bpf_fixture.h"
#include "support/reference_guard.h"

#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>

using namespace jalur;
using namespace jalur::test;

namespace
{

constexpr uint32_t kPort = 1; // test runs arrive on lo
constexpr size_t kFrames = 3000;
constexpr uint32_t kSeed = 18;
constexpr size_t kMaxFrame = 3000; // a test run takes a frame of at most a page, less head- and tailroom

// Deterministic on every standard library: the engine's output is specified,
// the distributions are not, so none is used.
struct Rng {
    std::mt19937 g{kSeed};
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(g() % n); }
    bool chance(uint32_t percent) { return below(100) < percent; }
};

const char *kRogue = "02:00:00:00:06:66";

DhcpMessage dhcp4_message(uint8_t op, uint8_t type)
{
    DhcpMessage m;
    m.op = op;
    m.xid = 0x1234abcd;
    m.yiaddr = op == 2 ? ipv4("192.0.2.150") : std::array<uint8_t, 4>{};
    m.chaddr = mac("02:00:00:00:00:0c");
    m.options = dhcp_option(53, {type});
    auto sid = dhcp_option(54, {192, 0, 2, 66});
    m.options.insert(m.options.end(), sid.begin(), sid.end());
    auto router = dhcp_option(3, {192, 0, 2, 66});
    m.options.insert(m.options.end(), router.begin(), router.end());
    m.options.push_back(255);
    return m;
}

Bytes dhcp6_message(uint8_t type)
{
    // msg-type, transaction id, then a client identifier and a server identifier
    Bytes m{type, 0x12, 0x34, 0x56, 0, 1,  0, 10, 0, 3, 0, 1, 2, 0, 0, 0,
            0,    12,   0,    2,    0, 10, 0, 3,  0, 1, 2, 0, 0, 0, 6, 0x66};
    return m;
}

// RFC 4861 4.2: an RA with a prefix information option for SLAAC
Bytes ra_body()
{
    Bytes b{64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0};
    Bytes pio{3, 4, 64, 0xc0, 0, 0, 0x0e, 0x10, 0, 0, 0x0e, 0x10, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad};
    pio.resize(32, 0);
    b.insert(b.end(), pio.begin(), pio.end());
    return b;
}

// The builder writes an ICMPv6 echo header (8 bytes): made another type's
// by rewriting its type, the rest of the message following as payload.
Bytes icmp6(PacketBuilder b, uint8_t type, Bytes rest, uint8_t hop_limit = 255, size_t l3 = 14)
{
    auto f = b.proto(IPPROTO_ICMPV6).payload({}).build();
    // the builder padded the frame to 60 bytes; the message is its own length
    size_t ip_end = l3 + 40 + (f[l3 + 4] << 8 | f[l3 + 5]);
    f.resize(ip_end);
    f[ip_end - 8] = type;
    Bytes tail(rest.begin() + 4, rest.end());
    std::copy(rest.begin(), rest.begin() + 4, f.end() - 4);
    f.insert(f.end(), tail.begin(), tail.end());
    size_t plen = f.size() - l3 - 40;
    f[l3 + 4] = static_cast<uint8_t>(plen >> 8), f[l3 + 5] = static_cast<uint8_t>(plen);
    f[l3 + 7] = hop_limit;
    return f;
}

Ipv6Ext unknown_options(size_t bytes)
{
    Bytes body;
    while (body.size() + 2 + 2 <= bytes) {
        size_t len = std::min<size_t>(255, bytes - body.size() - 2 - 2);
        body.push_back(0x1e);
        body.push_back(static_cast<uint8_t>(len));
        body.insert(body.end(), len, 0xab);
    }
    return {IPPROTO_DSTOPTS, body};
}

std::vector<Bytes> seeds()
{
    std::vector<Bytes> s;
    auto v4 = [](PacketBuilder &b) -> PacketBuilder & { return b.eth(kRogue, "ff:ff:ff:ff:ff:ff"); };
    for (uint8_t type : {2, 5, 6}) { // OFFER ACK NAK
        PacketBuilder b;
        s.push_back(
            v4(b).ipv4("192.0.2.66", "255.255.255.255").udp(67, 68).payload(dhcp4_message(2, type).build()).build());
    }
    for (uint8_t type : {1, 3}) { // DISCOVER REQUEST
        s.push_back(PacketBuilder()
                        .eth("02:00:00:00:00:0c", "ff:ff:ff:ff:ff:ff")
                        .ipv4("0.0.0.0", "255.255.255.255")
                        .udp(68, 67)
                        .payload(dhcp4_message(1, type).build())
                        .build());
    }
    s.push_back(PacketBuilder()
                    .eth(kRogue, "02:00:00:00:00:01")
                    .ipv4("192.0.2.66", "192.0.2.254")
                    .udp(67, 67)
                    .payload(dhcp4_message(2, 2).build())
                    .build());
    s.push_back(PacketBuilder()
                    .eth(kRogue)
                    .vlan(42)
                    .ipv4("192.0.2.66", "255.255.255.255")
                    .udp(67, 68)
                    .payload(dhcp4_message(2, 5).build())
                    .build());
    s.push_back(PacketBuilder()
                    .eth(kRogue)
                    .vlan(100, 0x88a8)
                    .vlan(42)
                    .ipv4("192.0.2.66", "255.255.255.255")
                    .udp(67, 68)
                    .payload(dhcp4_message(2, 2).build())
                    .build());
    // an OFFER's first fragment (the UDP header and part of the message), and a later one
    auto head = dhcp4_message(2, 2).build();
    head.resize(64);
    s.push_back(PacketBuilder()
                    .eth(kRogue)
                    .ipv4("192.0.2.66", "255.255.255.255")
                    .ipv4_fragment(0, true)
                    .udp(67, 68)
                    .payload(head)
                    .build());
    s.push_back(PacketBuilder()
                    .eth(kRogue)
                    .ipv4("192.0.2.66", "255.255.255.255")
                    .ipv4_fragment(72, false)
                    .proto(IPPROTO_UDP)
                    .payload(Bytes(40, 0))
                    .build());

    for (uint8_t type : {2, 7, 10}) // ADVERTISE REPLY RECONFIGURE
        s.push_back(PacketBuilder()
                        .eth(kRogue, "02:00:00:00:00:0c")
                        .ipv6("fe80::66", "fe80::c")
                        .udp(547, 546)
                        .payload(dhcp6_message(type))
                        .build());
    s.push_back(PacketBuilder()
                    .eth("02:00:00:00:00:0c", "33:33:00:01:00:02")
                    .ipv6("fe80::c", "ff02::1:2")
                    .udp(546, 547)
                    .payload(dhcp6_message(1))
                    .build());
    s.push_back(PacketBuilder()
                    .eth(kRogue)
                    .ipv6("2001:db8::66", "2001:db8::1")
                    .udp(547, 547)
                    .payload(dhcp6_message(13))
                    .build());
    s.push_back(PacketBuilder()
                    .eth(kRogue)
                    .ipv6("2001:db8::1", "2001:db8::66")
                    .udp(547, 547)
                    .payload(dhcp6_message(12))
                    .build());
    s.push_back(PacketBuilder()
                    .eth(kRogue, "02:00:00:00:00:0c")
                    .ipv6("fe80::66", "fe80::c")
                    .ipv6_ext({IPPROTO_HOPOPTS, {}})
                    .udp(547, 546)
                    .payload(dhcp6_message(2))
                    .build());
    s.push_back(PacketBuilder()
                    .eth(kRogue, "02:00:00:00:00:0c")
                    .vlan(7)
                    .ipv6("fe80::66", "fe80::c")
                    .udp(547, 546)
                    .payload(dhcp6_message(7))
                    .build());

    auto ra = [](std::vector<Ipv6Ext> exts, size_t l3 = 14, bool tagged = false) {
        PacketBuilder b;
        b.eth(kRogue, "33:33:00:00:00:01");
        if (tagged)
            b.vlan(100, 0x88a8).vlan(42);
        b.ipv6("fe80::66", "ff02::1");
        for (auto &e : exts)
            b.ipv6_ext(e);
        return icmp6(b, 134, ra_body(), 255, l3);
    };
    s.push_back(ra({}));
    s.push_back(ra({}, 22, true));
    s.push_back(ra({{IPPROTO_HOPOPTS, {}}}));
    s.push_back(ra({unknown_options(1032)}));
    s.push_back(ra({{IPPROTO_HOPOPTS, {}}, {IPPROTO_DSTOPTS, Bytes(30, 0)}, {IPPROTO_ROUTING, {0, 0, 0, 0, 0, 0}}}));
    s.push_back(ra({{IPPROTO_FRAGMENT, {0, 1, 0, 0, 0, 7}}}));
    s.push_back(ra({{IPPROTO_FRAGMENT, {0, 0, 0, 0, 0, 7}}}));
    s.push_back(
        icmp6(PacketBuilder().eth(kRogue, "33:33:ff:00:00:0c").ipv6("fe80::66", "ff02::1:ff00:c"), 135, Bytes(20, 0)));
    s.push_back(icmp6(PacketBuilder().eth(kRogue).ipv6("2001:db8::66", "2001:db8::1"), 128, Bytes(8, 1), 64));
    // a later IPv6 fragment, and ordinary traffic
    s.push_back(PacketBuilder()
                    .eth(kRogue)
                    .ipv6("fe80::66", "ff02::1")
                    .ipv6_fragment(64, false)
                    .proto(IPPROTO_ICMPV6)
                    .payload(Bytes(24, 0))
                    .build());
    s.push_back(tcp_syn("192.0.2.10", "198.51.100.10", 40000, 80));
    s.push_back(tcp_syn("2001:db8::10", "2001:db8:1::10", 40000, 443));
    s.push_back(udp_datagram("192.0.2.10", "198.51.100.10", 5353, 53));
    s.push_back(PacketBuilder()
                    .eth()
                    .ipv6("2001:db8::10", "2001:db8:1::10")
                    .ipv6_ext({IPPROTO_DSTOPTS, {}})
                    .udp(5353, 53)
                    .payload(Bytes(20, 1))
                    .build());
    return s;
}

// Where a frame's IP header and upper-layer header are, as far as a simple
// walk finds them (the mutations aim at them; nothing is judged by this).
struct Layout {
    size_t l3 = 0, l4 = 0;
    int family = 0;
    size_t first_ext = 0; // IPv6: where the chain's headers start
};

Layout layout(const Bytes &f)
{
    Layout l;
    size_t at = 12;
    while (at + 4 <= f.size() && (f[at] << 8 | f[at + 1]) != 0x0800 && (f[at] << 8 | f[at + 1]) != 0x86dd &&
           at < 12 + 4 * 3)
        at += 4;
    if (at + 2 > f.size())
        return l;
    l.l3 = at + 2;
    uint16_t type = static_cast<uint16_t>(f[at] << 8 | f[at + 1]);
    if (type == 0x0800 && l.l3 + 20 <= f.size()) {
        l.family = 4;
        l.l4 = l.l3 + (f[l.l3] & 15u) * 4;
    } else if (type == 0x86dd && l.l3 + 40 <= f.size()) {
        l.family = 6;
        l.first_ext = l.l3 + 40;
        uint8_t nh = f[l.l3 + 6];
        size_t p = l.l3 + 40;
        for (int i = 0; i < 12 && (nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51) && p + 2 <= f.size(); i++) {
            size_t len = nh == 44 ? 8 : nh == 51 ? (f[p + 1] + 2u) * 4 : (f[p + 1] + 1u) * 8;
            nh = f[p];
            p += len;
        }
        l.l4 = p;
    }
    return l;
}

void set16(Bytes &f, size_t at, size_t v)
{
    if (at + 2 <= f.size())
        f[at] = static_cast<uint8_t>(v >> 8), f[at + 1] = static_cast<uint8_t>(v);
}

// Makes the IP (and UDP) lengths agree with the frame again.
void fix_lengths(Bytes &f)
{
    auto l = layout(f);
    if (l.family == 4) {
        set16(f, l.l3 + 2, f.size() - l.l3);
        if (l.l4 + 8 <= f.size() && f[l.l3 + 9] == IPPROTO_UDP)
            set16(f, l.l4 + 4, f.size() - l.l4);
    } else if (l.family == 6) {
        set16(f, l.l3 + 4, f.size() - l.l3 - 40);
    }
}

// An extension header at the front of the chain (RFC 8200 4.1 order aside).
void insert_extension(Bytes &f, Rng &rng)
{
    auto l = layout(f);
    if (l.family != 6)
        return;
    static const uint8_t types[] = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT, IPPROTO_AH};
    uint8_t type = types[rng.below(5)];
    Bytes h;
    if (type == IPPROTO_FRAGMENT) {
        uint16_t off = rng.chance(70) ? 0 : static_cast<uint16_t>(8 * (1 + rng.below(100)));
        h = {0, 0, static_cast<uint8_t>(off >> 8), static_cast<uint8_t>((off & 0xf8) | rng.below(2)), 0, 0, 0, 9};
    } else if (type == IPPROTO_AH) {
        h = {0, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; // 24 bytes: (4 + 2) * 4
    } else {
        // up to about 1.2 KB of unknown options
        size_t bytes = rng.chance(50) ? 8 : 8 * (1 + rng.below(150));
        auto e = unknown_options(bytes);
        h = {0, static_cast<uint8_t>(bytes / 8 - 1)};
        h.insert(h.end(), e.body.begin(), e.body.end());
        h.resize(bytes, 0);
    }
    h[0] = f[l.l3 + 6];
    f[l.l3 + 6] = type;
    f.insert(f.begin() + static_cast<long>(l.first_ext), h.begin(), h.end());
    fix_lengths(f);
}

void mutate(Bytes &f, Rng &rng)
{
    auto l = layout(f);
    switch (rng.below(9)) {
    case 0: // flip bytes anywhere
        for (uint32_t i = 0, n = 1 + rng.below(3); i < n; i++)
            f[rng.below(static_cast<uint32_t>(f.size()))] ^= static_cast<uint8_t>(1 + rng.below(255));
        break;
    case 1: // flip a header byte
        f[rng.below(static_cast<uint32_t>(std::min<size_t>(f.size(), l.l4 + 12)))] ^=
            static_cast<uint8_t>(1 << rng.below(8));
        break;
    case 2: // cut the frame, lengths left as they were
        f.resize(14 + rng.below(static_cast<uint32_t>(f.size() - 13)));
        break;
    case 3: // cut the frame as a fragment would: lengths agree
        f.resize(std::max<size_t>(l.l4 ? l.l4 - 8 : 14, 14 + rng.below(static_cast<uint32_t>(f.size() - 13))));
        fix_lengths(f);
        break;
    case 4:
    case 5:
        insert_extension(f, rng);
        break;
    case 6: { // a port: a DHCP one or any
        static const uint16_t ports[] = {67, 68, 546, 547, 1234, 53};
        uint16_t port = rng.chance(80) ? ports[rng.below(6)] : static_cast<uint16_t>(rng.below(65536));
        set16(f, l.l4 + (rng.chance(50) ? 0 : 2), port);
        break;
    }
    case 7: // the first byte after the UDP header: the BOOTP op, the DHCPv6 msg-type
        if (l.l4 + 9 <= f.size())
            f[l.l4 + 8] = static_cast<uint8_t>(rng.below(16));
        break;
    case 8: // a possible router: link-local source, hop limit 255
        if (l.family == 6 && l.l3 + 40 <= f.size()) {
            f[l.l3 + 7] = rng.chance(80) ? 255 : 64;
            f[l.l3 + 8] = 0xfe, f[l.l3 + 9] = 0x80;
        }
        break;
    }
}

enum class Prog { XdpLan, XdpPort, TcPort };

struct Run {
    bool drop;
    std::vector<jalur_dhcp_event> events;
    jalur_dhcp_stats delta;
};

// nullopt: the kernel builds no skb of this frame (a test run's limit: an
// IP ethertype with a cut IP header), so tc never sees it.
std::optional<Run> run(BpfFixture &fx, Prog prog, const Bytes &frame)
{
    auto before = fx.dp().dhcp_stats_sum();
    bool drop;
    if (prog == Prog::TcPort) {
        auto r = fx.try_run_tc_port(frame, kPort);
        if (!r)
            return std::nullopt;
        drop = r->action == TC_ACT_SHOT;
    } else {
        drop = (prog == Prog::XdpLan ? fx.run_xdp(frame) : fx.run_xdp_port(frame)).action == XDP_DROP;
    }
    auto events = fx.drain_dhcp_events();
    return Run{drop, events, dhcp_stats_minus(fx.dp().dhcp_stats_sum(), before)};
}

std::string hex(const Bytes &f)
{
    std::ostringstream o;
    for (size_t i = 0; i < f.size() && i < 160; i++)
        o << "0123456789abcdef"[f[i] >> 4] << "0123456789abcdef"[f[i] & 15];
    return o.str();
}

} // namespace

TEST_CASE("the guard's verdicts on thousands of mutated frames agree with a reference written from the RFCs")
{
    auto started = std::chrono::steady_clock::now();
    auto base = seeds();
    Rng rng;
    BpfFixture fx;
    const Prog progs[] = {Prog::XdpLan, Prog::XdpPort, Prog::TcPort};
    const char *names[] = {"jalur_xdp_lan", "jalur_xdp_port", "jalur_tc_port"};
    jalur_dhcp_stats expected_total{};
    size_t judged = 0, undetermined = 0, server_messages = 0, unparsed = 0, drops = 0, events = 0, mismatches = 0;
    std::map<std::string, size_t> disagreements; // by the reference's reason

    for (size_t i = 0; i < kFrames; i++) {
        Bytes f = base[rng.below(static_cast<uint32_t>(base.size()))];
        for (uint32_t m = 0, n = rng.below(4); m < n; m++)
            mutate(f, rng);
        if (f.size() > kMaxFrame)
            f.resize(kMaxFrame);
        uint32_t mode = rng.chance(50) ? JALUR_DHCP_GUARD : JALUR_DHCP_ALERT;
        bool trusted = rng.chance(15);
        fx.inspect_port(kPort, mode, trusted);
        auto want = reference_guard(f, mode, trusted);
        (want.indeterminate ? undetermined : judged)++;
        server_messages += want.kind != 0;
        unparsed += want.chain != 0;

        for (int p = 0; p < 3; p++) {
            auto ran = run(fx, progs[p], f);
            if (!ran)
                continue;
            auto &got = *ran;
            drops += got.drop;
            events += got.events.size();
            // the counters add up on every run, judged or not
            auto &d = got.delta;
            bool adds_up = d.inspected == d.trusted + d.events + d.suppressed + d.ringbuf_full &&
                           d.chain_depth + d.chain_length + d.chain_truncated <= d.inspected &&
                           d.events == got.events.size() && d.dropped == (got.drop && d.inspected ? 1u : 0u);
            if (!adds_up && ++mismatches <= 10) {
                FAIL_CHECK("counters do not add up: " << names[p] << " frame " << i << " " << hex(f));
            }
            if (want.indeterminate)
                continue;
            expected_total.inspected += want.counters.inspected;
            uint32_t chain = got.events.empty()
                                 ? 0
                                 : got.events[0].flags & (JALUR_DHCP_EV_CHAIN_DEPTH | JALUR_DHCP_EV_CHAIN_LENGTH |
                                                          JALUR_DHCP_EV_CHAIN_TRUNCATED);
            bool agrees = got.drop == want.drop && d.inspected == want.counters.inspected &&
                          d.trusted == want.counters.trusted && d.events == want.counters.events &&
                          d.dropped == want.counters.dropped && d.chain_depth == want.counters.chain_depth &&
                          d.chain_length == want.counters.chain_length &&
                          d.chain_truncated == want.counters.chain_truncated &&
                          (got.events.empty() || (got.events[0].kind == want.kind && chain == want.chain));
            if (!agrees)
                disagreements[want.why]++;
            if (!agrees && ++mismatches <= 10) {
                FAIL_CHECK(names[p] << " frame " << i << " (" << (mode == JALUR_DHCP_GUARD ? "guard" : "alert")
                                    << (trusted ? ", trusted" : "") << "): the reference says "
                                    << (want.drop ? "drop" : "pass") << ", kind " << int(want.kind) << ", chain "
                                    << want.chain << " (" << want.why << "); the program "
                                    << (got.drop ? "dropped" : "passed") << " it with " << got.events.size()
                                    << " event(s), kind " << (got.events.empty() ? 0 : int(got.events[0].kind))
                                    << ", chain " << chain << ", inspected " << d.inspected << "\n  " << hex(f));
            }
        }
    }
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::ostringstream by_reason;
    for (const auto &[why, n] : disagreements)
        by_reason << "\n  " << n << " runs: " << why;
    INFO("disagreements by the reference's reason:" << by_reason.str());
    CHECK(mismatches == 0);
    INFO(kFrames << " frames in " << secs << " s: " << judged << " judged, " << undetermined
                 << " not (their IP length ends early), " << server_messages << " server messages, " << unparsed
                 << " unwalked chains");
    // every program inspected what the reference expects, over all frames
    auto total = fx.dp().dhcp_stats_sum();
    CHECK(total.inspected >= expected_total.inspected);
    CHECK(total.inspected == total.trusted + total.events + total.suppressed + total.ringbuf_full);
    CHECK(total.events == events);
    CHECK(total.dropped == drops);
    // the mutations reach every part of the guard, and most frames are judged
    CHECK(judged > kFrames * 8 / 10);
    CHECK(server_messages > kFrames / 4);
    CHECK(unparsed > kFrames / 20);
    CHECK(server_messages < judged);
    CHECK(secs < 30);
}
