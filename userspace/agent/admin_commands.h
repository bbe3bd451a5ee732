// SPDX-License-Identifier: GPL-2.0-only
// The control socket's steering commands (issue 21):
//   {"command": "wan", "action": "drain|disable|enable", "name": "isp1",
//    "for": "30m", "reason": "..."}       a WAN's admin state, by the peer
//   {"command": "wan", "action": "list", "format": "json"}
//   {"command": "events", "after": "SEQ", "since": "UNIX", "format": "json"}
//   {"command": "why", ...}                 agent/why_command.h
// Who did it is the peer's uid (SO_PEERCRED), named when it has a name.
#pragma once

#include "agent/agent.h"
#include "ctl/server.h"

#include <string>

namespace jalur::agent {

void add_admin_commands(Agent &agent, ctl::Server &server);

// "root (uid 0)", "ana (uid 1000)", "uid 4242"
std::string peer_name(const ctl::Peer &peer);

// At most this much event text in one reply (the client reads 1 MiB at
// most, and the reply escapes it once more); "more" says to ask again.
constexpr size_t kMaxEventsReply = 256 * 1024;

// The events after `after` and at or after `since_unix`, one a line (text or
// JSON), bounded by kMaxEventsReply; data "last_seq" (to ask for what comes
// next) and "more".
ctl::Reply events_reply(const EventLog &log, uint64_t after, int64_t since_unix, bool json);

} // namespace jalur::agent
