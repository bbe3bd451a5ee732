// SPDX-License-Identifier: GPL-2.0-only
#include "cli/commands.h"
#include "cli/unknown_command.h"

#include <iostream>

int main(int argc, char **argv)
{
    CLI::App app{"jalur: multi-WAN load balancing and failover with an eBPF data path"};
    app.require_subcommand(1);
    jalur::cli::add_version(app);
    jalur::cli::add_run(app);
    jalur::cli::add_reload(app);
    jalur::cli::add_status(app);
    jalur::cli::add_flows(app);
    jalur::cli::add_check(app);
    jalur::cli::add_doctor(app);
    jalur::cli::add_wan(app);
    jalur::cli::add_events(app);
    jalur::cli::add_why(app);
    jalur::cli::add_quota(app);
    if (auto unknown = jalur::cli::unknown_subcommand(app, argc, argv)) {
        std::cerr << *unknown << "\n";
        return 2;
    }
    CLI11_PARSE(app, argc, argv);
    return 0;
}
