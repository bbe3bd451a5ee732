// SPDX-License-Identifier: GPL-2.0-only
#include "cli/commands.h"

#include <bpf/libbpf.h>

#include <iostream>

namespace jalur::cli {

void add_version(CLI::App &app)
{
    auto *cmd = app.add_subcommand("version", "Print jalur's version and the libbpf it was built with");
    cmd->callback([] {
        std::cout << "jalur " << JALUR_VERSION << "\n"
                  << "libbpf " << libbpf_major_version() << "." << libbpf_minor_version() << "\n";
    });
}

} // namespace jalur::cli
