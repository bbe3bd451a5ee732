// SPDX-License-Identifier: GPL-2.0-only
// Reading per-CPU array entries, summed: the one place that knows a
// per-CPU lookup returns one value per possible CPU.
#pragma once

#include "jalur/datapath.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdint>
#include <vector>

namespace jalur::datapath {

inline unsigned possible_cpus()
{
    static const unsigned n = [] {
        int c = libbpf_num_possible_cpus();
        return c > 0 ? static_cast<unsigned>(c) : 1u;
    }();
    return n;
}

inline jalur_wan_stats &operator+=(jalur_wan_stats &a, const jalur_wan_stats &b)
{
    a.tx_packets += b.tx_packets;
    a.tx_bytes += b.tx_bytes;
    a.rx_packets += b.rx_packets;
    a.rx_bytes += b.rx_bytes;
    a.new_flows += b.new_flows;
    a.moved_flows += b.moved_flows;
    a.syn_out += b.syn_out;
    a.synack_in += b.synack_in;
    return a;
}


template <typename T>
T percpu_sum(int map_fd, uint32_t key)
{
    std::vector<T> per_cpu(possible_cpus());
    T sum{};
    if (bpf_map_lookup_elem(map_fd, &key, per_cpu.data()) == 0)
        for (const auto &v : per_cpu)
            sum += v;
    return sum;
}

} // namespace jalur::datapath
