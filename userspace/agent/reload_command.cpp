// SPDX-License-Identifier: GPL-2.0-only
#include "agent/reload_command.h"

#include "config/parse.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace jalur::agent {

namespace {

bool peer_may_read(const std::string &path, const ctl::Peer &peer)
{
    if (peer.uid == 0)
        return true;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0)
        return true; // the load says why it cannot be read
    if (st.st_uid == peer.uid)
        return (st.st_mode & S_IRUSR) != 0;
    if (st.st_gid == peer.gid)
        return (st.st_mode & S_IRGRP) != 0;
    return (st.st_mode & S_IROTH) != 0;
}

} // namespace

Result<config::Config> load_for_reload(const std::string &path, const config::Config &running)
{
    auto next = config::load_file(path);
    if (next)
        if (auto r = config::check_interfaces(next.value()); !r)
            return r.error();
    if (!next)
        return next.error();
    std::string changed;
    auto differs = [&](bool d, const char *what) {
        if (d)
            changed += (changed.empty() ? "" : ", ") + std::string(what);
    };
    differs(next->bpffs != running.bpffs, "bpffs");
    differs(next->flow_table_size != running.flow_table_size, "flow_table_size");
    differs(next->control.socket != running.control.socket, "control.socket");
    differs(next->control.gid != running.control.gid, "control.group");
    if (!changed.empty())
        return errorf(path + ": " + changed + " changed; that takes effect only on restart", ErrorKind::Invalid);
    return next;
}

ctl::Reply reload_command(Agent &agent, const ctl::Request &req, const ctl::Peer &peer)
{
    std::string path = agent.config().file;
    if (const auto *given = req.arg("config")) {
        if (given->empty() || (*given)[0] != '/')
            return ctl::Reply::refused("reload: \"config\" must be an absolute path, got '" + *given + "'");
        path = *given;
    }
    spdlog::info("reload of {} asked on the control socket by pid {} (uid {})", path, peer.pid, peer.uid);
    if (!peer_may_read(path, peer)) {
        spdlog::warn("reload refused: uid {} may not read {}", peer.uid, path);
        return ctl::Reply::refused("reload: " + path + ": uid " + std::to_string(peer.uid) +
                                   " may not read this file");
    }
    auto next = load_for_reload(path, agent.config());
    if (!next) {
        spdlog::error("reload rejected, the running config stays:\n{}", next.error().message);
        agent.events().add(EventKind::Reload, "", "reload by uid " + std::to_string(peer.uid) +
                                                      " rejected, the running config stays: " + next.error().message);
        return ctl::Reply::refused(next.error().message + "\nnot reloaded; the running config stays");
    }
    if (auto r = agent.reload(next.value()); !r) {
        spdlog::error("reload failed: {}", r.error().message);
        return ctl::Reply::refused("reload failed: " + r.error().message + "\nthe running config stays");
    }
    const auto &cfg = agent.config();
    return ctl::Reply::done("reloaded " + cfg.file + ": " + std::to_string(cfg.wans.size()) + " WAN(s), " +
                            std::to_string(cfg.policies.size()) + " polic" +
                            (cfg.policies.size() == 1 ? "y" : "ies") + ", " + std::to_string(cfg.rules.size()) +
                            " rule(s)");
}

} // namespace jalur::agent
