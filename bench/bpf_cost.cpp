// SPDX-License-Identifier: GPL-2.0-only
// Per-packet cost of the data path with BPF_PROG_TEST_RUN: the kernel times
// the program runs itself (opts.duration, ns per repetition), so syscall
// overhead is not in the numbers. Not a test: prints a table.
//
//   bench/bpf_cost [repeat]        (root; default repeat 1000000)
#include "support/bpf_fixture.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace jalur;
using namespace jalur::test;

namespace {

uint32_t run(int prog_fd, const Bytes &frame, int repeat, bool xdp)
{
    Bytes out(frame.size() + 256);
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

// Median of 5 runs of `repeat` repetitions each.
uint32_t established(int prog_fd, const Bytes &frame, int repeat, bool xdp)
{
    std::vector<uint32_t> v;
    for (int i = 0; i < 5; i++)
        v.push_back(run(prog_fd, frame, repeat, xdp));
    std::sort(v.begin(), v.end());
    return v[2];
}

// A new flow on every run: distinct frames, one repetition each; the kernel
// still times only the program.
double new_flows(BpfFixture &fx, int prog_fd, int count, bool xdp, const char *dst_prefix)
{
    uint64_t total = 0;
    for (int i = 0; i < count; i++) {
        std::string src = "100.64." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250 + 1);
        total += run(prog_fd, tcp_syn(src, std::string(dst_prefix) + std::to_string(i % 200 + 1),
                                      static_cast<uint16_t>(1024 + i % 60000), 443),
                     1, xdp);
    }
    fx.forget_flows();
    return static_cast<double>(total) / count;
}

} // namespace

int main(int argc, char **argv)
{
    int repeat = argc > 1 ? std::atoi(argv[1]) : 1000000;
    BpfFixture fx;
    fx.add_wan(0);
    fx.add_wan(1);
    fx.set_policy(0, {{0, 1, "isp1"}, {1, 1, "isp2"}});
    fx.set_policy(1, {{1, 1, "isp2"}});
    // ten rules, the packet below matches the ninth
    std::vector<datapath::RuleSpec> rules(10);
    for (int i = 0; i < 10; i++) {
        rules[i].action = 1;
        rules[i].dst = {Prefix::parse("203.0." + std::to_string(100 + i) + ".0/24").value()};
    }
    rules[8].dst = {Prefix::parse("203.0.113.0/24").value()};
    if (!datapath::publish_rules(fx.dp(), rules, 0, 0xffffffffu)) {
        std::fprintf(stderr, "publishing rules failed\n");
        return 1;
    }

    auto v4 = tcp_syn("192.0.2.10", "198.51.100.10", 40000, 443);
    auto v6 = tcp_syn("2001:db8:1::10", "2001:db8:ff::10", 40000, 443);
    fx.run_tc_lan(v4);
    fx.run_tc_lan(v6); // both now established

    const int fresh = 20000;
    std::printf("repeat=%d (established: median of 5 runs), new flows: mean over %d distinct flows\n", repeat, fresh);
    std::printf("%-34s %8s %8s\n", "case", "xdp ns", "tc ns");
    std::printf("%-34s %8u %8u\n", "established flow, IPv4", established(fx.dp().xdp_lan_fd(), v4, repeat, true),
                established(fx.dp().tc_lan_fd(), v4, repeat, false));
    std::printf("%-34s %8u %8u\n", "established flow, IPv6", established(fx.dp().xdp_lan_fd(), v6, repeat, true),
                established(fx.dp().tc_lan_fd(), v6, repeat, false));
    auto single_established = [&](int fd, bool xdp) {
        uint64_t total = 0;
        for (int i = 0; i < fresh; i++)
            total += run(fd, v4, 1, xdp);
        return static_cast<double>(total) / fresh;
    };
    std::printf("%-34s %8.0f %8.0f\n", "baseline: established, 1 run/call", single_established(fx.dp().xdp_lan_fd(), true),
                single_established(fx.dp().tc_lan_fd(), false));
    std::printf("%-34s %8.0f %8.0f\n", "new flow (no rule matches)", new_flows(fx, fx.dp().xdp_lan_fd(), fresh, true, "198.51.100."),
                new_flows(fx, fx.dp().tc_lan_fd(), fresh, false, "198.51.100."));
    std::printf("%-34s %8.0f %8.0f\n", "new flow, 9th of 10 rules matches", new_flows(fx, fx.dp().xdp_lan_fd(), fresh, true, "203.0.113."),
                new_flows(fx, fx.dp().tc_lan_fd(), fresh, false, "203.0.113."));
    std::printf("new-flow rows are timed one run per call, like the baseline row: their cost is the difference.\n");
    std::printf("tc column: the tc program deciding alone (no XDP metadata in a test run); with XDP attached, tc only "
                "copies the mark from the metadata.\n");
    return 0;
}
