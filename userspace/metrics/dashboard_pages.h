// SPDX-License-Identifier: GPL-2.0-only
// The dashboard on the HTTP endpoint: the page at / (web/, embedded in the
// binary at build time) and the JSON it polls, /api/dashboard
// (dashboard_json.h). Read-only: actions stay with the CLI and the control
// socket.
#pragma once

#include "metrics/http_server.h"
#include "metrics/status_model.h"

#include <functional>

namespace jalur::metrics {

// Adds the page's files and /api/dashboard to `h`; `status` collects a
// Status per request (the board's copy and the pins).
void add_dashboard(Handlers &h, std::function<Status()> status);

} // namespace jalur::metrics
