// SPDX-License-Identifier: GPL-2.0-only
// An unknown subcommand named as such, with the valid ones (CLI11 alone
// says "A subcommand is required" to `jalur drain isp1`), and, when it is
// the subcommand of another, where it is: "did you mean 'jalur wan drain'?".
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace jalur::cli {

inline CLI::App *find_subcommand(CLI::App *app, const std::string &name)
{
    auto found = app->get_subcommands([&](CLI::App *s) { return s->get_name() == name; });
    return found.empty() ? nullptr : found.front();
}

// The message for argv's first unknown subcommand where one is required;
// nullopt when every subcommand given is known.
inline std::optional<std::string> unknown_subcommand(CLI::App &app, int argc, char **argv)
{
    CLI::App *at = &app;
    std::string path = app.get_name().empty() ? "jalur" : app.get_name();
    for (int i = 1; i < argc; i++) {
        std::string word = argv[i];
        if (word.empty() || word[0] == '-')
            continue;
        if (at->get_require_subcommand_min() == 0)
            return std::nullopt; // a positional argument of a command
        if (auto *sub = find_subcommand(at, word)) {
            at = sub;
            path += " " + word;
            continue;
        }
        std::string valid, elsewhere;
        for (auto *s : at->get_subcommands([](CLI::App *) { return true; })) {
            valid += (valid.empty() ? "" : ", ") + s->get_name();
            if (find_subcommand(s, word))
                elsewhere = path + " " + s->get_name() + " " + word;
        }
        std::string msg = path + ": unknown command '" + word + "'; commands: " + valid;
        if (!elsewhere.empty())
            msg += "; did you mean '" + elsewhere + "'?";
        return msg;
    }
    return std::nullopt;
}

} // namespace jalur::cli
