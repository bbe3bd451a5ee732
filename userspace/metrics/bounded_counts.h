// SPDX-License-Identifier: GPL-2.0-only
// Counts keyed by a label value that the network chooses (a rogue DHCP
// server's MAC address): at most `limit` distinct keys, later ones are
// counted under `overflow`, so a flood of forged MACs cannot grow the
// scrape or Prometheus's series without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace jalur::metrics {

class BoundedCounts {
public:
    explicit BoundedCounts(size_t limit, std::string overflow = "other") : limit_(limit), overflow_(std::move(overflow))
    {
    }

    void add(const std::string &key, uint64_t n = 1)
    {
        auto it = counts_.find(key);
        if (it == counts_.end() && distinct_ >= limit_)
            it = counts_.try_emplace(overflow_, 0).first;
        else if (it == counts_.end()) {
            it = counts_.emplace(key, 0).first;
            distinct_++;
        }
        it->second += n;
    }
    const std::map<std::string, uint64_t> &counts() const { return counts_; }

private:
    size_t limit_;
    std::string overflow_;
    size_t distinct_ = 0; // keys other than `overflow`
    std::map<std::string, uint64_t> counts_;
};

} // namespace jalur::metrics
