// SPDX-License-Identifier: GPL-2.0-only
// A probe target that is checked by an exchange rather than an echo: a TCP
// connect, a DNS query, an HTTP GET. One try per round, on the event loop.
#pragma once

#include <functional>
#include <string>

namespace jalur::health {

class Check {
public:
    // ok, or what failed ("connection refused", "status 503", "SERVFAIL")
    using Done = std::function<void(bool ok, const std::string &why)>;
    virtual ~Check() = default;
    // Starts a try, abandoning one still running. `done` is called at most
    // once, from the event loop, never from within start().
    virtual void start(Done done) = 0;
    // Abandons the try: its round is over.
    virtual void stop() = 0;
};

} // namespace jalur::health
