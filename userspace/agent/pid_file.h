// SPDX-License-Identifier: GPL-2.0-only
// Where a running agent can be found: one pid file per pin directory, so
// several agents (one per namespace, as in the lab) never collide. The
// agent's Instance (agent/instance.h) writes it while it holds the pin
// directory's lock.
#pragma once

#include "common/result.h"

#include <string>
#include <sys/types.h>

namespace jalur::agent {

std::string pid_file_for(const std::string &bpffs);

// The pid of the agent running with this pin directory, if it is alive.
Result<pid_t> running_agent(const std::string &bpffs);

} // namespace jalur::agent
