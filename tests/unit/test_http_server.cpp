// SPDX-License-Identifier: GPL-2.0-only
// The HTTP endpoint against hostile clients, on 127.0.0.1 and a port of the
// kernel's choosing: /healthz must answer while others hold connections idle
// or trickle their headers.
#include "metrics/http_server.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace jalur::metrics;
using Clock = std::chrono::steady_clock;

namespace {

int connect_to(uint16_t port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0)
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

// Sends `request`, returns what comes back until the server closes, or ""
// when nothing whole came within `limit`.
std::string exchange(uint16_t port, const std::string &request, std::chrono::milliseconds limit)
{
    auto deadline = Clock::now() + limit;
    int fd = connect_to(port);
    if (fd < 0)
        return "";
    std::string out;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            pollfd p{fd, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
                out.clear();
                break;
            }
            char buf[4096];
            ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
            if (n <= 0)
                break;
            out.append(buf, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    return out;
}

Handlers handlers()
{
    Handlers h;
    h.metrics = [] { return std::string("jalur_up 1\n"); };
    h.status = [](const StatusQuery &q) { return std::string(q.text ? "text" : "{}") + (q.count_flows ? "+flows" : ""); };
    h.unhealthy = [] { return std::optional<std::string>(); };
    return h;
}

} // namespace

TEST_CASE("http server: routes, queries and errors")
{
    auto s = HttpServer::start("127.0.0.1", 0, handlers());
    REQUIRE(s);
    uint16_t port = s.value()->port();
    auto get = [&](const std::string &target) {
        return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(5));
    };
    CHECK(get("/healthz").rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(get("/metrics").find("\r\n\r\njalur_up 1\n") != std::string::npos);
    CHECK(get("/status?format=text&flows=count").find("\r\n\r\ntext+flows") != std::string::npos);
    CHECK(get("/status").find("\r\n\r\n{}") != std::string::npos);
    CHECK(get("/nothing").rfind("HTTP/1.1 404", 0) == 0);
    CHECK(exchange(port, "POST /metrics HTTP/1.1\r\n\r\n", std::chrono::seconds(5)).rfind("HTTP/1.1 405", 0) == 0);
    CHECK(exchange(port, "\x01\x02 nonsense\r\n\r\n", std::chrono::seconds(5)).rfind("HTTP/1.1 400", 0) == 0);
    CHECK(exchange(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'y') + "\r\n\r\n",
                   std::chrono::seconds(5))
              .rfind("HTTP/1.1 431", 0) == 0);
}

// Before: 8 workers with only a per-read timeout; 8 trickling clients held
// them all and /healthz was not answered while they went on.
TEST_CASE("http server: /healthz answers while 50 idle and 8 trickling connections are held")
{
    auto s = HttpServer::start("127.0.0.1", 0, handlers());
    REQUIRE(s);
    uint16_t port = s.value()->port();

    std::vector<int> idle;
    for (int i = 0; i < 50; i++)
        if (int fd = connect_to(port); fd >= 0)
            idle.push_back(fd);
    REQUIRE(idle.size() == 50);

    // one header byte every 0.3 s, reconnecting when closed, for as long as
    // the test runs (bounded: 40 s)
    std::atomic<bool> stop{false};
    std::vector<std::thread> tricklers;
    for (int i = 0; i < 8; i++)
        tricklers.emplace_back([&] {
            auto until = Clock::now() + std::chrono::seconds(40);
            while (!stop && Clock::now() < until) {
                int fd = connect_to(port);
                if (fd < 0)
                    return;
                const std::string start = "GET /healthz HTTP/1.1\r\nX-Slow: ";
                bool alive = ::send(fd, start.data(), start.size(), MSG_NOSIGNAL) > 0;
                while (alive && !stop && Clock::now() < until) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(300));
                    alive = ::send(fd, "a", 1, MSG_NOSIGNAL) == 1;
                }
                ::close(fd);
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // the tricklers hold what they can

    for (int i = 0; i < 5; i++) {
        auto t0 = Clock::now();
        auto reply = exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(3));
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
        INFO("try " << i << " took " << took << " ms");
        CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
        CHECK(took < 1500);
    }

    stop = true;
    for (auto &t : tricklers)
        t.join();
    for (int fd : idle)
        ::close(fd);
}

