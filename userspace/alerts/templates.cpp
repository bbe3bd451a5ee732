// SPDX-License-Identifier: GPL-2.0-only
#include "alerts/templates.h"

#include "alerts/text.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iterator>

namespace jalur::notify {

namespace {

struct KindInfo {
    Kind kind;
    const char *name;
    const char *text;
    std::vector<std::string> vars;
};

const std::vector<KindInfo> &kinds()
{
    static const std::vector<std::string> wan = {"wan", "interface", "cause", "down_for", "state"};
    // flows: "N connections reset" (issue 19)
    static const std::vector<std::string> wan_down = {"wan", "interface", "cause", "down_for", "state", "flows"};
    static const std::vector<std::string> quota = {"wan",       "interface",  "used",   "limit", "percent",
                                                   "days_left", "projection", "action", "period_end"};
    static const std::vector<KindInfo> k = {
        {Kind::WanDown, "wan_down",
         "🔴 <b>{host}: WAN {wan} is down</b>\nInterface: {interface}\nCause: {cause}\n{flows}\nAt: {time}",
         wan_down},
        {Kind::WanDegraded, "wan_degraded",
         "🟡 <b>{host}: WAN {wan} is degraded</b>\nInterface: {interface}\nCause: {cause}\nAt: {time}", wan},
        {Kind::WanUp, "wan_up",
         "🟢 <b>{host}: WAN {wan} is up</b>\nDown for: {down_for}\nInterface: {interface}\nCause: {cause}\nAt: {time}",
         wan},
        {Kind::RogueDhcp, "rogue_dhcp",
         "⚠️ <b>{host}: rogue DHCP server</b>\nServer MAC: {server_mac}\nServer IP: {server_ip} (id {server_id})\n"
         "Offered: {offered} to {client_mac}\nPort: {port}, VLAN: {vlan}\nSeen: {count} time(s)\n{message}\nAt: {time}",
         {"server_mac", "server_ip", "server_id", "offered", "client_mac", "port", "vlan", "message", "count"}},
        {Kind::AgentStart, "agent_start", "▶️ <b>{host}: jalur {version} started</b>\nWANs: {wans}\nAt: {time}",
         {"version", "wans"}},
        {Kind::AgentStop, "agent_stop", "⏹ <b>{host}: jalur {version} stopped</b>\nAt: {time}", {"version", "wans"}},
        {Kind::AllWansDown, "all_wans_down",
         "🚨 <b>{host}: every WAN is down</b>\nLast to go: {wan}\nLast resort: {last_resort}\nAt: {time}",
         {"wan", "last_resort"}},
        {Kind::WanAdmin, "wan_admin",
         "🔧 <b>{host}: WAN {wan} {action}</b>\nBy: {by}\nReason: {reason}\nUntil: {until}\nAt: {time}",
         {"wan", "action", "by", "reason", "until"}},
        {Kind::QuotaWarning, "quota_warning",
         "📶 <b>{host}: WAN {wan} has used {percent}% of its quota</b>\nUsed: {used} of {limit}\n"
         "Days left: {days_left}\nProjected by {period_end}: {projection}\nAt: {time}",
         quota},
        {Kind::QuotaExceeded, "quota_exceeded",
         "⛔ <b>{host}: WAN {wan} is over its quota</b>\nUsed: {used} of {limit}\nNow: {action}\n"
         "Days left: {days_left} (until {period_end})\nProjected: {projection}\nAt: {time}",
         quota},
        {Kind::QuotaReset, "quota_reset",
         "🔄 <b>{host}: WAN {wan}'s quota starts over</b>\nThe last period used: {used} of {limit}\n"
         "Next reset: {period_end} ({days_left} days)\nAt: {time}",
         quota},
    };
    return k;
}

const KindInfo &info(Kind k)
{
    for (const auto &i : kinds())
        if (i.kind == k)
            return i;
    return kinds().front(); // unreachable: every Kind is in the table
}

bool var_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Walks a template: literal text to `text`, each {name} to `var`.
template <typename Text, typename Var>
void walk(std::string_view t, Text text, Var var)
{
    size_t i = 0;
    while (i < t.size()) {
        if ((t[i] == '{' || t[i] == '}') && i + 1 < t.size() && t[i + 1] == t[i]) {
            text(t.substr(i, 1));
            i += 2;
            continue;
        }
        if (t[i] == '{') {
            size_t e = i + 1;
            while (e < t.size() && var_char(t[e]))
                e++;
            if (e < t.size() && t[e] == '}' && e > i + 1) {
                var(t.substr(i + 1, e - i - 1));
                i = e + 1;
                continue;
            }
        }
        text(t.substr(i, 1));
        i++;
    }
}

} // namespace

const char *kind_name(Kind k) { return info(k).name; }

std::optional<Kind> kind_from_name(std::string_view name)
{
    for (const auto &i : kinds())
        if (name == i.name)
            return i.kind;
    return std::nullopt;
}

const std::vector<Kind> &all_kinds()
{
    static const std::vector<Kind> all = [] {
        std::vector<Kind> v;
        for (const auto &i : kinds())
            v.push_back(i.kind);
        return v;
    }();
    return all;
}

const char *default_template(Kind k) { return info(k).text; }

std::vector<std::string> template_variables(Kind k)
{
    std::vector<std::string> v{"host", "time"};
    const auto &own = info(k).vars;
    v.insert(v.end(), own.begin(), own.end());
    return v;
}

Result<void> check_template(Kind k, std::string_view tmpl)
{
    auto known = template_variables(k);
    std::string unknown;
    std::map<std::string, std::string> sample;
    walk(
        tmpl, [](std::string_view) {},
        [&](std::string_view name) {
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                if (unknown.empty())
                    unknown = std::string(name);
            } else {
                sample.emplace(std::string(name), std::string(1, 'x'));
            }
        });
    if (!unknown.empty()) {
        std::string list;
        for (const auto &v : known)
            list += (list.empty() ? "" : ", ") + v;
        return errorf("unknown variable {" + unknown + "} (a " + kind_name(k) + " template knows: " + list + ")");
    }
    if (auto r = check_html(render(tmpl, sample)); !r)
        return errorf("not valid Telegram HTML: " + r.error().message);
    return {};
}

