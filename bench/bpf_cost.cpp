// SPDX-License-Identifier: GPL-2.0-only
// Per-packet cost of the data path with BPF_PROG_TEST_RUN: the kernel times
// the program runs itself (opts.duration), so the syscall is not in the
// numbers. Not a test: prints Markdown tables, each after a line "@@ NAME"
// (bench/run_all.sh slots them into docs/BENCHMARKS.md); progress goes to
// stderr.
//
//   bench/bpf_cost [repeat] [section...]     (root; default repeat 1000000)
//
// Sections (default: all; about 1.5 minutes on a 2-core VM):
//   base   established and new flows, IPv4/IPv6, XDP and tc
//   dhcp   a DHCP OFFER through the LAN XDP program and the bridge-port
//          program: untrusted (over the rate limit, reported, guard) and
//          trusted (by MAC, by port)
//   flows  established and new-flow cost with 1k, 10k, 100k, 1M flows in
//          the table
//   rules  new-flow cost with 10, 100, 1k, 10k prefixes in the rules' LPM
//          tries (10 rules)
//
// How XDP is timed. A test run with `repeat` runs the program again and
// again on the same xdp_buff without resetting it, and jalur_xdp_lan grows
// the metadata by 8 bytes on every run (bpf_xdp_adjust_meta): after 27 runs
// the headroom is gone and every further repetition returns at the first
// line, unclassified. So the LAN XDP program is timed one run per call,
// alternating with an empty program (two instructions) on the same frame,
// and its cost is the difference of the two means (each without its slowest
// 1 %, interrupts): the kernel's timer and per-call overhead cancel out. The
// tc program and the bridge-port program change nothing between
// repetitions; they are also timed with `repeat`, which agrees. Every row
// checks the data path's own counters: each run was classified (or
// inspected) as intended.
#include "datapath/map_keys.h"
#include "support/bpf_fixture.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace jalur;
using namespace jalur::test;

namespace {

int g_repeat = 1000000;       // repetitions where repeat is valid
constexpr int kFresh = 20000; // distinct frames (new flows, random flows)
int g_calls = 100000;         // one-run-per-call samples of the same frame

void progress(const std::string &what) { std::fprintf(stderr, "bpf_cost: %s\n", what.c_str()); }

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bpf_cost: %s\n", what.c_str());
    std::exit(1);
}

void check(const Result<void> &r, const char *what)
{
    if (!r)
        die(std::string(what) + ": " + r.error().message);
}

uint32_t run(int prog_fd, const Bytes &frame, int repeat, bool xdp)
{
    Bytes out(frame.size() + 512);
    xdp_md xctx{};
    xctx.data_end = static_cast<uint32_t>(frame.size());
    __sk_buff sctx{};
    sctx.ingress_ifindex = 1;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_out = out.data(),
                .data_size_in = static_cast<uint32_t>(frame.size()), .data_size_out = static_cast<uint32_t>(out.size()),
                .ctx_in = xdp ? static_cast<const void *>(&xctx) : &sctx,
                .ctx_size_in = static_cast<uint32_t>(xdp ? sizeof(xctx) : sizeof(sctx)), .repeat = repeat);
    if (bpf_prog_test_run_opts(prog_fd, &opts) != 0) {
        std::perror("BPF_PROG_TEST_RUN");
        std::exit(1);
    }
    return opts.duration;
}

// Median of 5 runs of `repeat` repetitions each (only where repeating is valid).
uint32_t repeated(int prog_fd, const Bytes &frame, bool xdp)
{
    std::vector<uint32_t> v;
    for (int i = 0; i < 5; i++)
        v.push_back(run(prog_fd, frame, g_repeat, xdp));
    std::sort(v.begin(), v.end());
    return v[2];
}

// The program's cost per repetition over the empty program's, median of 9
// pairs run back to back: this VM's speed drifts between runs by more
// than the difference being measured, and a pair sees the same drift.
double repeated_net(int prog_fd, int empty_fd, const Bytes &frame, bool xdp)
{
    std::vector<double> v;
    for (int i = 0; i < 9; i++) {
        double e = run(empty_fd, frame, g_repeat, xdp);
        v.push_back(run(prog_fd, frame, g_repeat, xdp) - e);
    }
    std::sort(v.begin(), v.end());
    return v[4];
}