TEST_CASE("http server: more idle connections than it keeps open do not keep /healthz out")
{
    ServerLimits limits;
    limits.max_connections = 16;
    auto s = HttpServer::start("127.0.0.1", 0, handlers(), limits);
    REQUIRE(s);
    uint16_t port = s.value()->port();
    std::vector<int> idle;
    for (int i = 0; i < 40; i++)
        if (int fd = connect_to(port); fd >= 0) // the kernel completes the handshake: the backlog holds the rest
            idle.push_back(fd);
    REQUIRE(idle.size() == 40);
    auto t0 = Clock::now();
    auto reply = exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(5));
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    INFO("took " << took << " ms");
    CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(took < 1900); // before the 2 s request deadline: idle ones made room
    for (int fd : idle)
        ::close(fd);
}

TEST_CASE("http server: extra pages get their query, type and headers")
{
    auto h = handlers();
    h.pages["/api/x"] = [](const std::string &query) {
        return Reply{"application/json", "{\"q\":\"" + query + "\"}", "Cache-Control: no-store\r\n"};
    };
    auto s = HttpServer::start("127.0.0.1", 0, std::move(h));
    REQUIRE(s);
    auto reply = exchange(s.value()->port(), "GET /api/x?after=3 HTTP/1.1\r\n\r\n", std::chrono::seconds(5));
    CHECK(reply.rfind("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", 0) == 0);
    CHECK(reply.find("\r\nCache-Control: no-store\r\n") != std::string::npos);
    CHECK(reply.find("\r\n\r\n{\"q\":\"after=3\"}") != std::string::npos);
}

TEST_CASE("http server: with authentication on, a request without it gets 401 and a challenge")
{
    auto h = handlers();
    h.pages["/"] = [](const std::string &) { return Reply{"text/html", "page", ""}; };
    std::vector<std::string> seen;
    std::mutex mu;
    h.authorized = [&](const std::string &header) {
        std::lock_guard lk(mu);
        seen.push_back(header);
        return header == "Basic YWRtaW46cGFzcw==";
    };
    auto s = HttpServer::start("127.0.0.1", 0, std::move(h));
    REQUIRE(s);
    uint16_t port = s.value()->port();
    auto get = [&](const std::string &target, const std::string &headers) {
        return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n", std::chrono::seconds(5));
    };
    for (const char *path : {"/", "/metrics", "/status"}) {
        auto refused = get(path, "");
        INFO(path);
        CHECK(refused.rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0);
        CHECK(refused.find("\r\nWWW-Authenticate: Basic realm=\"jalur\", charset=\"UTF-8\"\r\n") != std::string::npos);
        CHECK(refused.find("page") == std::string::npos);
        CHECK(get(path, "Authorization: Basic d3Jvbmc6d3Jvbmc=\r\n").rfind("HTTP/1.1 401", 0) == 0);
    }
    // the header's name in any case, its value trimmed
    CHECK(get("/", "authorization:   Basic YWRtaW46cGFzcw==  \r\n").find("\r\n\r\npage") != std::string::npos);
    CHECK(get("/metrics", "Authorization: Basic YWRtaW46cGFzcw==\r\n").rfind("HTTP/1.1 200", 0) == 0);
    // /healthz stays open: a liveness check carries no secret and reveals none
    CHECK(get("/healthz", "").rfind("HTTP/1.1 200", 0) == 0);
    {
        std::lock_guard lk(mu);
        CHECK(std::find(seen.begin(), seen.end(), "") != seen.end());
        seen.clear();
    }
    // an empty value (spaces only) is empty, not the headers after it
    CHECK(get("/", "Authorization:   \r\nX-Other: Basic YWRtaW46cGFzcw==\r\n").rfind("HTTP/1.1 401", 0) == 0);
    std::lock_guard lk(mu);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == "");
}
