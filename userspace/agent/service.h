// SPDX-License-Identifier: GPL-2.0-only
// What the agent tells systemd (Type=notify, issue 23), through libsystemd's
// sd_notify: READY=1 once the data path is attached and routing is in
// place, STATUS= a one-line summary of the WANs, WATCHDOG=1 from the event
// loop (so a loop that hangs stops the pings and systemd restarts the
// agent), STOPPING=1 when a stop begins. Outside systemd (no
// NOTIFY_SOCKET) every call does nothing.
#pragma once

#include "common/event_loop.h"
#include "config/model.h"
#include "control/world.h"

#include <chrono>
#include <memory>
#include <string>

namespace jalur::agent {

class Service {
public:
    // Sends READY=1 with `status`, and starts the watchdog pings on `loop`
    // when systemd asked for them (WATCHDOG_USEC): every half interval, as
    // sd_watchdog_enabled(3) advises.
    static Result<std::unique_ptr<Service>> ready(EventLoop &loop, const std::string &status);
    ~Service();

    void status(const std::string &line); // sent only when it changed
    void stopping();
    std::chrono::microseconds watchdog() const { return watchdog_; }

private:
    explicit Service(EventLoop &loop) : loop_(loop) {}
    EventLoop &loop_;
    int timer_ = -1;
    std::chrono::microseconds watchdog_{0};
    std::string status_;
};

// Test hooks (JALUR_TEST_HOOKS=1 in the environment, e2e tests only):
// SIGUSR1 then blocks the event loop for JALUR_TEST_STALL_MS (default
// 5000), as a hung callback would.
bool test_hooks();
void stall_for_test();

// "2/3 WANs up: isp1 up, isp2 degraded, lte down (no interface wwan0)"
std::string service_status(const config::Config &cfg, const control::World &world);

} // namespace jalur::agent
