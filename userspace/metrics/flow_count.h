// SPDX-License-Identifier: GPL-2.0-only
// Counting the flow table: a walk in batches of 4096 entries (one syscall
// per batch, not two per entry), so a million flows take well under a
// second. Never on the scrape path: the agent's FlowCounter thread does it
// on a slow timer, and `jalur status` when asked for an exact number.
#pragma once

#include "common/unique_fd.h"
#include "datapath/pinned.h"
#include "metrics/state_board.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace jalur::metrics {

FlowCount count_flows(const datapath::PinnedMaps &maps);

// Recounts every `period` on its own thread and puts the result on the
// board. Stopped and joined by its destructor.
class FlowCounter {
public:
    FlowCounter(const datapath::PinnedMaps &maps, StateBoard &board, std::chrono::seconds period);
    FlowCounter(const FlowCounter &) = delete;
    FlowCounter &operator=(const FlowCounter &) = delete;
    ~FlowCounter();

private:
    void run();

    const datapath::PinnedMaps &maps_;
    StateBoard &board_;
    std::chrono::seconds period_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_; // last: starts after everything it uses exists
};

} // namespace jalur::metrics
