// SPDX-License-Identifier: GPL-2.0-only
#include "agent/pid_file.h"
#include "cli/commands.h"
#include "cli/load_config.h"

#include <signal.h>

#include <iostream>

namespace jalur::cli {

void add_reload(CLI::App &app)
{
    auto *cmd = app.add_subcommand("reload", "Validate the config, then have the running agent apply it as a diff "
                                             "(as SIGHUP does); an invalid config is refused here and the running "
                                             "one stays");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    cmd->add_option("-c,--config", config_path, "Config file of the running agent")->capture_default_str();
    cmd->callback([] {
        auto cfg = load_config_or_exit(config_path, true, "not reloaded; the running config stays");
        auto pid = agent::running_agent(cfg.bpffs);
        if (!pid) {
            std::cerr << pid.error().message << "\n";
            throw CLI::RuntimeError(1);
        }
        if (kill(pid.value(), SIGHUP) != 0) {
            std::cerr << "cannot signal the agent (pid " << pid.value() << ")\n";
            throw CLI::RuntimeError(1);
        }
        std::cout << "reload sent to the agent (pid " << pid.value() << "); its log says what was applied\n";
    });
}

} // namespace jalur::cli
