// SPDX-License-Identifier: GPL-2.0-only
#include "ctl/server.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace jalur::ctl {

namespace {

sockaddr_un address_of(const std::string &path)
{
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
    return a;
}

// Whether an agent answers on this path (a stale file from a killed one does not).
bool someone_listens(const std::string &path)
{
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd)
        return false;
    auto a = address_of(path);
    return connect(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0;
}

} // namespace

Result<std::unique_ptr<Server>> Server::start(EventLoop &loop, const config::Control &cfg, Options opts)
{
    if (cfg.socket.empty() || cfg.socket.size() >= sizeof(sockaddr_un::sun_path))
        return errorf("control socket: invalid path '" + cfg.socket + "'", ErrorKind::Invalid);
    std::unique_ptr<Server> s(new Server(loop, cfg.socket, opts));
    std::error_code ec;
    auto dir = std::filesystem::path(cfg.socket).parent_path();
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return sys_error("control socket: cannot create " + dir.string(), ec.value());
    if (someone_listens(cfg.socket))
        return errorf("control socket " + cfg.socket + " is in use: another agent is running with it",
                      ErrorKind::Busy);
    if (unlink(cfg.socket.c_str()) != 0 && errno != ENOENT)
        return sys_error("control socket: cannot remove the stale " + cfg.socket, errno);

    s->listen_.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s->listen_)
        return sys_error("control socket", errno);
    auto a = address_of(cfg.socket);
    if (bind(s->listen_.get(), reinterpret_cast<sockaddr *>(&a), sizeof(a)) != 0)
        return sys_error("control socket: cannot bind " + cfg.socket, errno);
    struct stat st {};
    if (stat(cfg.socket.c_str(), &st) == 0)
        s->inode_ = st.st_ino;
    // connecting needs write permission on the socket file: root and the group
    if (chown(cfg.socket.c_str(), 0, cfg.gid) != 0 || chmod(cfg.socket.c_str(), 0660) != 0) {
        int err = errno;
        unlink(cfg.socket.c_str());
        return sys_error("control socket: cannot set the owner and mode of " + cfg.socket, err);
    }
    if (listen(s->listen_.get(), 16) != 0)
        return sys_error("control socket: listen", errno);
    Server *self = s.get();
    if (auto r = loop.watch(s->listen_.get(), [self] { self->on_accept(); }); !r)
        return r.error();
    spdlog::info("control socket {} (root{})", cfg.socket, cfg.group.empty() ? "" : " and group " + cfg.group);
    return s;
}

Server::~Server()
{
    while (!clients_.empty())
        drop(clients_.begin()->first);
    if (!listen_)
        return;
    loop_.unwatch(listen_.get());
    struct stat st {};
    // only its own file: an agent started since may have replaced it
    if (stat(path_.c_str(), &st) == 0 && st.st_ino == inode_)
        unlink(path_.c_str());
}

void Server::on_accept()
{
    for (;;) {
        UniqueFd fd(accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd)
            return; // EAGAIN: all taken; anything else: the next readiness retries
        if (clients_.size() >= opts_.max_clients) {
            stats_.rejected++;
            auto line = reply_line(Reply::refused("busy: " + std::to_string(opts_.max_clients) +
                                                  " clients already connected; try again"));
            (void)send(fd.get(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            continue;
        }
        Client c;
        ucred cred{};
        socklen_t len = sizeof(cred);
        if (getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
            c.peer = Peer{cred.pid, cred.uid, cred.gid};
        int id = fd.get();
        c.fd = std::move(fd);
        if (auto r = loop_.watch(id, EPOLLIN, [this, id](uint32_t ev) { on_client(id, ev); }); !r) {
            spdlog::warn("control socket: {}", r.error().message);
            continue;
        }
        auto t = loop_.after(opts_.deadline, [this, id] {
            auto it = clients_.find(id);
            if (it == clients_.end())
                return;
            it->second.timer = -1;
            if (it->second.answered) { // a reader that does not read its reply
                drop(id);
                return;
            }
            stats_.refused++;
            answer(it->second, Reply::refused("no complete request within " +
                                              std::to_string(opts_.deadline.count()) + " ms"));
        });
        if (t)
            c.timer = t.value();
        clients_.emplace(id, std::move(c));
    }
}

void Server::on_client(int fd, uint32_t events)
{
    auto it = clients_.find(fd);
    if (it == clients_.end())
        return;
    Client &c = it->second;
    if (c.answered) {
        if (events & (EPOLLERR | EPOLLHUP))
            drop(fd);
        else
            flush(c);
        return;
    }
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0) { // closed before a whole line: nothing to answer
            drop(fd);
            return;
        }
        c.in.append(buf, static_cast<size_t>(n));
        auto nl = c.in.find('\n');
        if (nl != std::string::npos) {
            answer(c, dispatch(c.in.substr(0, nl), c.peer));
            return;
        }
        if (c.in.size() > kMaxRequest) {
            stats_.refused++;
            answer(c, Reply::refused("request too long: more than " + std::to_string(kMaxRequest) +
                                     " bytes without a newline"));
            return;
        }
    }
}

Reply Server::dispatch(const std::string &line, const Peer &peer)
{
    stats_.requests++;
    auto req = parse_request(line);
    if (!req) {
        stats_.refused++;
        return Reply::refused(req.error().message);
    }
    auto h = handlers_.find(req->command);
    if (h == handlers_.end()) {
        stats_.refused++;
        std::string known;
        for (const auto &[name, _] : handlers_)
            known += (known.empty() ? "" : ", ") + name;
        return Reply::refused("unknown command '" + req->command + "'; known: " + known);
    }
    return h->second(req.value(), peer);
}

void Server::answer(Client &c, const Reply &r)
{
    c.answered = true;
    c.in.clear();
    c.out = reply_line(r);
    flush(c);
}

void Server::flush(Client &c)
{
    int fd = c.fd.get();
    while (!c.out.empty()) {
        ssize_t n = send(fd, c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN) {
            (void)loop_.modify(fd, EPOLLOUT); // the rest when the client reads
            return;
        }
        if (n <= 0)
            break;
        c.out.erase(0, static_cast<size_t>(n));
    }
    drop(fd);
}

void Server::drop(int fd)
{
    auto it = clients_.find(fd);
    if (it == clients_.end())
        return;
    if (it->second.timer >= 0)
        loop_.cancel(it->second.timer);
    loop_.unwatch(fd);
    clients_.erase(it); // closes it
}

} // namespace jalur::ctl
