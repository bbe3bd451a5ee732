// SPDX-License-Identifier: GPL-2.0-only
// Where a running agent can be found: one pid file per pin directory, so
// several agents (one per namespace, as in the lab) never collide.
#pragma once

#include "common/result.h"

#include <string>
#include <sys/types.h>

namespace jalur::agent {

std::string pid_file_for(const std::string &bpffs);

// Written at start, removed at stop.
class PidFile {
public:
    static Result<PidFile> create(const std::string &bpffs);
    PidFile(PidFile &&o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
    PidFile(const PidFile &) = delete;
    ~PidFile();

private:
    explicit PidFile(std::string path) : path_(std::move(path)) {}
    std::string path_;
};

// The pid of the agent running with this pin directory, if it is alive.
Result<pid_t> running_agent(const std::string &bpffs);

} // namespace jalur::agent
