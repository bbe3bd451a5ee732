// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <bpf/libbpf.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <string>

namespace jalur::cli {

// libbpf explains failures (the agent reports them itself, with context):
// its lines go to the debug level.
inline int libbpf_to_spdlog(enum libbpf_print_level level, const char *fmt, va_list args)
{
    char buf[1024];
    std::vsnprintf(buf, sizeof(buf), fmt, args);
    std::string line(buf);
    while (!line.empty() && line.back() == '\n')
        line.pop_back();
    spdlog::log(level == LIBBPF_WARN ? spdlog::level::debug : spdlog::level::trace, "libbpf: {}", line);
    return 0;
}

// Plain lines on stderr, no colours (thread-safe: the alert worker logs too): journald adds its own timestamps, but
// the lab and tests read them too, so keep ours (milliseconds matter there).
inline void setup_logging(const std::string &level)
{
    if (!spdlog::get("jalur"))
        spdlog::set_default_logger(spdlog::stderr_logger_mt("jalur"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    spdlog::set_level(spdlog::level::from_str(level));
    libbpf_set_print(libbpf_to_spdlog);
}

} // namespace jalur::cli
