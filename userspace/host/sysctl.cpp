// SPDX-License-Identifier: GPL-2.0-only
#include "host/sysctl.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace jalur::host {

namespace {

Result<void> write_sysctl(const std::string &file, const std::string &value)
{
    std::ofstream out(file);
    out << value << "\n";
    out.flush();
    if (!out)
        return sys_error("writing " + value + " to " + file, errno);
    return {};
}

} // namespace

Result<std::string> read_sysctl(const std::string &file)
{
    std::ifstream in(file);
    std::string v;
    if (!in || !std::getline(in, v))
        return sys_error("reading " + file, errno);
    return v;
}

Sysctls::Sysctls(std::string root, std::string saved) : root_(std::move(root)), saved_(std::move(saved))
{
    if (saved_.empty())
        return;
    std::ifstream in(saved_);
    std::string line;
    while (std::getline(in, line))
        if (auto eq = line.find('='); eq != std::string::npos && eq > 0)
            before_[line.substr(0, eq)] = line.substr(eq + 1);
    if (!before_.empty())
        spdlog::info("sysctl: {} value(s) from before jalur, kept by the agent before this one ({})", before_.size(),
                     saved_);
}

void Sysctls::save() const
{
    if (saved_.empty())
        return;
    if (before_.empty()) {
        std::remove(saved_.c_str());
        return;
    }
    // a failure costs the restore after an upgrade, not the running agent
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(saved_).parent_path(), ec);
    std::ofstream out(saved_ + ".tmp", std::ios::trunc);
    for (const auto &[path, value] : before_)
        out << path << "=" << value << "\n";
    out.close();
    if (!out || std::rename((saved_ + ".tmp").c_str(), saved_.c_str()) != 0)
        spdlog::warn("sysctl: cannot keep the values before jalur in {}", saved_);
}

Result<void> Sysctls::apply(const std::vector<control::Sysctl> &wanted)
{
    std::set<std::string> paths;
    Result<void> first_error;
    size_t known = before_.size(); // a change is saved (entries are only added or removed)
    for (const auto &s : wanted) {
        paths.insert(s.path);
        std::string file = root_ + "/" + s.path;
        auto now = read_sysctl(file);
        if (!now) {
            if (now.error().err == ENOENT)
                continue; // the interface is not there (yet)
            if (first_error)
                first_error = now.error();
            continue;
        }
        if (now.value() == s.value)
            continue;
        if (!before_.count(s.path))
            before_[s.path] = now.value();
        if (auto r = write_sysctl(file, s.value); !r) {
            if (first_error)
                first_error = r.error();
            continue;
        }
        spdlog::info("sysctl {}: {} -> {}", s.path, now.value(), s.value);
    }
    // what the plan no longer wants goes back at once
    for (auto it = before_.begin(); it != before_.end();) {
        if (paths.count(it->first)) {
            ++it;
            continue;
        }
        if (auto r = write_sysctl(root_ + "/" + it->first, it->second); r)
            spdlog::info("sysctl {}: {} again", it->first, it->second);
        it = before_.erase(it);
        known = SIZE_MAX; // changed
    }
    if (before_.size() != known)
        save();
    return first_error;
}

void Sysctls::restore()
{
    for (const auto &[path, value] : before_) {
        // an interface gone since: nothing to put back
        if (auto r = write_sysctl(root_ + "/" + path, value); !r && r.error().err != ENOENT)
            spdlog::warn("sysctl {}: not restored to {}: {}", path, value, r.error().message);
        else if (r)
            spdlog::info("sysctl {}: {} again", path, value);
    }
    before_.clear();
    save();
}

} // namespace jalur::host
