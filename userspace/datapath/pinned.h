// SPDX-License-Identifier: GPL-2.0-only
// Read-only access to a running data path through its pins: what `jalur
// status` and `jalur flows` read, with or without a live agent.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"
#include "jalur/datapath.h"
#include "jalur/dhcp_guard.h"

#include <functional>
#include <string>

namespace jalur::datapath {

class PinnedMaps {
public:
    static Result<PinnedMaps> open(const std::string &dir);
    // From map fds already open (benchmarks and tests without pins).
    static PinnedMaps adopt(UniqueFd wans, UniqueFd wan_stats, UniqueFd reasons, UniqueFd flows);

    bool wan(uint32_t id, jalur_wan &out) const;
    jalur_wan_stats wan_stats(uint32_t id) const; // summed over CPUs
    uint64_t reason(uint32_t reason) const;       // summed over CPUs
    jalur_dhcp_stats dhcp_stats() const;          // summed over CPUs
    // Calls back for every flow (a snapshot walk; the table keeps changing).
    void for_each_flow(const std::function<void(const jalur_flow_key &, const jalur_flow &)> &each) const;
    uint32_t flow_capacity() const { return flow_capacity_; }
    int flows_fd() const { return flows_.get(); } // for batched walks (metrics/flow_count.cpp)

private:
    void read_capacity();

    UniqueFd wans_, wan_stats_, reasons_, flows_, dhcp_stats_;
    uint32_t flow_capacity_ = 0;
};

} // namespace jalur::datapath
