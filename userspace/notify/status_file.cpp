// SPDX-License-Identifier: GPL-2.0-only
#include "notify/status_file.h"

#include "alerts/templates.h"

#include <fstream>
#include <regex>
#include <sstream>

namespace jalur::notify {

namespace {

// The file is ours and flat: "key":number
int64_t field(const std::string &json, const std::string &key)
{
    std::smatch m;
    if (std::regex_search(json, m, std::regex("\"" + key + "\":(-?[0-9]+)")))
        return std::stoll(m[1]);
    return 0;
}

} // namespace

std::string status_summary(const std::string &spool_dir, int64_t now_unix)
{
    std::ifstream in(spool_dir + "/status.json");
    if (!in)
        return "";
    std::stringstream ss;
    ss << in.rdbuf();
    std::string j = ss.str();
    int64_t queued = field(j, "queued"), oldest = field(j, "oldest_created_unix"),
            last = field(j, "last_success_unix");
    std::string out = "alerts: " + std::to_string(queued) + " waiting";
    if (queued && oldest)
        out += " (oldest " + human_duration(static_cast<double>(now_unix - oldest)) + ")";
    out += ", last sent " + (last ? format_time(last) : std::string("never since start"));
    out += ", sent " + std::to_string(field(j, "sent")) + ", failed " + std::to_string(field(j, "failed")) +
           ", dropped " + std::to_string(field(j, "dropped"));
    if (j.find("\"running\":false") != std::string::npos)
        out += " (agent stopped)";
    return out;
}

} // namespace jalur::notify