// A program of two instructions (return PASS / OK): the per-call overhead.
int empty_prog(bool xdp)
{
    bpf_insn insns[2] = {};
    insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
    insns[0].dst_reg = BPF_REG_0;
    insns[0].imm = xdp ? 2 /* XDP_PASS */ : 0 /* TC_ACT_OK */;
    insns[1].code = BPF_JMP | BPF_EXIT;
    int fd = bpf_prog_load(xdp ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SCHED_CLS, xdp ? "empty_xdp" : "empty_tc", "GPL",
                           insns, 2, nullptr);
    if (fd < 0)
        die("loading the empty program failed");
    return fd;
}

double trimmed_mean(std::vector<uint32_t> v)
{
    std::sort(v.begin(), v.end());
    size_t keep = v.size() - v.size() / 100; // the slowest 1 %: interrupts, preemption
    double sum = 0;
    for (size_t i = 0; i < keep; i++)
        sum += v[i];
    return sum / static_cast<double>(keep);
}

struct Cost {
    double prog = 0, empty = 0;
    double net() const { return prog - empty; }
};

// One run per call of `prog` on each frame, alternating with the empty
// program on the same frame. `between` runs after each frame (not timed).
Cost per_call(int prog, int empty, const std::vector<Bytes> &frames, bool xdp,
              const std::function<void(size_t)> &between = nullptr)
{
    std::vector<uint32_t> p, e;
    p.reserve(frames.size());
    e.reserve(frames.size());
    for (size_t i = 0; i < frames.size(); i++) {
        e.push_back(run(empty, frames[i], 1, xdp));
        p.push_back(run(prog, frames[i], 1, xdp));
        if (between)
            between(i);
    }
    return {trimmed_mean(p), trimmed_mean(e)};
}

Cost per_call_same(int prog, int empty, const Bytes &frame, bool xdp)
{
    return per_call(prog, empty, std::vector<Bytes>(g_calls, frame), xdp);
}

std::string ns(double v) { return std::to_string(static_cast<long long>(v + (v < 0 ? -0.5 : 0.5))); }

std::string v4(uint32_t host_order)
{
    in_addr a{htonl(host_order)};
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

// Packets the data path classified onto a WAN (both test WANs), summed.
uint64_t classified(const datapath::Datapath &dp)
{
    return dp.wan_stats_sum(0).tx_packets + dp.wan_stats_sum(1).tx_packets;
}

// `what` must have classified exactly `n` packets onto a WAN.
template <class F>
auto counted(const datapath::Datapath &dp, uint64_t n, const std::string &what, F f)
{
    uint64_t before = classified(dp);
    auto r = f();
    uint64_t got = classified(dp) - before;
    if (got != n)
        die(what + ": " + std::to_string(got) + " of " + std::to_string(n) + " runs were classified");
    return r;
}

std::vector<Bytes> fresh_frames(int count, const char *dst_prefix)
{
    std::vector<Bytes> frames;
    for (int i = 0; i < count; i++) {
        std::string src = "100.64." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250 + 1);
        frames.push_back(tcp_syn(src, std::string(dst_prefix) + std::to_string(i % 200 + 1),
                                 static_cast<uint16_t>(1024 + i % 60000), 443));
    }
    return frames;
}

// ------------------------------------------------------------------ base

