// SPDX-License-Identifier: GPL-2.0-only
// What the rest of the agent hands to the notifier: a kind of event and its
// facts as template variables. The alert vocabulary (kinds, templates,
// Telegram HTML text) is pure and its own library, below config, so that
// config can check templates without linking the sender.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace jalur::notify {

enum class Kind {
    WanDown,
    WanDegraded,
    WanUp,
    RogueDhcp,
    AgentStart,
    AgentStop,
    AllWansDown,
    WanAdmin,      // jalur wan drain|disable|enable (issue 21)
    QuotaWarning,  // a data cap's warn_at threshold crossed (issue 20)
    QuotaExceeded, // ... 100 %
    QuotaReset,    // a new period began
};

struct Alert {
    Kind kind;
    std::map<std::string, std::string> vars; // template variables; values are untrusted text, escaped when rendered
    int64_t time_unix = 0;                   // when it happened
};

} // namespace jalur::notify
