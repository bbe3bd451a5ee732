// SPDX-License-Identifier: GPL-2.0-only
// A request to the running agent through its control socket, for the
// commands that steer or ask it (wan, events, why): the socket is --socket,
// else the config's (the default one's when that file does not exist); a
// failure or a refusal goes to stderr with the command's name, exit 1.
#pragma once

#include "cli/load_config.h"
#include "ctl/client.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <string>

namespace jalur::cli {

struct AgentOptions {
    std::string config = "/etc/jalur/jalur.yaml";
    std::string socket;
};

inline void add_agent_options(CLI::App *cmd, AgentOptions &o)
{
    cmd->add_option("-c,--config", o.config, "Config file of the running agent (names its control socket)")
        ->capture_default_str();
    cmd->add_option("--socket", o.socket, "The agent's control socket (default: control.socket of the config)");
}

inline std::string agent_socket(const AgentOptions &o)
{
    if (!o.socket.empty())
        return o.socket;
    if (!std::filesystem::exists(o.config))
        return config::control_socket_for(config::Config{}.bpffs);
    return load_config_or_exit(o.config, false).control.socket;
}

// The agent's reply when it is ok; otherwise "jalur WHAT: ..." on stderr and exit 1.
inline ctl::Reply call_agent_or_exit(const std::string &what, const AgentOptions &o, const ctl::Request &req)
{
    auto reply = ctl::call(agent_socket(o), req, std::chrono::seconds(10));
    if (!reply) {
        std::cerr << "jalur " << what << ": " << reply.error().message << "\n";
        throw CLI::RuntimeError(1);
    }
    if (!reply->ok) {
        std::cerr << "jalur " << what << ": refused by the agent: " << reply->text << "\n";
        throw CLI::RuntimeError(1);
    }
    return std::move(reply).value();
}

} // namespace jalur::cli
