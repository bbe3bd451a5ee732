// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/http_server.h"

#include "common/unique_fd.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace jalur::metrics {

namespace {

using Clock = std::chrono::steady_clock;

// At max_connections, a connection still sending its request this long
// after its accept is closed for a newcomer.
constexpr std::chrono::milliseconds kEvictAfter{500};

struct Request {
    std::string method, path, query, version;
    std::string authorization; // the Authorization header's value
};

// The value of header `name` (case-insensitive) in `head`, "" when absent.
std::string header(const std::string &head, const std::string &name)
{
    size_t at = head.find("\r\n");
    while (at != std::string::npos && at + 2 < head.size()) {
        size_t start = at + 2, end = head.find("\r\n", start);
        if (end == std::string::npos)
            end = head.size();
        size_t colon = head.find(':', start);
        if (colon != std::string::npos && colon < end && colon - start == name.size() &&
            std::equal(name.begin(), name.end(), head.begin() + static_cast<std::ptrdiff_t>(start),
                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                   std::tolower(static_cast<unsigned char>(b)); })) {
            size_t v = head.find_first_not_of(" \t", colon + 1);
            if (v == std::string::npos || v >= end) // spaces only: empty, never what follows the line
                return "";
            size_t e = head.find_last_not_of(" \t", end - 1);
            return head.substr(v, e + 1 - v);
        }
        at = end;
    }
    return "";
}

// "GET /status?format=text HTTP/1.1": false when the line is not that shape.
bool parse_request_line(const std::string &head, Request &r)
{
    std::string line = head.substr(0, head.find("\r\n"));
    size_t a = line.find(' '), b = line.rfind(' ');
    if (a == std::string::npos || b == a)
        return false;
    r.method = line.substr(0, a);
    std::string target = line.substr(a + 1, b - a - 1);
    r.version = line.substr(b + 1);
    if (target.empty() || target[0] != '/' || r.version.rfind("HTTP/1.", 0) != 0)
        return false;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    return true;
}

bool query_is(const std::string &query, const std::string &key, const std::string &value)
{
    size_t i = 0;
    while (i <= query.size()) {
        size_t end = std::min(query.find('&', i), query.size());
        if (query.compare(i, end - i, key + "=" + value) == 0)
            return true;
        i = end + 1;
    }
    return false;
}

const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

std::string response(int status, const std::string &type, const std::string &body, bool head_only = false,
                     const std::string &extra_headers = "")
{
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\nContent-Type: " + type +
                      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
                      "Connection: close\r\n\r\n";
    if (!head_only)
        out += body;
    return out;
}

// Writes all of `data` before `deadline`, or gives up; the socket is non-blocking.
void write_all(int fd, const std::string &data, Clock::time_point deadline)
{
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        pollfd p{fd, POLLOUT, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0)
            return;
    }
}

struct Connection {
    UniqueFd fd;
    Clock::time_point accepted;
    std::string head;
};

} // namespace

struct HttpServer::Impl {
    Handlers handlers;
    ServerLimits limits;
    UniqueFd listener, epoll, stop_event;
    uint16_t port = 0;

    std::mutex mu;
    std::condition_variable ready;
    std::deque<std::pair<UniqueFd, Request>> jobs;
    bool stopping = false;

    std::map<int, Connection> reading; // by fd: only the reader thread touches it
    std::atomic<unsigned> open{0};      // reading, waiting for a worker or being answered
    bool accepting = true;              // false: at max_connections, new ones wait in the backlog
    std::thread reader;
    std::vector<std::thread> workers;

    void read_loop();
    void accept_all();
    void receive(Connection &c);
    void close_reading(int fd);
    void set_accepting(bool on);
    void hand_over(int fd, const Request &r);
    void work();
    std::string answer(const Request &r);

