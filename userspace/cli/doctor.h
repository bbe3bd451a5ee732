// SPDX-License-Identifier: GPL-2.0-only
// The facts of this host that `jalur doctor` judges (host/doctor.h), and
// the checks `jalur run` refuses to start on.
#pragma once

#include "config/model.h"
#include "host/doctor.h"

#include <vector>

namespace jalur::cli {

host::Facts gather_facts(const config::Config &cfg);

// The failed checks that would certainly break traffic (forwarding off, a
// strict rp_filter on a WAN, native XDP asked of a driver without it).
std::vector<host::Check> fatal_checks(const config::Config &cfg);

} // namespace jalur::cli
