// SPDX-License-Identifier: GPL-2.0-only
// Reading per-CPU array entries, summed: the one place that knows a
// per-CPU lookup returns one value per possible CPU.
#pragma once

#include "jalur/datapath.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdint>
#include <cstring>
#include <type_traits>
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

// The counter structs are nothing but __u64 fields, so they sum field by
// field as arrays of uint64_t; plain integers sum as themselves.
template <typename T>
void add_counters(T &sum, const T &v)
{
    if constexpr (std::is_integral_v<T>) {
        sum += v;
    } else {
        static_assert(sizeof(T) % sizeof(uint64_t) == 0 && std::is_trivially_copyable_v<T>);
        uint64_t a[sizeof(T) / 8], b[sizeof(T) / 8];
        std::memcpy(a, &sum, sizeof(T));
        std::memcpy(b, &v, sizeof(T));
        for (size_t i = 0; i < sizeof(T) / 8; i++)
            a[i] += b[i];
        std::memcpy(&sum, a, sizeof(T));
    }
}

template <typename T>
T percpu_sum(int map_fd, uint32_t key)
{
    std::vector<T> per_cpu(possible_cpus());
    T sum{};
    if (bpf_map_lookup_elem(map_fd, &key, per_cpu.data()) == 0)
        for (const auto &v : per_cpu)
            add_counters(sum, v);
    return sum;
}

} // namespace jalur::datapath
