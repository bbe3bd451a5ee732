// SPDX-License-Identifier: GPL-2.0-only
#include "health/dns_message.h"
#include "health/socket_checks.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace jalur::health {

void DnsCheck::start(Done done)
{
    if (!open(SOCK_DGRAM, std::move(done)))
        return;
    static std::mt19937 rng{std::random_device{}()};
    id_ = static_cast<uint16_t>(rng()); // a fresh id per try: a late answer to the last one is not this one's
    auto q = dns_query(id_, qname_);
    if (send(fd_.get(), q.data(), q.size(), 0) < 0) {
        finish_soon(std::strerror(errno));
        return;
    }
    if (auto r = loop_.watch(fd_.get(), EPOLLIN, [this](uint32_t) { on_readable(); }); !r)
        finish_soon(r.error().message);
}

void DnsCheck::on_readable()
{
    uint8_t buf[512];
    for (;;) {
        ssize_t n = recv(fd_.get(), buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno != EAGAIN) // ECONNREFUSED: an ICMP port unreachable came back
                finish(false, std::strerror(errno));
            return;
        }
        auto rcode = dns_answer_rcode(buf, static_cast<size_t>(n), id_);
        if (!rcode)
            continue;
        if (*rcode == 0 || *rcode == 3)
            finish(true, "");
        else
            finish(false, std::string("answered ") + dns_rcode_name(*rcode));
        return;
    }
}

} // namespace jalur::health