void section_base(int empty_xdp, int empty_tc)
{
    progress("base: established and new flows");
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    fx.set_policy(0, {{0, 1, "isp1"}, {1, 1, "isp2"}});
    fx.set_policy(1, {{1, 1, "isp2"}});
    // ten rules, the packets to 203.0.113.0/24 match the ninth
    std::vector<datapath::RuleSpec> rules(10);
    for (int i = 0; i < 10; i++) {
        rules[i].action = 1;
        rules[i].dst = {Prefix::parse("203.0." + std::to_string(100 + i) + ".0/24").value()};
    }
    rules[8].dst = {Prefix::parse("203.0.113.0/24").value()};
    check(datapath::publish_rules(fx.dp(), rules, 0, 0xffffffffu), "publishing rules");

    auto f4 = tcp_syn("192.0.2.10", "198.51.100.10", 40000, 443);
    auto f6 = tcp_syn("2001:db8:1::10", "2001:db8:ff::10", 40000, 443);
    fx.run_tc_lan(f4);
    fx.run_tc_lan(f6); // both now established

    const auto &dp = fx.dp();
    int xdp = dp.xdp_lan_fd(), tc = dp.tc_lan_fd();
    auto cost = [&](int prog, int empty, const std::vector<Bytes> &frames, bool is_xdp, const std::string &what) {
        return counted(dp, frames.size(), what, [&] { return per_call(prog, empty, frames, is_xdp); });
    };
    std::vector<Bytes> same4(g_calls, f4), same6(g_calls, f6);
    auto e4x = cost(xdp, empty_xdp, same4, true, "established v4, xdp");
    auto e4t = cost(tc, empty_tc, same4, false, "established v4, tc");
    auto e6x = cost(xdp, empty_xdp, same6, true, "established v6, xdp");
    auto e6t = cost(tc, empty_tc, same6, false, "established v6, tc");
    auto w4 = counted(dp, 9ull * g_repeat, "established v4, tc, repeated",
                      [&] { return repeated_net(tc, empty_tc, f4, false); });
    auto w6 = counted(dp, 9ull * g_repeat, "established v6, tc, repeated",
                      [&] { return repeated_net(tc, empty_tc, f6, false); });
    auto r0t = repeated(empty_tc, f4, false);
    auto nx = cost(xdp, empty_xdp, fresh_frames(kFresh, "198.51.100."), true, "new flows, xdp");
    fx.forget_flows();
    auto nt = cost(tc, empty_tc, fresh_frames(kFresh, "198.51.100."), false, "new flows, tc");
    fx.forget_flows();
    auto rx = cost(xdp, empty_xdp, fresh_frames(kFresh, "203.0.113."), true, "new flows, rules, xdp");
    fx.forget_flows();
    auto rt = cost(tc, empty_tc, fresh_frames(kFresh, "203.0.113."), false, "new flows, rules, tc");
    fx.forget_flows();

    std::printf("@@ bpf_cost.base\n");
    std::printf("| case | XDP ns | tc ns |\n|---|---:|---:|\n");
    std::printf("| established flow, IPv4, one run per call (cache-cold) | %s | %s |\n", ns(e4x.net()).c_str(),
                ns(e4t.net()).c_str());
    std::printf("| established flow, IPv6, one run per call (cache-cold) | %s | %s |\n", ns(e6x.net()).c_str(),
                ns(e6t.net()).c_str());
    std::printf("| established flow, IPv4 / IPv6, repeat %d (warm; median of 9) | — | %s / %s |\n", g_repeat,
                ns(w4).c_str(), ns(w6).c_str());
    std::printf("| new flow (no rule matches) | %s | %s |\n", ns(nx.net()).c_str(), ns(nt.net()).c_str());
    std::printf("| new flow, 9th of 10 rules matches | %s | %s |\n", ns(rx.net()).c_str(), ns(rt.net()).c_str());
    std::printf("| subtracted: the empty program, 1 run per call | %s | %s |\n", ns(e4x.empty).c_str(),
                ns(e4t.empty).c_str());
    std::printf("| subtracted: the empty program, per repetition | — | %u |\n", r0t);
    std::printf("\n@@ targets\n");
    std::printf("| data path, established flow ≤ 100 ns: tc deciding, repeat %d (IPv4) | %s ns | %s |\n", g_repeat,
                ns(w4).c_str(), w4 <= 100 ? "yes" : "no");
    std::printf("| data path, established flow ≤ 100 ns: XDP on the LAN interface, one run per call, "
                "cache-cold (IPv4; repeat does not apply) | %s ns | %s |\n",
                ns(e4x.net()).c_str(), e4x.net() <= 100 ? "yes" : "no");
    std::printf("| data path, established flow ≤ 100 ns: tc deciding, one run per call, cache-cold (IPv4) | %s ns | "
                "%s |\n",
                ns(e4t.net()).c_str(), e4t.net() <= 100 ? "yes" : "no");
    std::printf("\n");
    std::fflush(stdout);
}

// ------------------------------------------------------------------ dhcp

constexpr uint32_t kPort = 1; // test runs deliver XDP frames on lo