    ~Impl()
    {
        {
            std::lock_guard lk(mu);
            stopping = true;
        }
        ready.notify_all();
        uint64_t one = 1;
        if (stop_event && ::write(stop_event.get(), &one, sizeof(one)) < 0)
            spdlog::debug("metrics endpoint: cannot wake the reader: {}", std::strerror(errno));
        if (reader.joinable())
            reader.join();
        for (auto &t : workers)
            if (t.joinable())
                t.join();
    }
};

void HttpServer::Impl::read_loop()
{
    epoll_event events[64];
    for (;;) {
        // wake at the earliest deadline, at least every 100 ms
        int n = ::epoll_wait(epoll.get(), events, 64, 100);
        if (n < 0 && errno != EINTR) {
            spdlog::error("metrics endpoint: epoll_wait: {}", std::strerror(errno));
            return;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == stop_event.get())
                return;
            if (fd == listener.get()) {
                accept_all();
                continue;
            }
            auto it = reading.find(fd);
            if (it != reading.end())
                receive(it->second);
        }
        auto now = Clock::now();
        std::vector<int> late;
        for (const auto &[fd, c] : reading)
            if (now - c.accepted > limits.request_deadline)
                late.push_back(fd);
        for (int fd : late)
            close_reading(fd); // a request not sent in time gets no answer: the client is slow or idle
        if (!accepting)
            accept_all(); // workers may have made room, or a reading connection grown old enough to make it
    }
}

void HttpServer::Impl::set_accepting(bool on)
{
    if (on == accepting)
        return;
    epoll_event ev{};
    ev.events = on ? static_cast<uint32_t>(EPOLLIN) : 0u;
    ev.data.fd = listener.get();
    ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, listener.get(), &ev);
    accepting = on;
}

void HttpServer::Impl::accept_all()
{
    for (;;) {
        if (open >= limits.max_connections) {
            // A connection still sending its request after kEvictAfter makes
            // room (idle clients cannot keep newcomers out); otherwise new
            // ones wait in the kernel's backlog until a worker is done.
            auto oldest = std::min_element(reading.begin(), reading.end(), [](const auto &a, const auto &b) {
                return a.second.accepted < b.second.accepted;
            });
            if (oldest == reading.end() || Clock::now() - oldest->second.accepted < kEvictAfter)
                return set_accepting(false);
            close_reading(oldest->first);
        }
        set_accepting(true);
        int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                spdlog::warn("metrics endpoint: accept: {}", std::strerror(errno));
            return;
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.fd = fd;
        if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
            ::close(fd);
            continue;
        }
        reading.emplace(fd, Connection{UniqueFd(fd), Clock::now(), {}});
        open++;
    }
}

void HttpServer::Impl::receive(Connection &c)
{
    int fd = c.fd.get();
    char buf[2048];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; // more later
        if (n <= 0)
            return close_reading(fd); // the client went away
        size_t scan_from = c.head.size() < 3 ? 0 : c.head.size() - 3;
        c.head.append(buf, static_cast<size_t>(n));
        size_t end = c.head.find("\r\n\r\n", scan_from);
        if (end == std::string::npos && c.head.size() > limits.max_request_bytes) {
            write_all(fd, response(431, "text/plain", "request header too large\n"), Clock::now());
            return close_reading(fd);
        }
        if (end == std::string::npos)
            continue;
        Request r;
        if (!parse_request_line(c.head, r)) {
            write_all(fd, response(400, "text/plain", "bad request\n"), Clock::now());
            return close_reading(fd);
        }
        r.authorization = header(c.head.substr(0, end + 2), "Authorization");
        return hand_over(fd, r);
    }
}

void HttpServer::Impl::close_reading(int fd)
{
    ::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
    reading.erase(fd); // closes it
    open--;
}

void HttpServer::Impl::hand_over(int fd, const Request &r)
{
    ::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
    UniqueFd owned(reading.at(fd).fd.release());
    reading.erase(fd);
    std::lock_guard lk(mu); // the queue is bounded by max_connections
    jobs.emplace_back(std::move(owned), r);
    ready.notify_one();
}

