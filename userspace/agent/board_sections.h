// SPDX-License-Identifier: GPL-2.0-only
// The parts of /metrics and /status that the agent's subsystems own (rogue
// DHCP servers seen, the alert queue), as state-board sections: each
// renderer holds a copy of what it shows, never a pointer into the agent.
#pragma once

#include "dhcp/rogue_alerts.h"
#include "metrics/state_board.h"
#include "notify/notifier.h"

namespace jalur::agent {

// Every server RogueAlerts tracks: per-server event counts (server_mac and
// port labels, at most `max_series` of them, the rest under "other") and,
// in /status, the servers with when they were first and last seen.
metrics::Section rogue_servers_section(const dhcp::RogueAlerts &alerts, size_t max_series = 64);
metrics::Section notify_section(const notify::Stats &stats);

} // namespace jalur::agent