Bytes offer_frame(const std::string &server_mac, uint32_t xid = 0xdeadbeef)
{
    DhcpMessage m;
    m.xid = xid;
    m.yiaddr = ipv4("192.0.2.150");
    m.chaddr = mac("02:00:00:00:00:0c");
    auto sid = ipv4("192.0.2.66");
    Bytes sid_bytes(sid.begin(), sid.end());
    // a usual offer: type, server id, lease time, mask, router, DNS, end
    for (const auto &o : {dhcp_option(53, {2}), dhcp_option(54, sid_bytes), dhcp_option(51, {0, 0, 0x0e, 0x10}),
                          dhcp_option(1, {255, 255, 255, 0}), dhcp_option(3, sid_bytes), dhcp_option(6, sid_bytes)})
        m.options.insert(m.options.end(), o.begin(), o.end());
    m.options.push_back(255);
    return PacketBuilder()
        .eth(server_mac, "ff:ff:ff:ff:ff:ff")
        .ipv4("192.0.2.66", "255.255.255.255")
        .udp(67, 68)
        .payload(m.build())
        .build();
}

void set_dhcp_limits(BpfFixture &fx, uint32_t per_mac, uint32_t total)
{
    uint32_t zero = 0;
    jalur_dhcp_config cfg{per_mac, total, 1000000000ull}; // the agent's defaults: 10, 100, 1 s
    check(fx.dp().dhcp_config().update(&zero, &cfg), "dhcp_config");
}

