// SPDX-License-Identifier: GPL-2.0-only
#include "cli/commands.h"
#include "cli/load_config.h"
#include "ctl/client.h"

#include <filesystem>
#include <iostream>

namespace jalur::cli {

void add_reload(CLI::App &app)
{
    auto *cmd = app.add_subcommand("reload", "Have the running agent load, check and apply a config as a diff, "
                                             "through its control socket; prints what it applied, or why it "
                                             "refused (exit 1) while the running config stays");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    static std::string socket;
    auto *config_opt = cmd->add_option("-c,--config", config_path,
                                       "Config to apply; from then on the agent's config file. Without it the "
                                       "agent re-reads its own file (this file still names the control socket)")
                           ->capture_default_str();
    cmd->add_option("--socket", socket, "The agent's control socket (default: control.socket of the config, or "
                                        "the one derived from its bpffs)");
    cmd->callback([config_opt] {
        bool given = config_opt->count() > 0;
        std::string path = socket;
        if (path.empty()) {
            // the config names the socket; refused here already when invalid
            if (!given && !std::filesystem::exists(config_path))
                path = config::control_socket_for(config::Config{}.bpffs);
            else
                path = load_config_or_exit(config_path, true, "not reloaded; the running config stays")
                           .control.socket;
        }
        ctl::Request req{"reload", {}};
        if (given) // the agent runs elsewhere (systemd, a namespace): an absolute path
            req.args["config"] = std::filesystem::absolute(config_path).lexically_normal().string();
        auto reply = ctl::call(path, req);
        if (!reply) {
            std::cerr << "jalur reload: " << reply.error().message << "\n";
            throw CLI::RuntimeError(1);
        }
        if (!reply->ok) {
            std::cerr << "jalur reload: refused by the agent: " << reply->text << "\n";
            throw CLI::RuntimeError(1);
        }
        std::cout << reply->text << "\n";
    });
}

} // namespace jalur::cli
