// SPDX-License-Identifier: GPL-2.0-only
#include "ctl/client.h"

#include "common/unique_fd.h"

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace jalur::ctl {

namespace {

// "root", or "root or as a member of GROUP": from the socket itself, which
// is what the kernel checked
std::string who_may(const std::string &socket)
{
    struct stat st {};
    if (stat(socket.c_str(), &st) != 0 || st.st_gid == 0)
        return "root";
    group g{}, *found = nullptr;
    char buf[16384];
    if (getgrgid_r(st.st_gid, &g, buf, sizeof(buf), &found) == 0 && found)
        return std::string("root or as a member of ") + found->gr_name;
    return "root or as a member of group " + std::to_string(st.st_gid);
}

} // namespace

Result<Reply> call(const std::string &socket, const Request &request, std::chrono::milliseconds timeout)
{
    if (socket.size() >= sizeof(sockaddr_un::sun_path))
        return errorf("control socket path too long: " + socket, ErrorKind::Invalid);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd)
        return sys_error("control socket", errno);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, socket.c_str(), sizeof(a.sun_path) - 1);
    if (connect(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof(a)) != 0) {
        int err = errno;
        if (err == EACCES || err == EPERM)
            return Error{"permission denied on " + socket + ": run as " + who_may(socket), err,
                         ErrorKind::Permission};
        if (err == ENOENT || err == ECONNREFUSED)
            return Error{"no agent is listening on " + socket + " (not running, or started with another config)",
                         err, ErrorKind::NotFound};
        return sys_error("cannot connect to " + socket, err);
    }
    std::string line = request_line(request);
    for (size_t sent = 0; sent < line.size();) {
        ssize_t n = send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error("sending to " + socket, errno);
        sent += static_cast<size_t>(n);
    }
    std::string reply;
    auto until = std::chrono::steady_clock::now() + timeout;
    while (reply.find('\n') == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return errorf("no reply from the agent on " + socket + " within " + std::to_string(timeout.count()) +
                          " ms");
        pollfd p{fd.get(), POLLIN, 0};
        int r = poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return sys_error("waiting for the agent's reply", errno);
        if (r == 0)
            continue;
        char buf[4096];
        ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return errorf("the agent closed " + socket + " without a reply");
        reply.append(buf, static_cast<size_t>(n));
        if (reply.size() > (1u << 20))
            return errorf("the agent's reply is too long");
    }
    return parse_reply(reply.substr(0, reply.find('\n')));
}

} // namespace jalur::ctl
