// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <bpf/bpf.h>

#include <vector>

namespace jalur::datapath {

// Every key of a map at the time of the walk (the data path keeps writing).
template <typename Key>
std::vector<Key> map_keys(int fd)
{
    std::vector<Key> keys;
    Key key{}, next{};
    void *prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, &next) == 0) {
        keys.push_back(next);
        key = next;
        prev = &key;
    }
    return keys;
}

} // namespace jalur::datapath