void section_dhcp(int empty_xdp)
{
    progress("dhcp: OFFER frames through the LAN and bridge-port XDP programs");
    const std::string rogue = "02:00:00:00:06:66";
    auto offer = offer_frame(rogue);
    auto tcp = tcp_syn("192.0.2.10", "198.51.100.10", 40000, 443);

    struct Row {
        std::string label;
        std::string cell[3];
    };
    std::vector<Row> rows;
    auto add = [&](const std::string &label, int col, const std::string &v) {
        auto it = std::find_if(rows.begin(), rows.end(), [&](const Row &r) { return r.label == label; });
        if (it == rows.end()) {
            rows.push_back({label, {}});
            it = rows.end() - 1;
        }
        it->cell[col] = v;
    };

    for (int prog = 0; prog < 2; prog++) { // 0: jalur_xdp_lan, 1: jalur_xdp_port
        BpfFixture fx;                     // fresh maps per program
        fx.add_wan(0);
        fx.add_wan(1);
        fx.set_policy(0, {{0, 1, "isp1"}, {1, 1, "isp2"}});
        fx.set_default_policy(0);
        set_dhcp_limits(fx, 10, 100);
        int fd = prog == 0 ? fx.dp().xdp_lan_fd() : fx.dp().xdp_port_fd();
        fx.run_tc_lan(tcp); // established
        const auto &dp = fx.dp();

        // every inspected frame must be counted as `field` in dhcp_stats
        auto measure = [&](const std::string &label, const Bytes &frame, __u64 jalur_dhcp_stats::*field) {
            auto before = dp.dhcp_stats_sum();
            auto c = per_call_same(fd, empty_xdp, frame, true);
            add(label, prog == 0 ? 0 : 2, ns(c.net()));
            if (prog == 1) { // the port program may repeat: nothing changes between runs
                add(label, 1, ns(repeated_net(fd, empty_xdp, frame, true)));
            }
            auto after = dp.dhcp_stats_sum();
            uint64_t want = static_cast<uint64_t>(g_calls) + (prog == 1 ? 9ull * g_repeat : 0);
            if (field && after.*field - before.*field != want)
                die("dhcp: " + label + ": " + std::to_string(after.*field - before.*field) + " of " +
                    std::to_string(want) + " counted");
            fx.drain_dhcp_events();
        };

        measure("a TCP packet of an established flow, port not inspected", tcp, nullptr);
        fx.inspect_port(kPort, JALUR_DHCP_ALERT);
        measure("a TCP packet of an established flow, port inspected", tcp, nullptr);
        // untrusted, alert: 10 events per MAC a second pass the limit, the
        // rest are counted as suppressed (a rogue, or a flood from one MAC)
        measure("OFFER, untrusted server, alert mode (over the rate limit: suppressed)", offer,
                &jalur_dhcp_stats::inspected);
        fx.inspect_port(kPort, JALUR_DHCP_GUARD);
        measure("OFFER, untrusted server, guard mode (dropped)", offer, &jalur_dhcp_stats::dropped);
        // trusted by MAC: passes unreported (the LAN program then classifies
        // it: a broadcast, passed)
        fx.inspect_port(kPort, JALUR_DHCP_ALERT);
        jalur_mac_key k{};
        auto m = mac(rogue);
        std::memcpy(k.addr, m.data(), 6);
        uint32_t one = 1;
        check(dp.dhcp_trusted_macs().update(&k, &one), "dhcp_trusted_macs");
        measure("OFFER, trusted server (by MAC)", offer, &jalur_dhcp_stats::trusted);
        check(dp.dhcp_trusted_macs().erase(&k), "dhcp_trusted_macs");
        fx.inspect_port(kPort, JALUR_DHCP_ALERT, true);
        measure("OFFER on a trusted port", offer, &jalur_dhcp_stats::trusted);

        // reported: a new server MAC every time (a rate entry created, an
        // event into the ring buffer, drained between runs)
        fx.inspect_port(kPort, JALUR_DHCP_ALERT);
        set_dhcp_limits(fx, 10, 0);
        std::vector<Bytes> frames;
        for (int i = 0; i < kFresh; i++) {
            char text[18];
            std::snprintf(text, sizeof text, "02:66:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
            frames.push_back(offer_frame(text, 0x1000 + static_cast<uint32_t>(i)));
        }
        fx.drain_dhcp_events();
        auto before = dp.dhcp_stats_sum();
        auto c = per_call(fd, empty_xdp, frames, true, [&](size_t i) {
            if (i % 1000 == 999)
                fx.drain_dhcp_events(); // the ring buffer holds about 4,000 events
        });
        auto after = dp.dhcp_stats_sum();
        if (after.events - before.events != static_cast<uint64_t>(kFresh))
            die("dhcp: " + std::to_string(after.events - before.events) + " of " + std::to_string(kFresh) +
                " first sightings were reported");
        fx.drain_dhcp_events();
        add("OFFER, untrusted server, first sighting (reported: an event in the ring buffer)", prog == 0 ? 0 : 2,
            ns(c.net()));
        if (prog == 1)
            add("OFFER, untrusted server, first sighting (reported: an event in the ring buffer)", 1, "—");
        add("subtracted: the empty program, 1 run per call", prog == 0 ? 0 : 2, ns(c.empty));
        if (prog == 1)
            add("subtracted: the empty program, 1 run per call", 1, "—");
    }

    std::printf("@@ bpf_cost.dhcp\n");
    std::printf("| case | LAN XDP (`jalur_xdp_lan`) ns | bridge port XDP (`jalur_xdp_port`) ns, repeat %d | "
                "bridge port XDP ns, 1 run per call |\n|---|---:|---:|---:|\n",
                g_repeat);
    for (const auto &r : rows)
        std::printf("| %s | %s | %s | %s |\n", r.label.c_str(), r.cell[0].c_str(), r.cell[1].c_str(),
                    r.cell[2].c_str());
    std::printf("\n");
    std::fflush(stdout);
}

// ------------------------------------------------------------------ flows

// A data path of its own: the fixture's flow table has a fixed size.
struct Scale {
    datapath::Datapath dp;

    static Scale load(uint32_t flows)
    {
        datapath::LoadOptions opts;
        opts.sizes.flows = flows;
        opts.sizes.rule_prefixes = 32768;
        auto dp = datapath::Datapath::load(opts);
        if (!dp)
            die(dp.error().message);
        Scale s{std::move(dp).value()};
        for (uint32_t id = 0; id < 2; id++) {
            jalur_wan w{};
            w.ifindex = 100 + id;
            w.fwmark = 0x100 + id;
            w.state = JALUR_WAN_UP;
            check(datapath::set_wan(s.dp, id, w), "set_wan");
        }
        std::vector<balancer::Member> members{{0, 1, "isp1"}, {1, 1, "isp2"}};
        check(datapath::publish_policy(s.dp, 0, {}, balancer::build_hash_slots(members)), "publish_policy");
        check(datapath::publish_rules(s.dp, {}, 0, 0xffffffffu), "publish_rules");
        return s;
    }
};

uint64_t monotonic_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Prefilled flow k: 100.64.0.0 + k -> 198.51.100.10, TCP, sport 1024 + k % 60000, dport 443
constexpr uint32_t kFillSrc = 0x64400000u; // 100.64.0.0
constexpr uint32_t kServer = 0xc633640au;  // 198.51.100.10
jalur_flow_key fill_key(uint32_t k)
{
    jalur_flow_key key{};
    key.saddr[0] = htonl(kFillSrc + k);
    key.daddr[0] = htonl(kServer);
    key.sport = htons(static_cast<uint16_t>(1024 + k % 60000));
    key.dport = htons(443);
    key.family = JALUR_FAMILY_V4;
    key.proto = 6;
    return key;
}
Bytes fill_frame(uint32_t k)
{
    return tcp_syn(v4(kFillSrc + k), v4(kServer), static_cast<uint16_t>(1024 + k % 60000), 443);
}

// Writes flows [from, to) with batched updates, as live ones (WAN up, just seen).
void fill_flows(const datapath::Datapath &dp, uint32_t from, uint32_t to)
{
    constexpr uint32_t kBatch = 8192;
    std::vector<jalur_flow_key> keys(kBatch);
    std::vector<jalur_flow> values(kBatch);
    uint64_t now = monotonic_ns();
    for (uint32_t done = from; done < to;) {
        uint32_t count = std::min(kBatch, to - done);
        for (uint32_t i = 0; i < count; i++) {
            keys[i] = fill_key(done + i);
            values[i] = {};
            values[i].created_ns = now;
            values[i].last_seen_ns = now;
            values[i].wan = (done + i) % 2;
        }
        uint32_t n = count;
        if (bpf_map_update_batch(dp.flows().fd(), keys.data(), values.data(), &n, nullptr) != 0 || n != count) {
            std::perror("bpf_map_update_batch");
            std::exit(1);
        }
        done += count;
    }
}

size_t count_flows(const datapath::Datapath &dp)
{
    constexpr uint32_t kBatch = 4096;
    std::vector<jalur_flow_key> keys(kBatch);
    std::vector<jalur_flow> values(kBatch);
    jalur_flow_key in_batch{}, out_batch{};
    size_t total = 0;
    for (bool first = true;; first = false) {
        uint32_t n = kBatch;
        int r = bpf_map_lookup_batch(dp.flows().fd(), first ? nullptr : &in_batch, &out_batch, keys.data(),
                                     values.data(), &n, nullptr);
        total += n;
        if (r != 0)
            break; // ENOENT: the end
        in_batch = out_batch;
    }
    return total;
}

void section_flows(int empty_xdp)
{
    // room: an LRU hash evicts before it is full
    const uint32_t capacity = 1000000 + 1000000 / 8;
    progress("flows: loading a 1,125,000-entry flow table");
    auto s = Scale::load(capacity);
    const auto &dp = s.dp;
    int xdp = dp.xdp_lan_fd();
    std::mt19937 rng(42);

    std::printf("@@ bpf_cost.flows\n");
    std::printf("| flows in the table | established, the same flow | established, %d random flows | new flow | "
                "flows held after the row |\n",
                kFresh);
    std::printf("|---:|---:|---:|---:|---:|\n");
    std::fflush(stdout);
    uint32_t filled = 0;
    for (uint32_t n : {1000u, 10000u, 100000u, 1000000u}) {
        progress("flows: " + std::to_string(n) + " in the table");
        fill_flows(dp, filled, n);
        filled = n;
        auto hot = per_call_same(xdp, empty_xdp, fill_frame(n / 2), true);
        std::vector<Bytes> frames;
        std::uniform_int_distribution<uint32_t> pick(0, n - 1);
        for (int i = 0; i < kFresh; i++)
            frames.push_back(fill_frame(pick(rng)));
        auto random = counted(dp, kFresh, "random established flows",
                              [&] { return per_call(xdp, empty_xdp, frames, true); });
        // new flows: sources beyond the prefilled ones
        frames.clear();
        std::vector<jalur_flow_key> fresh_keys;
        for (int i = 0; i < kFresh; i++) {
            uint32_t k = 2000000 + static_cast<uint32_t>(i);
            frames.push_back(fill_frame(k));
            fresh_keys.push_back(fill_key(k));
        }
        auto fresh = counted(dp, kFresh, "new flows", [&] { return per_call(xdp, empty_xdp, frames, true); });
        for (const auto &k : fresh_keys) // back to n, less what the LRU evicted to make room
            bpf_map_delete_elem(dp.flows().fd(), &k);
        size_t held = count_flows(dp);
        std::printf("| %u | %s | %s | %s | %zu |\n", n, ns(hot.net()).c_str(), ns(random.net()).c_str(),
                    ns(fresh.net()).c_str(), held);
        std::fflush(stdout);
    }
    std::printf("\n");
}

// ------------------------------------------------------------------ rules

void section_rules(int empty_xdp)
{
    progress("rules: loading");
    auto s = Scale::load(JALUR_DEFAULT_FLOWS);
    const auto &dp = s.dp;
    int xdp = dp.xdp_lan_fd();

    std::printf("@@ bpf_cost.rules\n");
    std::printf("| prefixes in 10 rules' lists | new flow, the 9th rule matches | new flow, no rule matches | "
                "publishing the rules (agent, ms) |\n");
    std::printf("|---:|---:|---:|---:|\n");
    std::fflush(stdout);
    for (uint32_t n : {10u, 100u, 1000u, 10000u}) {
        progress("rules: " + std::to_string(n) + " prefixes");
        // prefix j: the /24 at 100.64.0.0 + j * 256, in rule j % 10's list
        std::vector<datapath::RuleSpec> rules(10);
        for (auto &r : rules)
            r.action = 0;
        for (uint32_t j = 0; j < n; j++)
            rules[j % 10].dst.push_back(Prefix::parse(v4(0x64400000u + j * 256) + "/24").value());
        auto t0 = std::chrono::steady_clock::now();
        check(datapath::publish_rules(dp, rules, 0, 0xffffffffu), "publish_rules");
        double publish_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

        std::vector<Bytes> match, miss;
        for (int i = 0; i < kFresh; i++) {
            uint32_t j = 8 + 10 * (static_cast<uint32_t>(i) % (n / 10)); // rule 8's prefixes
            auto sport = static_cast<uint16_t>(1024 + i);
            std::string src = "192.0.2." + std::to_string(10 + i % 200);
            match.push_back(tcp_syn(src, v4(0x64400000u + j * 256 + 5), sport, 443));
            miss.push_back(tcp_syn(src, "198.51.100." + std::to_string(1 + i % 200), sport, 443));
        }
        auto forget = [&] {
            for (const auto &k : datapath::map_keys<jalur_flow_key>(dp.flows().fd()))
                bpf_map_delete_elem(dp.flows().fd(), &k);
        };
        auto m = counted(dp, kFresh, "rule matches", [&] { return per_call(xdp, empty_xdp, match, true); });
        forget();
        auto x = counted(dp, kFresh, "no rule matches", [&] { return per_call(xdp, empty_xdp, miss, true); });
        forget();
        std::printf("| %u | %s | %s | %.0f |\n", n, ns(m.net()).c_str(), ns(x.net()).c_str(), publish_ms);
        std::fflush(stdout);
    }
    std::printf("\n");
}

} // namespace

int main(int argc, char **argv)
{
    std::set<std::string> sections;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (!a.empty() && std::isdigit(static_cast<unsigned char>(a[0])))
            g_repeat = std::max(1, std::atoi(a.c_str()));
        else if (a == "base" || a == "dhcp" || a == "flows" || a == "rules")
            sections.insert(a);
        else {
            std::fprintf(stderr, "usage: bpf_cost [repeat] [base|dhcp|flows|rules]...\n");
            return 2;
        }
    }
    g_calls = std::max(1000, g_repeat / 10);
    int empty_xdp = empty_prog(true), empty_tc = empty_prog(false);
    bool all = sections.empty();
    auto t0 = std::chrono::steady_clock::now();
    std::fprintf(stderr, "bpf_cost: repeat %d; one run per call: %d samples of the same frame, %d distinct frames\n",
                 g_repeat, g_calls, kFresh);
    if (all || sections.count("base"))
        section_base(empty_xdp, empty_tc);
    if (all || sections.count("dhcp"))
        section_dhcp(empty_xdp);
    if (all || sections.count("flows"))
        section_flows(empty_xdp);
    if (all || sections.count("rules"))
        section_rules(empty_xdp);
    std::fprintf(stderr, "bpf_cost: done in %.0f s\n",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
}