void HttpServer::Impl::work()
{
    for (;;) {
        std::unique_lock lk(mu);
        ready.wait(lk, [this] { return !jobs.empty() || stopping; });
        if (stopping)
            return;
        auto [fd, r] = std::move(jobs.front());
        jobs.pop_front();
        lk.unlock();
        auto deadline = Clock::now() + limits.write_deadline;
        write_all(fd.get(), answer(r), deadline);
        ::shutdown(fd.get(), SHUT_WR);
        fd.reset();
        open--;
    }
}

std::string HttpServer::Impl::answer(const Request &r)
{
    bool head = r.method == "HEAD";
    if (r.method != "GET" && !head)
        return response(405, "text/plain", "only GET\n");
    try {
        if (handlers.authorized && r.path != "/healthz" && !handlers.authorized(r.authorization))
            return response(401, "text/plain", "authentication required\n", head,
                            "WWW-Authenticate: Basic realm=\"jalur\", charset=\"UTF-8\"\r\n");
        if (r.path == "/metrics")
            return response(200, "text/plain; version=0.0.4; charset=utf-8", handlers.metrics(), head);
        if (r.path == "/status") {
            StatusQuery q;
            q.text = query_is(r.query, "format", "text");
            q.count_flows = query_is(r.query, "flows", "count");
            return response(200, q.text ? "text/plain; charset=utf-8" : "application/json", handlers.status(q),
                            head);
        }
        if (r.path == "/healthz") {
            if (auto why = handlers.unhealthy())
                return response(503, "text/plain", *why + "\n", head);
            return response(200, "text/plain", "ok\n", head);
        }
        if (auto page = handlers.pages.find(r.path); page != handlers.pages.end()) {
            auto reply = page->second(r.query);
            return response(200, reply.type, reply.body, head, reply.headers);
        }
    } catch (const std::exception &e) {
        spdlog::warn("metrics endpoint: {} {}: {}", r.method, r.path, e.what());
        return response(500, "text/plain", "internal error\n");
    }
    return response(404, "text/plain", "not found\n", head);
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const std::string &host, uint16_t port, Handlers handlers,
                                                      ServerLimits limits)
{
    auto where = "metrics.listen " + host + ":" + std::to_string(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo *ai = nullptr;
    if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &ai); rc != 0)
        return errorf(where + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> ai_owner(ai, freeaddrinfo);

    auto impl = std::make_unique<Impl>();
    impl->handlers = std::move(handlers);
    impl->limits = limits;
    impl->listener.reset(::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    int on = 1;
    if (!impl->listener || ::setsockopt(impl->listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        ::bind(impl->listener.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(impl->listener.get(), 1024) != 0)
        return errorf(where + ": cannot listen (" + std::strerror(errno) + "); choose another port, or metrics: off");
    sockaddr_storage bound{};
    socklen_t len = sizeof(bound);
    ::getsockname(impl->listener.get(), reinterpret_cast<sockaddr *>(&bound), &len);
    impl->port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port
                                                   : reinterpret_cast<sockaddr_in *>(&bound)->sin_port);

    impl->epoll.reset(::epoll_create1(EPOLL_CLOEXEC));
    impl->stop_event.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!impl->epoll || !impl->stop_event)
        return sys_error(where + ": epoll", errno);
    for (int fd : {impl->listener.get(), impl->stop_event.get()}) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        if (::epoll_ctl(impl->epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
            return sys_error(where + ": epoll_ctl", errno);
    }

    // the event loop takes signals through signalfd: these threads must never
    // be the ones the kernel picks to deliver them
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    Impl *p = impl.get();
    p->reader = std::thread([p] { p->read_loop(); });
    for (unsigned i = 0; i < std::max(1u, limits.threads); i++)
        p->workers.emplace_back([p] { p->work(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;
uint16_t HttpServer::port() const { return impl_->port; }

} // namespace jalur::metrics
