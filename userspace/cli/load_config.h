// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "config/parse.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

namespace jalur::cli {

// The config, validated (interfaces too, when the command touches them), or
// every error on stderr, then `consequence`, and exit 1.
inline config::Config load_config_or_exit(const std::string &path, bool check_interfaces,
                                          const std::string &consequence = "")
{
    auto cfg = config::load_file(path);
    if (cfg && check_interfaces)
        if (auto r = config::check_interfaces(cfg.value()); !r)
            cfg = r.error();
    if (!cfg) {
        std::cerr << cfg.error().message << "\n";
        if (!consequence.empty())
            std::cerr << path << ": " << consequence << "\n";
        throw CLI::RuntimeError(1);
    }
    return std::move(cfg).value();
}

} // namespace jalur::cli
