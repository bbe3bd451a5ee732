// SPDX-License-Identifier: GPL-2.0-only
// The control plane's one event loop: epoll over fds (netlink, ring buffer,
// sockets), timerfd timers and signalfd signals. Callbacks run on this
// thread only, so components need no locks among themselves.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace jalur {

class EventLoop {
public:
    using Callback = std::function<void()>;

    static Result<EventLoop> create();
    EventLoop(EventLoop &&) noexcept = default;
    EventLoop &operator=(EventLoop &&) noexcept = default;

    // Calls `on_ready` whenever fd is readable.
    Result<void> watch(int fd, Callback on_ready);
    // Calls `on_events` with the EPOLL* bits that fired, for any of `events`.
    Result<void> watch(int fd, uint32_t events, std::function<void(uint32_t)> on_events);
    Result<void> modify(int fd, uint32_t events);
    bool watching(int fd) const { return handlers_.count(fd) != 0; }
    void unwatch(int fd);

    // A periodic timer; returns its id for cancel().
    Result<int> every(std::chrono::milliseconds period, Callback on_tick);
    // A one-shot timer.
    Result<int> after(std::chrono::milliseconds delay, Callback on_fire);
    void cancel(int timer_id);

    // Blocks these signals for the process and delivers them here.
    Result<void> on_signals(const std::vector<int> &signals, std::function<void(int)> on_signal);

    // Runs until stop(); returns at once if stop() was called before.
    Result<void> run();
    void stop() { running_ = false; }

private:
    EventLoop() = default;
    Result<int> add_timer(std::chrono::milliseconds first, std::chrono::milliseconds period, Callback cb, bool once);

    UniqueFd epoll_;
    std::map<int, std::shared_ptr<std::function<void(uint32_t)>>> handlers_;
    std::map<int, UniqueFd> timers_; // id (= its fd) -> fd
    UniqueFd signal_fd_;
    bool running_ = true;
};

} // namespace jalur
