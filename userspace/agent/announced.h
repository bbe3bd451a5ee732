// SPDX-License-Identifier: GPL-2.0-only
// The WAN states the agent has announced (alerted), kept in the state
// directory so that a restart starts each WAN where the last run left it:
// an outage that goes on across a restart is not alerted a second time,
// and its end is.
#pragma once

#include <map>
#include <set>
#include <string>

namespace jalur::agent {

class Announced {
public:
    // Reads DIR/wan-states; a missing or unreadable file is an empty record
    // (a first start), a malformed line is skipped.
    static Announced load(const std::string &state_dir);

    // The state last announced for a WAN: "up", "degraded", "down"; "" if none.
    std::string state(const std::string &wan) const;
    // Records a state and writes the file (atomically: a crash leaves the
    // old file or the new one). A write error is logged once, not fatal.
    void set(const std::string &wan, const std::string &state);
    // Forgets WANs no longer configured.
    void keep_only(const std::set<std::string> &wans);

private:
    void save();
    std::string file_;
    std::map<std::string, std::string> states_;
    bool warned_ = false;
};

} // namespace jalur::agent
