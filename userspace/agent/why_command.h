// SPDX-License-Identifier: GPL-2.0-only
// The control socket's "why": the data path's decision for a connection,
// explained with the config's names.
//   {"command": "why", "src": "192.0.2.11", "dst": "198.51.100.10",
//    "proto": "tcp", "sport": "51000", "dport": "443", "in": "br-lan",
//    "format": "json"}
// The decision is the data path's own (datapath/why.h: its code on the
// live maps, as a dry run); this only names what it found.
#pragma once

#include "agent/agent.h"
#include "ctl/message.h"
#include "jalur/why.h"

#include <string>

namespace jalur::agent {

ctl::Reply why_command(Agent &agent, const ctl::Request &req);

// The explanation of `w` with the names of `core`'s config and ids: one
// line per step, or a JSON object.
std::string why_text(const control::Core &core, const jalur_why &w, const std::string &connection, bool json);

} // namespace jalur::agent
