// SPDX-License-Identifier: GPL-2.0-only
// From a WAN transition to the data path switched, with 10 and 10,000 rule
// prefixes: the control core plans, the publisher writes. Side by side in
// one run: writing only the difference (the agent) and rewriting every
// entry, the rule set included (what the agent did before the control
// core). Loads the data path unpinned; root.
//
//   transition_cost [transitions]     (default 40: 20 down, 20 up)
#include "config/parse.h"
#include "control/core.h"
#include "datapath/datapath.h"
#include "datapath/publisher.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace jalur;

namespace {

[[noreturn]] void die(const std::string &why)
{
    std::fprintf(stderr, "transition_cost: %s\n", why.c_str());
    std::exit(1);
}

// Two WANs, one policy, ten rules whose destination lists hold `prefixes`
// /24s between them (in 100.64.0.0/10).
std::string site(uint32_t prefixes)
{
    std::string y = "lan: br-lan\nwans:\n"
                    "  - {name: isp1, interface: wan1, gateway: 192.0.2.1}\n"
                    "  - {name: isp2, interface: wan2, gateway: 192.0.2.2}\n"
                    "policies: [{name: default, members: [isp1, isp2]}]\naddress_lists:\n";
    for (uint32_t r = 0; r < 10; r++) {
        y += "  l" + std::to_string(r) + ":\n";
        for (uint32_t j = r; j < prefixes; j += 10) {
            uint32_t a = 0x64400000u + j * 256;
            y += "    - " + std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
                 std::to_string((a >> 8) & 255) + ".0/24\n";
        }
    }
    y += "rules:\n";
    for (uint32_t r = 0; r < 10; r++)
        y += "  - {dst: \"@l" + std::to_string(r) + "\", policy: default}\n";
    return y;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    int transitions = argc > 1 ? std::max(2, std::atoi(argv[1])) : 40;
    datapath::LoadOptions opts;
    opts.sizes.rule_prefixes = 32768;
    auto dp = datapath::Datapath::load(opts);
    if (!dp)
        die(dp.error().message);
    datapath::DatapathWriter writer(dp.value());

    std::printf("@@ transition_cost\n");
    std::printf("| prefixes in the rules | writing the difference: median / worst (ms) | "
                "rewriting everything: median / worst (ms) | ratio of medians |\n|---:|---:|---:|---:|\n");
    for (uint32_t n : {10u, 10000u}) {
        auto cfg = config::parse(site(n), "bench.yaml");
        if (!cfg)
            die(cfg.error().message);
        control::Core core;
        if (auto r = core.configure(std::move(cfg).value()); !r)
            die(r.error().message);
        // the interfaces as the core sees them: nothing is attached here
        core.set_interface("br-lan", {true, 1, true, false});
        core.set_interface("wan1", {true, 2, true, false});
        core.set_interface("wan2", {true, 3, true, false});
        // each way in turn, transition by transition, so both see the same machine
        datapath::Publisher diff(writer);
        if (auto r = diff.apply(core.desired().datapath); !r)
            die(r.error().message);
        std::vector<double> t_diff, t_all;
        for (int i = 0; i < transitions; i++) {
            bool down = i % 2 == 0;
            for (int way = 0; way < 2; way++) {
                auto t0 = std::chrono::steady_clock::now();
                core.set_health("isp1", down ? control::Health::Down : control::Health::Up, "bench");
                auto want = core.desired().datapath;
                datapath::Publisher all(writer); // knows nothing: writes every entry
                auto r = way == 0 ? diff.apply(want) : all.apply(want);
                if (!r)
                    die(r.error().message);
                double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                (way == 0 ? t_diff : t_all).push_back(ms);
                // back, for the other way's turn to make the same transition
                core.set_health("isp1", down ? control::Health::Up : control::Health::Down, "bench");
                if (auto back = diff.apply(core.desired().datapath); !back)
                    die(back.error().message);
            }
            core.set_health("isp1", down ? control::Health::Down : control::Health::Up, "bench");
            if (auto r = diff.apply(core.desired().datapath); !r)
                die(r.error().message);
        }
        double md = median(t_diff), ma = median(t_all);
        std::printf("| %u | %.2f / %.2f | %.2f / %.2f | %.0f× |\n", n, md,
                    *std::max_element(t_diff.begin(), t_diff.end()), ma,
                    *std::max_element(t_all.begin(), t_all.end()), md > 0 ? ma / md : 0);
        std::fflush(stdout);
    }
    return 0;
}
