// SPDX-License-Identifier: GPL-2.0-only
// The one agent of a pin directory: the directory's lock (datapath/bpffs.h)
// and the pid file the CLI finds the agent by, in one owner. Claimed before
// anything on the host is touched; a second agent on the same pins gets an
// error naming the first one's pid and has changed nothing.
#pragma once

#include "common/result.h"
#include "datapath/bpffs.h"

#include <string>

namespace jalur::agent {

class Instance {
public:
    static Result<Instance> claim(const std::string &bpffs);
    Instance(Instance &&o) noexcept;
    Instance &operator=(Instance &&) = delete;
    Instance(const Instance &) = delete;
    ~Instance(); // removes the pid file; the pin directory as PinDir says

    // A stop that keeps the data path: the directory, its mount and its
    // ledger stay for the agent that adopts them.
    void keep() { pins_.release(); }

private:
    Instance(datapath::PinDir pins, std::string pid_file) : pins_(std::move(pins)), pid_file_(std::move(pid_file)) {}
    datapath::PinDir pins_;
    std::string pid_file_; // empty once moved from
};

} // namespace jalur::agent
