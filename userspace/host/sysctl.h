// SPDX-License-Identifier: GPL-2.0-only
// The sysctls of the `host` section (issue 23): written where they differ
// from the plan, each one's value before jalur first wrote it remembered,
// and put back at stop -- or as soon as the plan no longer wants it.
#pragma once

#include "common/result.h"
#include "control/host_plan.h"

#include <map>
#include <string>
#include <vector>

namespace jalur::host {

class Sysctls {
public:
    // `saved`: a file that keeps the values before jalur across an agent
    // that stops keeping them (release(): an upgrade), so the next agent
    // puts back the host's own values, not its predecessor's; "" for none.
    explicit Sysctls(std::string root = "/proc/sys", std::string saved = "");
    Sysctls(const Sysctls &) = delete;
    ~Sysctls() { restore(); }

    // A sysctl whose file does not exist (a WAN interface not there yet) is
    // skipped, and written by a later call once it does.
    Result<void> apply(const std::vector<control::Sysctl> &wanted);
    void restore();                   // every value back as it was
    void release() // leave them set, and `saved` (an upgrade: the next agent restores)
    {
        before_.clear();
        saved_.clear();
    }

    const std::map<std::string, std::string> &before() const { return before_; }

private:
    void save() const;
    std::string root_;
    std::string saved_;
    std::map<std::string, std::string> before_; // path -> value before jalur wrote it
};

Result<std::string> read_sysctl(const std::string &file);

} // namespace jalur::host
