// SPDX-License-Identifier: GPL-2.0-only
// Checks on a socket of their own, made by probe_socket() for each try so
// that no connection or cached state outlives a round: a TCP connect and a
// DNS query.
#pragma once

#include "common/event_loop.h"
#include "common/prefix.h"
#include "common/unique_fd.h"
#include "health/check.h"

#include <string>

namespace jalur::health {

struct Endpoint {
    std::string ifname; // the WAN's interface
    uint32_t fwmark = 0;
    Prefix address;
    uint16_t port = 0;
};

class SocketCheck : public Check {
public:
    SocketCheck(EventLoop &loop, Endpoint at) : loop_(loop), at_(std::move(at)) {}
    ~SocketCheck() override { stop(); }
    void stop() override;

protected:
    // Opens a socket to the endpoint and connects it; false (and the try
    // reported failed) on an error.
    bool open(int type, Done done);
    void finish(bool ok, const std::string &why);
    // For errors found inside start(), which must not call `done` itself.
    void finish_soon(const std::string &why);

    EventLoop &loop_;
    Endpoint at_;
    UniqueFd fd_;
    Done done_;
    int soon_ = -1; // timer of finish_soon()
};

// Good when the connection is accepted; a refusal is a failure, since the
// target was named for a service that should answer.
class TcpCheck : public SocketCheck {
public:
    using SocketCheck::SocketCheck;
    void start(Done done) override;
};

// Good on an answer with NOERROR or NXDOMAIN (the server works); another
// code (SERVFAIL, REFUSED) or no answer fails.
class DnsCheck : public SocketCheck {
public:
    DnsCheck(EventLoop &loop, Endpoint at, std::string qname)
        : SocketCheck(loop, std::move(at)), qname_(std::move(qname))
    {
    }
    void start(Done done) override;

private:
    void on_readable();
    std::string qname_;
    uint16_t id_ = 0;
};

} // namespace jalur::health
