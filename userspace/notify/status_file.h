// SPDX-License-Identifier: GPL-2.0-only
// The notifier's state for other processes (`jalur status`): status.json in
// the spool directory, rewritten by the worker on every change.
#pragma once

#include <cstdint>
#include <string>

namespace jalur::notify {

// One line for `jalur status`: "alerts: 3 waiting (oldest 42 s), last sent
// ..., sent 10, failed 0, dropped 0"; empty when there is no status file.
std::string status_summary(const std::string &spool_dir, int64_t now_unix);

} // namespace jalur::notify
