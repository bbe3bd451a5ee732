// SPDX-License-Identifier: GPL-2.0-only
// The three views of a Status: Prometheus text (/metrics), JSON (/status,
// `jalur status --json`) and the table `jalur status` prints. One renderer
// each, shared by the endpoint and the CLI.
#pragma once

#include "metrics/exposition.h"
#include "metrics/status_model.h"

#include <string>

namespace jalur::metrics {

void render_metrics(const Status &s, Writer &w);
std::string render_status_json(const Status &s);
std::string render_status_text(const Status &s);

// "2026-11-22T10:04:05Z"
std::string rfc3339(WallClock::time_point t);

} // namespace jalur::metrics
