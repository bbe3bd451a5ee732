// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <bpf/libbpf.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
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

// Whether stderr is systemd's journal stream (systemd.exec(5), $JOURNAL_STREAM: "device:inode" of the stream it
// connected stderr to): then records go to the journal itself, with their priority.
inline bool stderr_is_journal()
{
    const char *env = std::getenv("JOURNAL_STREAM");
    struct stat st {};
    if (!env || fstat(2, &st) != 0)
        return false;
    unsigned long long dev = 0, ino = 0;
    return std::sscanf(env, "%llu:%llu", &dev, &ino) == 2 && dev == st.st_dev && ino == st.st_ino;
}

// Under systemd, the journal (priorities from the levels; it has its own timestamps). Otherwise plain lines on
// stderr, no colours (thread-safe: the alert worker logs too), with our timestamps: the lab and tests read them
// (milliseconds matter there).
inline void setup_logging(const std::string &level)
{
    bool journal = stderr_is_journal();
    if (!spdlog::get("jalur")) {
        if (journal)
            spdlog::set_default_logger(std::make_shared<spdlog::logger>(
                "jalur", std::make_shared<spdlog::sinks::systemd_sink_mt>("jalur")));
        else
            spdlog::set_default_logger(spdlog::stderr_logger_mt("jalur"));
    }
    spdlog::set_pattern(journal ? "%v" : "%Y-%m-%dT%H:%M:%S.%e %l %v");
    spdlog::set_level(spdlog::level::from_str(level));
    libbpf_set_print(libbpf_to_spdlog);
}

} // namespace jalur::cli
