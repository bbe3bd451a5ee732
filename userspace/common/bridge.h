// SPDX-License-Identifier: GPL-2.0-only
// Whether an interface is a Linux bridge, and its ports, from sysfs (the
// agent runs in the namespace whose sysfs it reads).
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace jalur {

inline bool is_bridge(const std::string &ifname)
{
    std::error_code ec;
    return std::filesystem::is_directory("/sys/class/net/" + ifname + "/bridge", ec);
}

inline std::vector<std::string> bridge_ports(const std::string &ifname)
{
    std::vector<std::string> ports;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator("/sys/class/net/" + ifname + "/brif", ec))
        ports.push_back(e.path().filename());
    std::sort(ports.begin(), ports.end());
    return ports;
}

} // namespace jalur
