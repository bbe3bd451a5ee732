// SPDX-License-Identifier: GPL-2.0-only
// Reload, from SIGHUP or the control socket: the config file read, checked
// against the host, and refused when it changes what only a restart can.
#pragma once

#include "agent/agent.h"
#include "ctl/message.h"
#include "ctl/server.h"

#include <string>

namespace jalur::agent {

// The config in `path`, ready for Agent::reload, or every reason it is not.
Result<config::Config> load_for_reload(const std::string &path, const config::Config &running);

// The control socket's "reload": {"command": "reload"} re-reads the agent's
// own file; {"command": "reload", "config": "/abs/path"} applies that file,
// which is from then on the agent's file (SIGHUP re-reads it). The agent
// reads the file as root: a peer other than root gets only a file its uid or
// gid may read, so the socket cannot be used to read (the errors of) any file.
ctl::Reply reload_command(Agent &agent, const ctl::Request &req, const ctl::Peer &peer);

} // namespace jalur::agent
