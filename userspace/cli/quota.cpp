// SPDX-License-Identifier: GPL-2.0-only
// `jalur quota reset WAN`: a top-up of a WAN's data cap (issue 20), through
// the running agent's control socket. Usage is shown by `jalur status`.
#include "cli/commands.h"
#include "cli/load_config.h"
#include "ctl/client.h"

#include <filesystem>
#include <iostream>

namespace jalur::cli {

void add_quota(CLI::App &app)
{
    auto *cmd = app.add_subcommand("quota", "Data caps per WAN (usage: jalur status)");
    cmd->require_subcommand(1);
    auto *reset = cmd->add_subcommand("reset", "Start a WAN's quota over at zero for the rest of the period (a "
                                               "top-up); it takes new connections again at once");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    static std::string socket, wan;
    reset->add_option("wan", wan, "The WAN, by name")->required();
    reset->add_option("-c,--config", config_path, "Config of the running agent (names its control socket)")
        ->capture_default_str();
    reset->add_option("--socket", socket, "The agent's control socket (default: from the config)");
    reset->callback([] {
        std::string path = socket;
        if (path.empty())
            path = std::filesystem::exists(config_path) ? load_config_or_exit(config_path, false).control.socket
                                                        : config::control_socket_for(config::Config{}.bpffs);
        auto reply = ctl::call(path, ctl::Request{"quota", {{"action", "reset"}, {"wan", wan}}});
        if (!reply) {
            std::cerr << "jalur quota reset: " << reply.error().message << "\n";
            throw CLI::RuntimeError(1);
        }
        if (!reply->ok) {
            std::cerr << "jalur quota reset: refused by the agent: " << reply->text << "\n";
            throw CLI::RuntimeError(1);
        }
        std::cout << reply->text << "\n";
    });
}

} // namespace jalur::cli
