// SPDX-License-Identifier: GPL-2.0-only
// The pin directory. `ip netns exec` remounts /sys, so inside a namespace
// /sys/fs/bpf may not be a bpffs at all: make sure the configured directory
// is one, mounting a bpffs there if needed, and undo exactly that.
#pragma once

#include "common/result.h"

#include <string>

namespace jalur::datapath {

class PinDir {
public:
    static Result<PinDir> prepare(const std::string &path);
    PinDir(PinDir &&o) noexcept;
    PinDir &operator=(PinDir &&) = delete;
    PinDir(const PinDir &) = delete;
    ~PinDir();

    const std::string &path() const { return path_; }
    // Leave the directory (and a mount we made) in place.
    void release() { mounted_ = created_ = false; }

private:
    PinDir(std::string path, bool created, bool mounted) : path_(std::move(path)), created_(created), mounted_(mounted) {}
    std::string path_;
    bool created_ = false;
    bool mounted_ = false;
};

bool is_bpffs(const std::string &path);

} // namespace jalur::datapath
