// SPDX-License-Identifier: GPL-2.0-only
#include "agent/announced.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jalur::agent {

namespace {

bool known_state(const std::string &s) { return s == "up" || s == "degraded" || s == "down"; }

} // namespace

Announced Announced::load(const std::string &state_dir)
{
    Announced a;
    a.file_ = state_dir + "/wan-states";
    std::ifstream in(a.file_);
    std::string line;
    size_t lines = 0;
    while (lines++ < 1024 && std::getline(in, line)) { // bounded: the file is ours, but a disk is not
        std::istringstream fields(line);
        std::string name, state;
        if (fields >> name >> state && known_state(state))
            a.states_[name] = state;
    }
    return a;
}

std::string Announced::state(const std::string &wan) const
{
    auto it = states_.find(wan);
    return it == states_.end() ? "" : it->second;
}

void Announced::set(const std::string &wan, const std::string &state)
{
    if (states_[wan] == state)
        return;
    states_[wan] = state;
    save();
}

void Announced::keep_only(const std::set<std::string> &wans)
{
    bool changed = false;
    for (auto it = states_.begin(); it != states_.end();)
        if (!wans.count(it->first)) {
            it = states_.erase(it);
            changed = true;
        } else {
            ++it;
        }
    if (changed)
        save();
}

void Announced::save()
{
    std::error_code ec;
    auto dir = std::filesystem::path(file_).parent_path();
    std::filesystem::create_directories(dir, ec);
    std::string tmp = file_ + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const auto &[name, state] : states_)
            out << name << " " << state << "\n";
        out.flush();
        if (!out)
            ec = std::make_error_code(std::errc::io_error);
    }
    if (!ec)
        std::filesystem::rename(tmp, file_, ec);
    if (ec && !warned_) {
        spdlog::warn("state: cannot write {}: {}; a restart may repeat WAN alerts", file_, ec.message());
        warned_ = true;
    } else if (!ec) {
        warned_ = false;
    }
}

} // namespace jalur::agent
