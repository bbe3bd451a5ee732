// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <vector>

namespace jalur::metrics {

namespace {

// httplib's own pool queues without limit. This one holds at most `queue`
// accepted connections; when it is full, the accepting thread waits, and
// new connections wait in the kernel's listen backlog instead of in memory.
class BoundedPool : public httplib::TaskQueue {
public:
    BoundedPool(unsigned threads, unsigned queue) : capacity_(queue)
    {
        for (unsigned i = 0; i < threads; i++)
            workers_.emplace_back([this] { work(); });
    }
    ~BoundedPool() override { shutdown(); }

    void enqueue(std::function<void()> fn) override
    {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [this] { return jobs_.size() < capacity_ || stopping_; });
        if (stopping_) {
            lock.unlock();
            fn(); // the job owns the connection's socket: running it is what closes it
            return;
        }
        jobs_.push_back(std::move(fn));
        ready_.notify_one();
    }

    void shutdown() override
    {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        room_.notify_all();
        for (auto &t : workers_)
            if (t.joinable())
                t.join();
    }

private:
    void work()
    {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
                if (jobs_.empty())
                    return; // stopping, and nothing left to close
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            room_.notify_one();
            job();
        }
    }

    size_t capacity_;
    std::mutex mutex_;
    std::condition_variable ready_, room_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

bool query_is(const httplib::Request &req, const char *key, const char *value)
{
    return req.has_param(key) && req.get_param_value(key) == value;
}

} // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(const std::string &host, uint16_t port, Handlers handlers,
                                                      ServerLimits limits)
{
    std::unique_ptr<HttpServer> s(new HttpServer());
    s->handlers_ = std::move(handlers);
    s->server_ = std::make_unique<httplib::Server>();
    auto &svr = *s->server_;
    svr.new_task_queue = [limits] { return new BoundedPool(limits.threads, limits.queue); };
    svr.set_read_timeout(limits.io_timeout);
    svr.set_write_timeout(limits.io_timeout);
    svr.set_keep_alive_timeout(limits.io_timeout.count());
    svr.set_keep_alive_max_count(limits.keep_alive_requests);
    svr.set_payload_max_length(4096);

    HttpServer *self = s.get();
    svr.Get("/metrics", [self](const httplib::Request &, httplib::Response &res) {
        res.set_content(self->handlers_.metrics(), "text/plain; version=0.0.4; charset=utf-8");
    });
    svr.Get("/status", [self](const httplib::Request &req, httplib::Response &res) {
        StatusQuery q;
        q.text = query_is(req, "format", "text");
        q.count_flows = query_is(req, "flows", "count");
        res.set_content(self->handlers_.status(q), q.text ? "text/plain; charset=utf-8" : "application/json");
    });
    svr.Get("/healthz", [self](const httplib::Request &, httplib::Response &res) {
        if (auto why = self->handlers_.unhealthy()) {
            res.status = 503;
            res.set_content(*why + "\n", "text/plain");
        } else {
            res.set_content("ok\n", "text/plain");
        }
    });
    svr.set_exception_handler([](const httplib::Request &req, httplib::Response &res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception &e) {
            what = e.what();
        } catch (...) {
        }
        spdlog::warn("metrics endpoint: {} {}: {}", req.method, req.path, what);
        res.status = 500;
        res.set_content("internal error\n", "text/plain");
    });

    // Debian's cpp-httplib is a compiled library with a listen backlog of 5:
    // a burst of clients beyond that would wait for SYN retransmits. Keep
    // the listening socket's fd, and raise the backlog once it listens.
    int listen_fd = -1;
    svr.set_socket_options([&listen_fd](int fd) {
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        listen_fd = fd;
    });
    int bound = port == 0 ? svr.bind_to_any_port(host) : (svr.bind_to_port(host, port) ? port : -1);
    if (bound < 0)
        return errorf("metrics.listen " + host + ":" + std::to_string(port) + ": cannot listen (" +
                      std::strerror(errno) + "); choose another port, or metrics: off");
    if (listen_fd >= 0)
        ::listen(listen_fd, 1024);
    s->port_ = static_cast<uint16_t>(bound);
    s->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
    // stop() is a no-op until the serving thread runs: wait for it, so that
    // the destructor can always stop it (bounded: 2 s)
    for (int i = 0; i < 2000 && !svr.is_running(); i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!svr.is_running())
        return errorf("metrics.listen " + host + ":" + std::to_string(port) + ": the server did not start");
    return s;
}

HttpServer::~HttpServer()
{
    if (server_)
        server_->stop();
    if (thread_.joinable())
        thread_.join();
}

} // namespace jalur::metrics
