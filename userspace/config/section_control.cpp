// SPDX-License-Identifier: GPL-2.0-only
// The control socket the CLI talks to (jalur reload):
//   control: {socket: /run/jalur/site.sock, group: jalur-admin}
// Both optional: the socket defaults to one per pin directory under
// /run/jalur/, and without a group only root may connect.
#include "config/sections.h"

#include <grp.h>
#include <sys/un.h>

#include <cstdio>

namespace jalur::config {

namespace {

constexpr size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

} // namespace

std::string control_socket_for(const std::string &bpffs)
{
    std::string name = bpffs; // as the pid file is named
    for (auto &c : name)
        if (c == '/')
            c = '_';
    std::string path = "/run/jalur/" + name + ".sock";
    if (path.size() <= kMaxSocketPath)
        return path;
    // a deep pin directory: a hash of it still names one socket per directory
    uint64_t h = 1469598103934665603ull; // FNV-1a
    for (unsigned char c : bpffs)
        h = (h ^ c) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
    return std::string("/run/jalur/bpffs-") + hex + ".sock";
}

void parse_control(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    cfg.control.socket = control_socket_for(cfg.bpffs);
    if (!in.value)
        return;
    cfg.control.where = in.value->at;
    MapReader m(d, *in.value, {"socket", "group"});
    if (!m.ok())
        return;
    if (auto v = m.get("socket"))
        if (auto s = read_string(d, *v)) {
            if ((*s)[0] != '/')
                d.error(v->at, v->path + ": expected an absolute path, got " + describe(v->node));
            else if (s->size() > kMaxSocketPath)
                d.error(v->at, v->path + ": a UNIX socket path has at most " + std::to_string(kMaxSocketPath) +
                                   " bytes, this one " + std::to_string(s->size()));
            else
                cfg.control.socket = *s;
        }
    if (auto v = m.get("group"))
        if (auto s = read_string(d, *v)) {
            // resolved here, so a typo is an error at its place, not at start
            group g{}, *found = nullptr;
            std::vector<char> buf(16384);
            if (getgrnam_r(s->c_str(), &g, buf.data(), buf.size(), &found) != 0 || !found)
                d.error(v->at, v->path + ": no group " + describe(v->node) + " on this host");
            else {
                cfg.control.group = *s;
                cfg.control.gid = found->gr_gid;
            }
        }
}

} // namespace jalur::config
