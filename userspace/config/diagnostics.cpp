// SPDX-License-Identifier: GPL-2.0-only
#include "config/diagnostics.h"

#include <algorithm>

namespace jalur::config {

Location Diagnostics::at(const YAML::Node &n) const
{
    YAML::Mark m = n.IsDefined() ? n.Mark() : YAML::Mark::null_mark();
    if (m.is_null())
        return {file_, 1, 1};
    return {file_, m.line + 1, m.column + 1};
}

void Diagnostics::error(const Location &where, std::string what)
{
    errors_.push_back({where, std::move(what)});
}

std::string Diagnostics::message() const
{
    // Sections are checked in dependency order (rules after policies), but
    // people read a file top to bottom: sort, keeping the order of errors
    // at one place.
    auto sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Entry &a, const Entry &b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    std::string out;
    for (const auto &e : sorted) {
        if (!out.empty())
            out += '\n';
        out += e.where.str() + ": " + e.what;
    }
    return out;
}

} // namespace jalur::config
