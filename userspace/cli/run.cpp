// SPDX-License-Identifier: GPL-2.0-only
#include "agent/agent.h"
#include "cli/commands.h"
#include "cli/doctor.h"
#include "cli/load_config.h"
#include "cli/logging.h"
#include "config/parse.h"

#include <spdlog/spdlog.h>

#include <iostream>

namespace jalur::cli {

void add_run(CLI::App &app)
{
    auto *cmd = app.add_subcommand("run", "Run the agent: load and attach the data path, install policy routing, "
                                          "keep them current. SIGHUP reloads the config, SIGTERM stops and "
                                          "undoes everything");
    static std::string config_path = "/etc/jalur/jalur.yaml";
    static std::string log_level;
    static bool keep = false;
    cmd->add_option("-c,--config", config_path, "Config file")->capture_default_str();
    cmd->add_option("-l,--log-level", log_level, "trace|debug|info|warn|error (overrides the config)");
    cmd->add_flag("--keep-datapath", keep,
                  "On stop, leave programs, pins and routing in place (for an upgrade: the next `jalur run` "
                  "adopts them)");
    cmd->callback([] {
        auto cfg = load_config_or_exit(config_path, true, "not started, nothing changed");
        // what `jalur doctor` finds would certainly break traffic: refused before anything is touched
        if (auto fatal = fatal_checks(cfg); !fatal.empty()) {
            for (const auto &c : fatal)
                std::cerr << c.what << ": " << c.message << "\n  fix: " << c.fix << "\n";
            std::cerr << config_path << ": not started, nothing changed (jalur doctor checks the rest)\n";
            throw CLI::RuntimeError(1);
        }
        setup_logging(log_level.empty() ? cfg.log_level : log_level);
        agent::RunOptions opts;
        opts.keep_datapath = keep;
        auto a = agent::Agent::start(std::move(cfg), opts);
        if (!a) {
            spdlog::error("{}", a.error().message);
            throw CLI::RuntimeError(1);
        }
        if (auto r = a.value()->run(); !r) {
            spdlog::error("{}", r.error().message);
            throw CLI::RuntimeError(1);
        }
    });
}

} // namespace jalur::cli
