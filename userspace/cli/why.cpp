// SPDX-License-Identifier: GPL-2.0-only
// `jalur why SRC DST [PROTO SPORT DPORT]`: why a connection leaves by the
// WAN it does, asked of the running agent, which runs the data path's own
// decision on the live maps (datapath/why.h) and names what it found.
#include "cli/agent_call.h"
#include "cli/commands.h"

#include <iostream>

namespace jalur::cli {

namespace {

AgentOptions opts;
std::vector<std::string> words;
std::string in;
bool json = false;

} // namespace

void add_why(CLI::App &app)
{
    auto *cmd = app.add_subcommand("why", "Explain the decision for a connection: pinned flow, rule, policy, "
                                          "hash and slot or affinity, fallback, and the WAN (a TCP connection "
                                          "from port 40000 to 443 unless PROTO SPORT DPORT are given)");
    cmd->add_option("SRC DST [PROTO SPORT DPORT]", words, "e.g. 192.0.2.11 198.51.100.10 tcp 51000 443")
        ->required()
        ->expected(2, 5);
    cmd->add_option("--in", in, "The LAN interface it arrives on (default: the config's first)");
    cmd->add_flag("--json", json, "Print JSON");
    add_agent_options(cmd, opts);
    cmd->callback([] {
        if (words.size() != 2 && words.size() != 5) {
            std::cerr << "jalur why: expected SRC DST, or SRC DST PROTO SPORT DPORT (got " << words.size()
                      << " words)\n";
            throw CLI::RuntimeError(2);
        }
        ctl::Request req{"why", {{"src", words[0]}, {"dst", words[1]}}};
        if (words.size() == 5) {
            req.args["proto"] = words[2];
            req.args["sport"] = words[3];
            req.args["dport"] = words[4];
        }
        if (!in.empty())
            req.args["in"] = in;
        if (json)
            req.args["format"] = "json";
        auto text = call_agent_or_exit("why", opts, req).text;
        std::cout << text << (json ? "\n" : "");
    });
}

} // namespace jalur::cli
