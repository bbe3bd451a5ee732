// SPDX-License-Identifier: GPL-2.0-only
// The quota part of /metrics, /status and `jalur status` (issue 20): per
// WAN used, limit, share, projection and the period, and the bytes the
// health probes spent on each WAN.
#pragma once

#include "control/quota_book.h"
#include "health/monitor.h"
#include "metrics/state_board.h"

#include <map>
#include <string>
#include <vector>

namespace jalur::agent {

// `problem`: what reading the usage file at start found wrong ("" none).
metrics::Section quota_section(std::vector<control::QuotaView> views, std::map<std::string, health::ProbeCost> probes,
                               std::string problem);

} // namespace jalur::agent
