// SPDX-License-Identifier: GPL-2.0-only
#include "health/socket_checks.h"

#include "health/probe_socket.h"

#include <sys/epoll.h>

#include <cerrno>
#include <cstring>

namespace jalur::health {

void SocketCheck::stop()
{
    if (fd_) {
        loop_.unwatch(fd_.get());
        fd_.reset();
    }
    if (soon_ >= 0)
        loop_.cancel(soon_);
    soon_ = -1;
    done_ = nullptr;
}

bool SocketCheck::open(int type, Done done)
{
    stop();
    done_ = std::move(done);
    auto fd = probe_socket(at_.address.family, type, 0, at_.ifname, at_.fwmark);
    if (!fd) {
        finish_soon(fd.error().message);
        return false;
    }
    fd_ = std::move(fd).value();
    sockaddr_storage to;
    socklen_t len = sockaddr_of(at_.address, at_.port, to);
    if (connect(fd_.get(), reinterpret_cast<sockaddr *>(&to), len) != 0 && errno != EINPROGRESS) {
        finish_soon(std::strerror(errno));
        return false;
    }
    return true;
}

void SocketCheck::finish(bool ok, const std::string &why)
{
    Done done = std::move(done_);
    stop();
    if (done)
        done(ok, why);
}

void SocketCheck::finish_soon(const std::string &why)
{
    auto t = loop_.after(std::chrono::milliseconds(1), [this, why] {
        soon_ = -1;
        finish(false, why);
    });
    soon_ = t ? t.value() : -1;
}

void TcpCheck::start(Done done)
{
    if (!open(SOCK_STREAM, std::move(done)))
        return;
    auto r = loop_.watch(fd_.get(), EPOLLOUT, [this](uint32_t) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = errno;
        if (err) {
            finish(false, std::strerror(err));
            return;
        }
        // writable and no error, yet not connected: an event meant for an
        // earlier socket that had this fd number
        sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        if (getpeername(fd_.get(), reinterpret_cast<sockaddr *>(&peer), &plen) == 0)
            finish(true, "");
    });
    if (!r)
        finish_soon(r.error().message);
}

} // namespace jalur::health
