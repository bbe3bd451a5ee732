// SPDX-License-Identifier: GPL-2.0-only
// The pin directory, and the one agent that owns it. `ip netns exec`
// remounts /sys, so inside a namespace /sys/fs/bpf may not be a bpffs at
// all: make sure the configured directory is one, mounting a bpffs there if
// needed. The owner holds an exclusive flock on the directory for its whole
// life (as xdp-tools locks its bpffs), taken before anything else is
// touched; a second agent is refused with the first one's pid. What the
// owner made (the directory, the mount) is recorded in the ledger, so an
// agent that adopts the pins after a crash undoes it at its stop too.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"
#include "datapath/ledger.h"

#include <optional>
#include <string>

namespace jalur::datapath {

class PinDir {
public:
    // Error kinds: Busy (another agent holds it, its pid in the message),
    // Permission (with privilege_hint's wording), Other.
    static Result<PinDir> prepare(const std::string &path);
    PinDir(PinDir &&o) noexcept;
    PinDir &operator=(PinDir &&) = delete;
    PinDir(const PinDir &) = delete;
    ~PinDir(); // removes the ledger, and the mount and directory if jalur made them

    const std::string &path() const { return path_; }
    // Leave the directory, a mount we made and the ledger in place.
    void release() { released_ = true; }

private:
    PinDir(std::string path, bool created, bool mounted) : path_(std::move(path)), created_(created), mounted_(mounted) {}
    void undo();
    std::string path_;
    bool created_ = false;
    bool mounted_ = false;
    bool released_ = false;
    UniqueFd lock_;
    std::optional<Ledger> ledger_;
};

bool is_bpffs(const std::string &path);

} // namespace jalur::datapath
