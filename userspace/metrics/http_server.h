// SPDX-License-Identifier: GPL-2.0-only
// The HTTP endpoint: /metrics, /status and /healthz on a small, bounded
// pool of threads of its own, so nothing a client does (a thousand
// connections, garbage, a client that never finishes its request) reaches
// the agent's event loop. The handlers are given as functions; this class
// knows HTTP, not jalur.
#pragma once

#include "common/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace jalur::metrics {

struct StatusQuery {
    bool text = false;        // ?format=text: the table `jalur status` prints
    bool count_flows = false; // ?flows=count: walk the flow table for an exact count
};

struct Handlers {
    std::function<std::string()> metrics;                   // Prometheus text 0.0.4
    std::function<std::string(const StatusQuery &)> status; // JSON, or text
    std::function<std::optional<std::string>()> unhealthy;  // why not; nullopt: healthy
};

struct ServerLimits {
    // Workers. A scrape takes well under a millisecond; what occupies a
    // worker is a client that connects and then waits (or sends nothing),
    // for up to io_timeout: 8 of them bound that.
    unsigned threads = 8;
    unsigned queue = 64; // accepted connections waiting for a worker; beyond, the kernel's backlog waits
    std::chrono::seconds io_timeout{1}; // per read and write, and idle keep-alive: local clients are quick
    unsigned keep_alive_requests = 10;
};

class HttpServer {
public:
    // Binds at once (so a taken port is an error at start), serves on a
    // thread of its own.
    static Result<std::unique_ptr<HttpServer>> start(const std::string &host, uint16_t port, Handlers handlers,
                                                      ServerLimits limits = {});
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;
    ~HttpServer(); // stops, and joins every thread

    uint16_t port() const { return port_; }

private:
    HttpServer() = default;

    std::unique_ptr<httplib::Server> server_;
    Handlers handlers_;
    uint16_t port_ = 0;
    std::thread thread_;
};

} // namespace jalur::metrics
