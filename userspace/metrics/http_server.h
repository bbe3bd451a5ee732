// SPDX-License-Identifier: GPL-2.0-only
// The HTTP endpoint: /metrics, /status and /healthz, on threads of its own,
// so nothing a client does reaches the agent's event loop; and a monitoring
// endpoint must stay answerable whatever its other clients do.
//
// Hence its own small HTTP/1.1 server rather than cpp-httplib's, whose
// workers read a request with only a per-read timeout: 8 clients trickling
// one header byte every 0.3 s (or 50 that connect and send nothing) held
// every worker, and /healthz went unanswered for as long as they liked.
// Here one thread reads every connection's request at once (epoll), each
// within a deadline from its accept and a size bound, and only a complete
// request reaches a worker; at most max_connections are open, and a
// still-reading one older than 0.5 s makes room for a newcomer. One request per
// connection (Connection: close). The handlers are given as functions;
// this class knows HTTP, not jalur.
#pragma once

#include "common/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace jalur::metrics {

struct StatusQuery {
    bool text = false;        // ?format=text: the table `jalur status` prints
    bool count_flows = false; // ?flows=count: walk the flow table for an exact count
};

// An answer to one of the `pages`.
struct Reply {
    std::string type; // Content-Type
    std::string body;
    std::string headers; // more header lines, each ending in CRLF
};

struct Handlers {
    std::function<std::string()> metrics;                   // Prometheus text 0.0.4
    std::function<std::string(const StatusQuery &)> status; // JSON, or text
    std::function<std::optional<std::string>()> unhealthy;  // why not; nullopt: healthy
    // more paths (the dashboard's), each given the query string
    std::map<std::string, std::function<Reply(const std::string &query)>> pages;
    // Set: every path but /healthz needs HTTP basic authentication this
    // accepts (given the Authorization header's value, "" when absent);
    // refused requests get 401 with a WWW-Authenticate challenge.
    std::function<bool(const std::string &authorization)> authorized;
};

struct ServerLimits {
    // Workers run handlers and write answers: a scrape takes well under a
    // millisecond, a flow count (?flows=count) longer.
    unsigned threads = 4;
    // open at once (reading, waiting or being answered); beyond, new ones
    // wait in the kernel's backlog, or one still sending its request after
    // 0.5 s is closed to make room
    unsigned max_connections = 256;
    // From accept to the end of the request's header: local clients are quick.
    std::chrono::milliseconds request_deadline{2000};
    size_t max_request_bytes = 8192; // request line and headers
    std::chrono::milliseconds write_deadline{2000}; // the whole answer
};

class HttpServer {
public:
    // Binds at once (so a taken port is an error at start), serves on
    // threads of its own.
    static Result<std::unique_ptr<HttpServer>> start(const std::string &host, uint16_t port, Handlers handlers,
                                                      ServerLimits limits = {});
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;
    ~HttpServer(); // stops, and joins every thread

    uint16_t port() const;

private:
    struct Impl;
    explicit HttpServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace jalur::metrics
