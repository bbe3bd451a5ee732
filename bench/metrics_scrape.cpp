// SPDX-License-Identifier: GPL-2.0-only
// The cost of a scrape: 16 WANs, per-CPU counters summed, a million flows
// in the table (kept count, not walked), rendered to Prometheus text. Also
// the cost of the walk the flow counter does on its slow timer. Not a
// test: prints a Markdown table after the line "@@ metrics_scrape".
//
//   bench/metrics_scrape [flows]       (root; default 1000000)
#include "datapath/datapath.h"
#include "metrics/flow_count.h"
#include "metrics/render.h"

#include <bpf/bpf.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace jalur;
using Clock = std::chrono::steady_clock;

namespace {

void fill_flows(const datapath::Datapath &dp, uint32_t n)
{
    constexpr uint32_t kBatch = 8192;
    std::vector<jalur_flow_key> keys(kBatch);
    std::vector<jalur_flow> values(kBatch);
    for (uint32_t done = 0; done < n;) {
        uint32_t count = std::min(kBatch, n - done);
        for (uint32_t i = 0; i < count; i++) {
            uint32_t k = done + i;
            keys[i] = {};
            keys[i].saddr[0] = 0x0a000000u + k; // distinct 5-tuples
            keys[i].daddr[0] = 0xc6336400u;
            keys[i].sport = static_cast<uint16_t>(k);
            keys[i].dport = 443;
            keys[i].family = JALUR_FAMILY_V4;
            keys[i].proto = 6;
            values[i] = {};
            values[i].wan = k % JALUR_MAX_WANS;
        }
        if (bpf_map_update_batch(dp.flows().fd(), keys.data(), values.data(), &count, nullptr) != 0) {
            std::perror("bpf_map_update_batch");
            std::exit(1);
        }
        done += count;
    }
}

std::string thousands(uint64_t v)
{
    std::string digits = std::to_string(v), out;
    for (size_t i = 0; i < digits.size(); i++) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

double median_ms(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    uint32_t flows = argc > 1 ? static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 1000000;
    datapath::LoadOptions opts;
    opts.sizes.flows = std::max<uint32_t>(flows, 1024) + flows / 8; // room: an LRU evicts before it is full
    auto dp = datapath::Datapath::load(opts);
    if (!dp) {
        std::fprintf(stderr, "%s\n", dp.error().message.c_str());
        return 1;
    }
    metrics::Board board;
    for (uint32_t id = 0; id < JALUR_MAX_WANS; id++) {
        jalur_wan w{1, 0x100 * (id + 1), JALUR_WAN_UP, 0}; // ifindex 1 (lo): a name to resolve
        (void)dp->wans().update(&id, &w);
        metrics::WanView v;
        v.name = "isp" + std::to_string(id + 1);
        v.interface = "lo";
        for (int i = 0; i < 1000; i++)
            v.rtt.observe(0.001 * (i % 50));
        board.wans.push_back(v);
    }
    fill_flows(*dp, flows);
    auto maps = datapath::PinnedMaps::adopt(UniqueFd(dup(dp->wans().fd())), UniqueFd(dup(dp->wan_stats().fd())),
                                            UniqueFd(dup(dp->reasons().fd())), UniqueFd(dup(dp->flows().fd())));
    auto walk = metrics::count_flows(maps);
    board.flows = walk;
    std::vector<metrics::WanConfig> cfg;
    for (const auto &w : board.wans)
        cfg.push_back({w.name, w.interface, 1, 1, std::nullopt});

    std::vector<double> times;
    size_t bytes = 0;
    for (int i = 0; i < 200; i++) {
        auto t0 = Clock::now();
        metrics::Writer w;
        metrics::render_metrics(metrics::collect(maps, cfg, &board, metrics::FlowCounting::Kept), w);
        times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        bytes = w.text().size();
    }
    std::printf("@@ metrics_scrape\n");
    std::printf("| what | time |\n|---|---:|\n");
    std::printf("| scrape, 16 WANs, %s flows in the table (median of 200; %zu bytes of text) | %.2f ms |\n",
                thousands(walk.total).c_str(), bytes, median_ms(times));
    std::printf("| scrape, slowest of 200 | %.2f ms |\n", *std::max_element(times.begin(), times.end()));
    std::printf("| counting the flow table (batched walk of a %s-entry table; the flow counter's thread, every "
                "`flow_count_interval`, never per scrape) | %.0f ms |\n",
                thousands(maps.flow_capacity()).c_str(), walk.took_seconds * 1000);
    std::printf("\n");
    return 0;
}
