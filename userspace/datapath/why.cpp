// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/why.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <netinet/in.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace jalur::datapath {

namespace {

void put16(std::vector<uint8_t> &b, size_t at, uint16_t v)
{
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}

uint16_t ip_checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (p[i] << 8) | p[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

} // namespace

Result<uint8_t> parse_proto(const std::string &text, int family)
{
    if (text == "tcp")
        return uint8_t{IPPROTO_TCP};
    if (text == "udp")
        return uint8_t{IPPROTO_UDP};
    if (text == "icmp" || text == "icmpv6")
        return static_cast<uint8_t>(family == 6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP});
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v > 255 || text.empty())
        return errorf("protocol: expected tcp, udp, icmp or a number 0-255, got '" + text + "'", ErrorKind::Invalid);
    return static_cast<uint8_t>(v);
}

std::vector<uint8_t> why_input(const WhyPacket &p)
{
    bool v6 = p.src.family == 6;
    size_t l4 = p.proto == IPPROTO_TCP ? 20 : 8; // TCP without options; UDP; an ICMP echo header
    size_t l3 = v6 ? 40 : 20;
    std::vector<uint8_t> b(sizeof(jalur_why) + 14 + l3 + l4, 0);
    jalur_why in{};
    in.ifindex = p.ifindex;
    std::memcpy(b.data(), &in, sizeof(in));
    size_t at = sizeof(jalur_why);
    // unicast MACs: a broadcast or multicast frame is not balanced
    const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
    std::memcpy(&b[at], macs, 12);
    put16(b, at + 12, v6 ? 0x86dd : 0x0800);
    at += 14;
    if (v6) {
        b[at] = 0x60;
        put16(b, at + 4, static_cast<uint16_t>(l4));
        b[at + 6] = p.proto;
        b[at + 7] = 64;
        std::memcpy(&b[at + 8], p.src.addr.data(), 16);
        std::memcpy(&b[at + 24], p.dst.addr.data(), 16);
    } else {
        b[at] = 0x45;
        put16(b, at + 2, static_cast<uint16_t>(l3 + l4));
        b[at + 6] = 0x40; // don't fragment
        b[at + 8] = 64;
        b[at + 9] = p.proto;
        std::memcpy(&b[at + 12], p.src.addr.data(), 4);
        std::memcpy(&b[at + 16], p.dst.addr.data(), 4);
        put16(b, at + 10, ip_checksum(&b[at], 20));
    }
    at += l3;
    if (p.proto == IPPROTO_TCP) {
        put16(b, at, p.sport);
        put16(b, at + 2, p.dport);
        b[at + 12] = 5 << 4;
        b[at + 13] = 0x02; // SYN: a new connection
        put16(b, at + 14, 64240);
    } else if (p.proto == IPPROTO_UDP) {
        put16(b, at, p.sport);
        put16(b, at + 2, p.dport);
        put16(b, at + 4, static_cast<uint16_t>(l4));
    } else if (p.proto == IPPROTO_ICMP || p.proto == IPPROTO_ICMPV6) {
        b[at] = p.proto == IPPROTO_ICMP ? 8 : 128; // echo request
        put16(b, at + 4, p.sport);                  // its identifier, which the data path hashes as the port
    }
    return b;
}

Result<jalur_why> explain(int prog_fd, const WhyPacket &p)
{
    auto in = why_input(p);
    std::vector<uint8_t> out(in.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(), .data_out = out.data(),
                .data_size_in = static_cast<uint32_t>(in.size()), .data_size_out = static_cast<uint32_t>(out.size()),
                .repeat = 1);
    if (bpf_prog_test_run_opts(prog_fd, &opts) != 0)
        return sys_error("running the data path's decision (BPF_PROG_TEST_RUN)", errno);
    jalur_why w{};
    if (opts.data_size_out < sizeof(w))
        return errorf("the data path's decision: a short answer (" + std::to_string(opts.data_size_out) + " bytes)");
    std::memcpy(&w, out.data(), sizeof(w));
    if (w.magic != JALUR_WHY_MAGIC)
        return errorf("the data path's decision: no answer (the program returned " + std::to_string(opts.retval) + ")");
    return w;
}

} // namespace jalur::datapath
