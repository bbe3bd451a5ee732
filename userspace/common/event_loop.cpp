// SPDX-License-Identifier: GPL-2.0-only
#include "common/event_loop.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace jalur {

namespace {

itimerspec spec_of(std::chrono::milliseconds first, std::chrono::milliseconds period)
{
    auto ts = [](std::chrono::milliseconds d) {
        timespec t{};
        t.tv_sec = d.count() / 1000;
        t.tv_nsec = (d.count() % 1000) * 1000000;
        return t;
    };
    itimerspec s{};
    s.it_value = ts(first.count() > 0 ? first : std::chrono::milliseconds(1)); // 0 would disarm
    s.it_interval = ts(period);
    return s;
}

} // namespace

Result<EventLoop> EventLoop::create()
{
    EventLoop loop;
    loop.epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    if (!loop.epoll_)
        return errorf(std::string("epoll_create1: ") + std::strerror(errno));
    return loop;
}

Result<void> EventLoop::watch(int fd, Callback on_ready)
{
    return watch(fd, EPOLLIN, [cb = std::move(on_ready)](uint32_t) { cb(); });
}

Result<void> EventLoop::watch(int fd, uint32_t events, std::function<void(uint32_t)> on_events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
        return errorf("epoll_ctl add fd " + std::to_string(fd) + ": " + std::strerror(errno));
    handlers_[fd] = std::make_shared<std::function<void(uint32_t)>>(std::move(on_events));
    return {};
}

Result<void> EventLoop::modify(int fd, uint32_t events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) != 0)
        return errorf("epoll_ctl mod fd " + std::to_string(fd) + ": " + std::strerror(errno));
    return {};
}

void EventLoop::unwatch(int fd)
{
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    handlers_.erase(fd);
}

Result<int> EventLoop::add_timer(std::chrono::milliseconds first, std::chrono::milliseconds period, Callback cb,
                                 bool once)
{
    UniqueFd tfd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!tfd)
        return errorf(std::string("timerfd_create: ") + std::strerror(errno));
    auto spec = spec_of(first, period);
    if (timerfd_settime(tfd.get(), 0, &spec, nullptr) != 0)
        return errorf(std::string("timerfd_settime: ") + std::strerror(errno));
    int id = tfd.get();
    auto r = watch(id, [this, id, cb = std::move(cb), once] {
        uint64_t expirations;
        if (read(id, &expirations, sizeof(expirations)) != sizeof(expirations))
            return;
        if (once)
            cancel(id);
        cb();
    });
    if (!r)
        return r.error();
    timers_[id] = std::move(tfd);
    return id;
}

Result<int> EventLoop::every(std::chrono::milliseconds period, Callback on_tick)
{
    return add_timer(period, period, std::move(on_tick), false);
}

Result<int> EventLoop::after(std::chrono::milliseconds delay, Callback on_fire)
{
    return add_timer(delay, std::chrono::milliseconds(0), std::move(on_fire), true);
}

void EventLoop::cancel(int timer_id)
{
    unwatch(timer_id);
    timers_.erase(timer_id);
}

Result<void> EventLoop::on_signals(const std::vector<int> &signals, std::function<void(int)> on_signal)
{
    sigset_t set;
    sigemptyset(&set);
    for (int s : signals)
        sigaddset(&set, s);
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0)
        return errorf(std::string("sigprocmask: ") + std::strerror(errno));
    signal_fd_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!signal_fd_)
        return errorf(std::string("signalfd: ") + std::strerror(errno));
    int fd = signal_fd_.get();
    return watch(fd, [fd, on_signal = std::move(on_signal)] {
        signalfd_siginfo si;
        while (read(fd, &si, sizeof(si)) == sizeof(si))
            on_signal(static_cast<int>(si.ssi_signo));
    });
}

Result<void> EventLoop::run()
{
    epoll_event events[16];
    while (running_) {
        int n = epoll_wait(epoll_.get(), events, 16, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errorf(std::string("epoll_wait: ") + std::strerror(errno));
        }
        for (int i = 0; i < n && running_; i++) {
            auto it = handlers_.find(events[i].data.fd);
            if (it == handlers_.end())
                continue;
            auto keep = it->second; // a callback may unwatch itself
            (*keep)(events[i].events);
        }
    }
    return {};
}

} // namespace jalur
