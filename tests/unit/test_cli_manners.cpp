// SPDX-License-Identifier: GPL-2.0-only
// CLI manners: an unknown subcommand is named with the valid ones (and
// where it lives, when it is another command's); a directory given as the
// config says so instead of "the file is empty".
#include "cli/unknown_command.h"
#include "config/parse.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace jalur;

namespace {

std::optional<std::string> unknown(std::vector<std::string> args)
{
    CLI::App app{"test"};
    app.name("jalur");
    app.require_subcommand(1);
    app.add_subcommand("status", "");
    auto *reload = app.add_subcommand("reload", "");
    std::string config;
    reload->add_option("-c,--config", config);
    auto *wan = app.add_subcommand("wan", "");
    wan->require_subcommand(1);
    wan->add_subcommand("drain", "");
    wan->add_subcommand("list", "");
    std::vector<char *> argv{const_cast<char *>("jalur")};
    for (auto &a : args)
        argv.push_back(a.data());
    return cli::unknown_subcommand(app, static_cast<int>(argv.size()), argv.data());
}

} // namespace

TEST_CASE("cli: an unknown subcommand is named, with the valid ones and where it lives")
{
    CHECK(unknown({"drain", "isp1"}) ==
          "jalur: unknown command 'drain'; commands: status, reload, wan; did you mean 'jalur wan drain'?");
    CHECK(unknown({"wan", "dran", "isp1"}) == "jalur wan: unknown command 'dran'; commands: drain, list");
    CHECK(unknown({"stat"}) == "jalur: unknown command 'stat'; commands: status, reload, wan");
    CHECK(!unknown({"wan", "drain", "isp1"}));
    CHECK(!unknown({"reload", "--config", "x.yaml"}));
    CHECK(!unknown({"--help"}));
    CHECK(!unknown({}));
}

TEST_CASE("config: a directory is named as such")
{
    auto dir = std::filesystem::temp_directory_path();
    auto r = config::load_file(dir.string());
    REQUIRE(!r);
    CHECK(r.error().message.find(": is a directory; give the config file in it (e.g. ") != std::string::npos);
}