std::string render(std::string_view tmpl, const std::map<std::string, std::string> &vars)
{
    std::string out;
    walk(
        tmpl, [&](std::string_view s) { out.append(s); },
        [&](std::string_view name) {
            auto it = vars.find(std::string(name));
            out += it == vars.end() || it->second.empty() ? "-" : html_escape(it->second);
        });
    return out;
}

std::string format_time(int64_t unix_seconds)
{
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z", &tm);
    return buf;
}

std::string human_bytes(uint64_t bytes)
{
    static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = static_cast<double>(bytes);
    size_t u = 0;
    while (v >= 1000 && u + 1 < std::size(units)) {
        v /= 1000;
        u++;
    }
    char b[32];
    std::snprintf(b, sizeof(b), u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
    return b;
}

std::string human_duration(double seconds)
{
    char b[64];
    if (seconds < 0)
        seconds = 0;
    auto whole = static_cast<long long>(seconds);
    if (seconds < 60)
        std::snprintf(b, sizeof(b), "%.1f s", seconds);
    else if (seconds < 3600)
        std::snprintf(b, sizeof(b), "%lld min %lld s", whole / 60, whole % 60);
    else if (seconds < 86400)
        std::snprintf(b, sizeof(b), "%lld h %lld min", whole / 3600, whole % 3600 / 60);
    else
        std::snprintf(b, sizeof(b), "%lld d %lld h", whole / 86400, whole % 86400 / 3600);
    return b;
}

} // namespace jalur::notify
