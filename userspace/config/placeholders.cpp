// SPDX-License-Identifier: GPL-2.0-only
#include "config/placeholders.h"

namespace jalur::config {

namespace {

// Bounded in depth and in nodes visited: aliases can make a small file a
// huge tree ("billion laughs"); what lies beyond is left to the section
// parsers, which read only the keys they know.
struct Walk {
    Diagnostics &d;
    bool found = false;
    size_t budget = 100000;
};

void walk(Walk &w, const YAML::Node &n, const std::string &path, int depth)
{
    if (depth > 16 || w.budget == 0)
        return;
    w.budget--;
    if (n.IsScalar()) {
        const std::string &s = n.Scalar();
        if (s.rfind(kPlaceholder, 0) != 0)
            return;
        std::string what = s.substr(std::string(kPlaceholder).size());
        // "EDIT-ME (the LAN interface)": the words in parentheses say what
        while (!what.empty() && (what.front() == '(' || what.front() == ' '))
            what.erase(what.begin());
        if (!what.empty() && what.back() == ')')
            what.pop_back();
        w.d.error(w.d.at(n), (path.empty() ? std::string("a value") : path) + ": edit this placeholder" +
                             (what.empty() ? std::string() : ": " + what));
        w.found = true;
    } else if (n.IsSequence()) {
        for (size_t i = 0; i < n.size(); i++)
            walk(w, n[i], path + "[" + std::to_string(i) + "]", depth + 1);
    } else if (n.IsMap()) {
        for (const auto &kv : n)
            if (kv.first.IsScalar())
                walk(w, kv.second, (path.empty() ? "" : path + ".") + kv.first.Scalar(), depth + 1);
    }
}

} // namespace

bool report_placeholders(Diagnostics &d, const YAML::Node &doc)
{
    Walk w{d};
    walk(w, doc, "", 0);
    return w.found;
}

} // namespace jalur::config
