// SPDX-License-Identifier: GPL-2.0-only
// The control socket: a UNIX stream socket (mode 0660, root and the admin
// group), non-blocking on the agent's event loop. One request per
// connection: a line of JSON in, a line of JSON out, then it is closed. A
// client that sends no complete line within the deadline, or more than
// kMaxRequest bytes, gets an error reply and is closed; a malformed request
// gets an error reply. Commands are registered by name (reload here; issue
// 21 adds wan drain/disable/enable, why, events).
#pragma once

#include "common/event_loop.h"
#include "common/unique_fd.h"
#include "config/model.h"
#include "ctl/message.h"

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace jalur::ctl {

// Who sent a request (SO_PEERCRED): a command may check more than the
// socket's mode did (reload reads only a file the peer may read).
struct Peer {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
};

struct ServerStats {
    uint64_t requests = 0;
    uint64_t refused = 0;   // malformed, oversized, late or unknown
    uint64_t rejected = 0;  // connections over the client limit
};

class Server {
public:
    using Handler = std::function<Reply(const Request &, const Peer &)>;

    struct Options {
        std::chrono::milliseconds deadline{2000}; // a connection's whole life
        size_t max_clients = 16;
    };

    // Binds the socket; refuses one another agent is listening on, replaces
    // a stale one (an agent that was killed).
    static Result<std::unique_ptr<Server>> start(EventLoop &loop, const config::Control &cfg, Options opts);
    static Result<std::unique_ptr<Server>> start(EventLoop &loop, const config::Control &cfg)
    {
        return start(loop, cfg, Options{});
    }
    Server(const Server &) = delete;
    ~Server(); // closes every client and removes the socket

    void add(const std::string &command, Handler handler) { handlers_[command] = std::move(handler); }
    const std::string &path() const { return path_; }
    const ServerStats &stats() const { return stats_; }

private:
    struct Client {
        UniqueFd fd;
        Peer peer;
        std::string in, out;
        int timer = -1;
        bool answered = false; // writing the reply, then closing
    };

    Server(EventLoop &loop, std::string path, Options opts) : loop_(loop), path_(std::move(path)), opts_(opts) {}
    void on_accept();
    void on_client(int fd, uint32_t events);
    void answer(Client &c, const Reply &r);
    void flush(Client &c);
    void drop(int fd);
    Reply dispatch(const std::string &line, const Peer &peer);

    EventLoop &loop_;
    std::string path_;
    Options opts_;
    UniqueFd listen_;
    ino_t inode_ = 0; // of the socket file it created: removed at stop only if still its own
    std::map<std::string, Handler> handlers_;
    std::map<int, Client> clients_;
    ServerStats stats_;
};

} // namespace jalur::ctl
