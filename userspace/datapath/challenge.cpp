// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/challenge.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace jalur::datapath {

namespace {

void put16(std::vector<uint8_t> &b, uint16_t v)
{
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}

void put32(std::vector<uint8_t> &b, uint32_t v)
{
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}

void put_raw(std::vector<uint8_t> &b, const void *p, size_t n)
{
    const auto *c = static_cast<const uint8_t *>(p);
    b.insert(b.end(), c, c + n);
}

uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum = 0)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += uint32_t(p[i]) << 8 | p[i + 1];
    return sum;
}

uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

bool v6(const jalur_flow_key &f) { return f.family == JALUR_FAMILY_V6; }
size_t addr_len(const jalur_flow_key &f) { return v6(f) ? 16 : 4; }

} // namespace

std::vector<uint8_t> challenge_syn(const jalur_flow_key &flow, uint32_t seq)
{
    // from the server (the key's destination) to the client (its source)
    const void *from = flow.daddr, *to = flow.saddr;
    size_t alen = addr_len(flow);
    std::vector<uint8_t> tcp;
    put_raw(tcp, &flow.dport, 2); // network order already
    put_raw(tcp, &flow.sport, 2);
    put32(tcp, seq);
    put32(tcp, 0);
    tcp.push_back(5 << 4);
    tcp.push_back(0x02); // SYN
    put16(tcp, 0);       // window
    put16(tcp, 0);       // checksum, below
    put16(tcp, 0);
    std::vector<uint8_t> pseudo;
    put_raw(pseudo, from, alen);
    put_raw(pseudo, to, alen);
    put16(pseudo, IPPROTO_TCP);
    put16(pseudo, static_cast<uint16_t>(tcp.size()));
    uint16_t c = fold(sum16(tcp.data(), tcp.size(), sum16(pseudo.data(), pseudo.size())));
    tcp[16] = static_cast<uint8_t>(c >> 8);
    tcp[17] = static_cast<uint8_t>(c);

    std::vector<uint8_t> pkt;
    if (v6(flow)) {
        put32(pkt, 0x60000000);
        put16(pkt, static_cast<uint16_t>(tcp.size()));
        pkt.push_back(IPPROTO_TCP);
        pkt.push_back(64);
        put_raw(pkt, from, alen);
        put_raw(pkt, to, alen);
    } else {
        pkt.push_back(0x45);
        pkt.push_back(0);
        put16(pkt, static_cast<uint16_t>(20 + tcp.size()));
        put16(pkt, 0);
        put16(pkt, 0x4000); // DF
        pkt.push_back(64);
        pkt.push_back(IPPROTO_TCP);
        put16(pkt, 0);
        put_raw(pkt, from, alen);
        put_raw(pkt, to, alen);
        uint16_t ic = fold(sum16(pkt.data(), pkt.size()));
        pkt[10] = static_cast<uint8_t>(ic >> 8);
        pkt[11] = static_cast<uint8_t>(ic);
    }
    pkt.insert(pkt.end(), tcp.begin(), tcp.end());
    return pkt;
}

Result<ChallengeSender> ChallengeSender::open()
{
    // IPPROTO_RAW: the packet carries its own IP header (IPv6 too)
    UniqueFd v4(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_RAW));
    if (v4.get() < 0)
        return sys_error("raw IPv4 socket for challenge SYNs", errno);
    UniqueFd v6(socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_RAW));
    if (v6.get() < 0)
        return sys_error("raw IPv6 socket for challenge SYNs", errno);
    return ChallengeSender(std::move(v4), std::move(v6));
}

Result<void> ChallengeSender::provoke(const jalur_flow_key &flow) const
{
    uint32_t seq = 0;
    if (getrandom(&seq, sizeof(seq), GRND_NONBLOCK) != sizeof(seq))
        seq = 0x6a6c7231u; // any value draws the challenge; a random one only avoids a pattern
    auto pkt = challenge_syn(flow, seq);
    ssize_t n;
    if (v6(flow)) {
        sockaddr_in6 to{};
        to.sin6_family = AF_INET6;
        std::memcpy(&to.sin6_addr, flow.saddr, 16);
        n = sendto(v6_.get(), pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof(to));
    } else {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        std::memcpy(&to.sin_addr, flow.saddr, 4);
        n = sendto(v4_.get(), pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof(to));
    }
    if (n < 0)
        return sys_error("sending a challenge SYN", errno);
    return {};
}

} // namespace jalur::datapath
