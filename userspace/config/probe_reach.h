// SPDX-License-Identifier: GPL-2.0-only
// Whether each WAN's probing can see beyond its gateway (issue 24). A WAN
// probed only at its gateway stays up through the most common outage of a
// small site: the modem or ONT answers, the ISP's network does not.
#pragma once

#include "config/model.h"

#include <string>
#include <vector>

namespace jalur::config {

// One warning per WAN whose targets are all its own gateway, for `jalur
// check` and the agent's log.
std::vector<std::string> gateway_only_probing(const Config &cfg);

} // namespace jalur::config
