// SPDX-License-Identifier: GPL-2.0-only
#include "agent/admin_commands.h"

#include "agent/why_command.h"
#include "common/json.h"
#include "metrics/render.h"

#include <pwd.h>

#include <charconv>

namespace jalur::agent {

namespace {

std::optional<int64_t> number(const std::string *s)
{
    if (!s)
        return std::nullopt;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || end != s->data() + s->size() || v < 0)
        return std::nullopt;
    return v;
}

std::string event_line(const Event &e)
{
    return metrics::rfc3339(std::chrono::time_point_cast<std::chrono::seconds>(e.at)) + "  " +
           std::string(event_kind_name(e.kind)) + "  " + (e.wan.empty() ? "-" : e.wan) + "  " + e.text;
}

ctl::Reply wan_command(Agent &agent, const ctl::Request &req, const ctl::Peer &peer)
{
    const std::string *action = req.arg("action");
    bool json = req.arg("format") && *req.arg("format") == "json";
    if (action && *action == "list")
        return ctl::Reply::done(agent.wan_list(json));
    std::optional<control::Admin> admin;
    if (action)
        admin = *action == "drain"     ? std::optional(control::Admin::Drain)
                : *action == "disable" ? std::optional(control::Admin::Disabled)
                : *action == "enable"  ? std::optional(control::Admin::Enabled)
                                       : std::nullopt;
    if (!admin)
        return ctl::Reply::refused("wan: \"action\" must be one of drain, disable, enable, list");
    const std::string *name = req.arg("name");
    if (!name || name->empty())
        return ctl::Reply::refused("wan " + *action + ": \"name\" (a WAN) is required");
    Agent::AdminChange how{peer_name(peer), req.arg("reason") ? *req.arg("reason") : "", std::nullopt};
    if (const auto *d = req.arg("for")) {
        if (*admin == control::Admin::Enabled)
            return ctl::Reply::refused("wan enable: --for applies to drain and disable only");
        auto dur = parse_admin_duration(*d);
        if (!dur)
            return ctl::Reply::refused("--for: " + dur.error().message);
        how.duration = dur.value();
    }
    auto r = agent.set_wan_admin(*name, *admin, how);
    if (!r)
        return ctl::Reply::refused(r.error().message);
    return ctl::Reply::done(r.value());
}

ctl::Reply events_command(Agent &agent, const ctl::Request &req)
{
    auto after = req.arg("after") ? number(req.arg("after")) : std::optional<int64_t>(0);
    auto since = req.arg("since") ? number(req.arg("since")) : std::optional<int64_t>(0);
    if (!after || !since)
        return ctl::Reply::refused("events: \"after\" and \"since\" are non-negative integers (a sequence number, "
                                   "Unix seconds)");
    return events_reply(agent.events(), static_cast<uint64_t>(*after), *since,
                        req.arg("format") && *req.arg("format") == "json");
}

} // namespace

std::string peer_name(const ctl::Peer &peer)
{
    passwd pw{}, *found = nullptr;
    char buf[4096];
    std::string uid = "uid " + std::to_string(peer.uid);
    if (getpwuid_r(peer.uid, &pw, buf, sizeof(buf), &found) == 0 && found)
        return std::string(found->pw_name) + " (" + uid + ")";
    return uid;
}

ctl::Reply events_reply(const EventLog &log, uint64_t after, int64_t since_unix, bool json)
{
    auto since = std::chrono::system_clock::time_point(std::chrono::seconds(since_unix));
    // a reader ahead of the log follows an agent that restarted since: it
    // numbers from 1 again, and all it has is new to the reader
    if (after > log.last_seq())
        after = 0;
    std::string out;
    uint64_t last = after;
    bool more = false;
    for (const auto &e : log.after(after)) {
        if (out.size() >= kMaxEventsReply) {
            more = true;
            break;
        }
        last = e.seq;
        if (e.at < since)
            continue;
        if (json) {
            JsonWriter w;
            write_event(w, e);
            out += w.str() + "\n";
        } else {
            out += event_line(e) + "\n";
        }
    }
    return ctl::Reply::done(out, {{"last_seq", std::to_string(last)}, {"more", more ? "true" : "false"}});
}

void add_admin_commands(Agent &agent, ctl::Server &server)
{
    server.add("wan", [&agent](const ctl::Request &r, const ctl::Peer &p) { return wan_command(agent, r, p); });
    server.add("events", [&agent](const ctl::Request &r, const ctl::Peer &) { return events_command(agent, r); });
    server.add("why", [&agent](const ctl::Request &r, const ctl::Peer &) { return why_command(agent, r); });
}

} // namespace jalur::agent
