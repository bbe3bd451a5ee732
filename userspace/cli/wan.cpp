// SPDX-License-Identifier: GPL-2.0-only
// `jalur wan drain|disable|enable NAME` and `jalur wan list`: the admin
// state of the WANs, set in the running agent through its control socket.
#include "cli/agent_call.h"
#include "cli/commands.h"

#include <iostream>

namespace jalur::cli {

namespace {

AgentOptions opts;
std::string name, for_, reason;
bool json = false;

void add_change(CLI::App *wan, const char *action, const char *help)
{
    auto *cmd = wan->add_subcommand(action, help);
    cmd->add_option("NAME", name, "The WAN, by its name in the config")->required();
    if (std::string(action) != "enable") {
        cmd->add_option("--for", for_, "Undo it by itself after this long: 90s, 30m, 2h, 1d (at most 30d); "
                                       "default: until `jalur wan enable`");
        cmd->add_option("--reason", reason, "Why, for the event log, the status and the alert");
    } else {
        cmd->add_option("--reason", reason, "Why, for the event log and the alert");
    }
    add_agent_options(cmd, opts);
    cmd->callback([action] {
        ctl::Request req{"wan", {{"action", action}, {"name", name}}};
        if (!for_.empty())
            req.args["for"] = for_;
        if (!reason.empty())
            req.args["reason"] = reason;
        std::cout << call_agent_or_exit(std::string("wan ") + action, opts, req).text << "\n";
    });
}

} // namespace

void add_wan(CLI::App &app)
{
    auto *wan = app.add_subcommand("wan", "Take a WAN out of service or put it back, in the running agent, until "
                                          "undone (kept across restarts), or for a while");
    wan->require_subcommand(1);
    add_change(wan, "drain", "No new connections through the WAN; the ones it carries run until they end");
    add_change(wan, "disable", "The WAN down now: its connections move to the others");
    add_change(wan, "enable", "Back to what health says");
    auto *list = wan->add_subcommand("list", "Each WAN's health and admin state (who, why, until when)");
    list->add_flag("--json", json, "Print JSON");
    add_agent_options(list, opts);
    list->callback([] {
        ctl::Request req{"wan", {{"action", "list"}}};
        if (json)
            req.args["format"] = "json";
        auto text = call_agent_or_exit("wan list", opts, req).text;
        std::cout << text << (json ? "\n" : "");
    });
}

} // namespace jalur::cli
