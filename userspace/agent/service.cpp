// SPDX-License-Identifier: GPL-2.0-only
#include "agent/service.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace jalur::agent {

Result<std::unique_ptr<Service>> Service::ready(EventLoop &loop, const std::string &status)
{
    std::unique_ptr<Service> s(new Service(loop));
    s->status_ = status;
    // 0: no NOTIFY_SOCKET, not under systemd; < 0: the socket is unusable,
    // which systemd will notice as a start that never becomes ready
    int r = sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
    if (r < 0)
        spdlog::warn("systemd: READY=1 not sent: {}", std::strerror(-r));
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        s->watchdog_ = std::chrono::microseconds(usec);
        auto period = std::max(std::chrono::milliseconds(1),
                               std::chrono::duration_cast<std::chrono::milliseconds>(s->watchdog_ / 2));
        // from the loop itself: a callback that never returns stops the pings
        auto t = loop.every(period, [] { sd_notify(0, "WATCHDOG=1"); });
        if (!t)
            return t.error();
        s->timer_ = t.value();
        spdlog::info("systemd: watchdog every {} ms", period.count());
    }
    return s;
}

Service::~Service()
{
    if (timer_ >= 0)
        loop_.cancel(timer_);
}

void Service::status(const std::string &line)
{
    if (line == status_)
        return;
    status_ = line;
    sd_notifyf(0, "STATUS=%s", line.c_str());
}

void Service::stopping() { sd_notify(0, "STOPPING=1\nSTATUS=stopping"); }

bool test_hooks()
{
    const char *v = std::getenv("JALUR_TEST_HOOKS");
    return v && std::string(v) == "1";
}

void stall_for_test()
{
    const char *v = std::getenv("JALUR_TEST_STALL_MS");
    long ms = v ? std::strtol(v, nullptr, 10) : 5000;
    spdlog::warn("test hook: the event loop stalls for {} ms", ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(ms, 0L, 600000L)));
}

std::string service_status(const config::Config &cfg, const control::World &world)
{
    size_t up = 0;
    std::string wans;
    for (const auto &w : cfg.wans) {
        const auto &f = world.wan(w.name);
        std::string state = f.admin == control::Admin::Disabled ? "disabled"
                            : f.admin == control::Admin::Drain  ? "draining"
                                                                : control::health_name(f.health);
        if (f.admin == control::Admin::Enabled && f.health != control::Health::Down)
            up++;
        wans += (wans.empty() ? "" : ", ") + w.name + " " + state;
        if (f.health == control::Health::Down && !f.cause.empty())
            wans += " (" + f.cause + ")";
    }
    return std::to_string(up) + "/" + std::to_string(cfg.wans.size()) + " WANs up: " + wans;
}

} // namespace jalur::agent
