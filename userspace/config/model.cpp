// SPDX-License-Identifier: GPL-2.0-only
#include "config/model.h"

namespace jalur::config {

// Linear: at most 16 of each, and looked up at load time, not per packet.
const Wan *Config::wan(const std::string &name) const
{
    for (const auto &w : wans)
        if (w.name == name)
            return &w;
    return nullptr;
}

const Policy *Config::policy(const std::string &name) const
{
    for (const auto &p : policies)
        if (p.name == name)
            return &p;
    return nullptr;
}

} // namespace jalur::config
