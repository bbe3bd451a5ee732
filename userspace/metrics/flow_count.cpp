// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/flow_count.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <vector>

namespace jalur::metrics {

namespace {

constexpr uint32_t kBatch = 4096;
// Bounds the walk even if the table churns under it: a table of 16 Mi
// entries (the config's maximum) is 4096 batches.
constexpr int kMaxBatches = 16 * 4096 + 16;

// false: no batch lookup for this map (or it failed): the caller walks key by key
bool count_batched(int fd, FlowCount &out)
{
    std::vector<jalur_flow_key> keys(kBatch);
    std::vector<jalur_flow> values(kBatch);
    uint64_t in_token = 0, out_token = 0; // a bucket index for hash maps
    bool first = true;
    for (int i = 0; i < kMaxBatches; i++) {
        uint32_t n = kBatch;
        int err = bpf_map_lookup_batch(fd, first ? nullptr : &in_token, &out_token, keys.data(), values.data(), &n,
                                       nullptr);
        if (err && errno != ENOENT)
            return false;
        for (uint32_t k = 0; k < n; k++) {
            out.total++;
            out.by_wan_id[values[k].wan]++;
        }
        if (err) // ENOENT: the last batch
            return true;
        in_token = out_token;
        first = false;
    }
    return true;
}

} // namespace

FlowCount count_flows(const datapath::PinnedMaps &maps)
{
    auto start = std::chrono::steady_clock::now();
    FlowCount c;
    if (!count_batched(maps.flows_fd(), c)) {
        c = FlowCount{};
        maps.for_each_flow([&](const jalur_flow_key &, const jalur_flow &f) {
            c.total++;
            c.by_wan_id[f.wan]++;
        });
    }
    c.at = WallClock::now();
    c.took_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return c;
}

FlowCounter::FlowCounter(const datapath::PinnedMaps &maps, StateBoard &board, std::chrono::seconds period)
    : maps_(maps), board_(board), period_(period), thread_([this] { run(); })
{
}

FlowCounter::~FlowCounter()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void FlowCounter::run()
{
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        auto c = count_flows(maps_);
        board_.edit([&](Board &b) { b.flows = std::move(c); });
        lock.lock();
        wake_.wait_for(lock, period_, [this] { return stopping_; });
    }
}

} // namespace jalur::metrics
