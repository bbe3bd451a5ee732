// SPDX-License-Identifier: GPL-2.0-only
// One function per subcommand: each registers its options and its action.
#pragma once

#include <CLI/CLI.hpp>

namespace jalur::cli {

void add_version(CLI::App &app);
void add_run(CLI::App &app);
void add_reload(CLI::App &app);
void add_status(CLI::App &app);
void add_flows(CLI::App &app);
void add_check(CLI::App &app);
void add_doctor(CLI::App &app);
void add_wan(CLI::App &app);
void add_events(CLI::App &app);
void add_why(CLI::App &app);
void add_quota(CLI::App &app);

} // namespace jalur::cli
