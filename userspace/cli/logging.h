// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace jalur::cli {

// Plain lines on stderr, no colours: journald adds its own timestamps, but
// the lab and tests read them too, so keep ours (milliseconds matter there).
inline void setup_logging(const std::string &level)
{
    if (!spdlog::get("jalur"))
        spdlog::set_default_logger(spdlog::stderr_logger_st("jalur"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    spdlog::set_level(spdlog::level::from_str(level));
}

} // namespace jalur::cli
