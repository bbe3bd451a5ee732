// SPDX-License-Identifier: GPL-2.0-only
#include "host/sysctl.h"

#include <spdlog/spdlog.h>

#include <cerrno>
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

Result<void> Sysctls::apply(const std::vector<control::Sysctl> &wanted)
{
    std::set<std::string> paths;
    Result<void> first_error;
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
    }
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
}

} // namespace jalur::host
