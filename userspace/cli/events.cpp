// SPDX-License-Identifier: GPL-2.0-only
// `jalur events [--since 1h] [--follow] [--json]`: the running agent's event
// log (WAN transitions, alerts, admin actions, reloads, rogue DHCP
// sightings), read through its control socket. --follow asks every second
// for what came after the last event it printed.
#include "agent/admin_store.h"
#include "cli/agent_call.h"
#include "cli/commands.h"

#include <chrono>
#include <iostream>
#include <thread>

namespace jalur::cli {

namespace {

AgentOptions opts;
std::string since;
bool follow = false, json = false;

} // namespace

void add_events(CLI::App &app)
{
    auto *cmd = app.add_subcommand("events", "What the running agent saw and did: WAN transitions, alerts, admin "
                                             "actions, reloads, rogue DHCP sightings (its last 1000 events)");
    cmd->add_option("--since", since, "Only events of the last 90s, 30m, 2h, 1d, ...");
    cmd->add_flag("-f,--follow", follow, "Keep printing new events as they happen (until interrupted)");
    cmd->add_flag("--json", json, "One JSON object per event and line");
    add_agent_options(cmd, opts);
    cmd->callback([] {
        ctl::Request req{"events", {}};
        if (!since.empty()) {
            auto d = agent::parse_admin_duration(since);
            if (!d) {
                std::cerr << "jalur events: --since: " << d.error().message << "\n";
                throw CLI::RuntimeError(1);
            }
            auto from = std::chrono::system_clock::now() - d.value();
            req.args["since"] =
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(from.time_since_epoch()).count());
        }
        if (json)
            req.args["format"] = "json";
        std::string socket = agent_socket(opts);
        bool first = true, waiting = false;
        for (;;) {
            auto reply = ctl::call(socket, req, std::chrono::seconds(10));
            if (!reply || !reply->ok) {
                std::string why = !reply ? reply.error().message : "refused by the agent: " + reply->text;
                if (first || !follow) {
                    std::cerr << "jalur events: " << why << "\n";
                    throw CLI::RuntimeError(1);
                }
                if (!waiting) // an agent restarting: the next one is followed from its first event
                    std::cerr << "jalur events: " << why << "; waiting for the agent\n";
                waiting = true;
                std::this_thread::sleep_for(std::chrono::seconds(1));
                continue;
            }
            first = waiting = false;
            std::cout << reply->text << std::flush;
            req.args["after"] = reply->data["last_seq"];
            if (reply->data["more"] == "true")
                continue;
            if (!follow)
                return;
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    });
}

} // namespace jalur::cli
