// SPDX-License-Identifier: GPL-2.0-only
#include "routing/conntrack.h"

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>
#include <vector>

namespace jalur::routing {

namespace {

// a dump message can be larger than MNL_SOCKET_BUFFER_SIZE (the kernel
// fills up to 32 KiB); a smaller buffer would truncate it
constexpr size_t kDumpBuffer = 32768;

nlmsghdr *request(char *buf, uint16_t type, uint16_t flags, int family, unsigned seq)
{
    nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    nlh->nlmsg_seq = seq;
    auto *nfg = static_cast<nfgenmsg *>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
    nfg->nfgen_family = static_cast<uint8_t>(family);
    nfg->version = NFNETLINK_V0;
    nfg->res_id = 0;
    return nlh;
}

// The attributes of a message or a nest, by type (every type used here is
// below 64).
using Attrs = std::array<const nlattr *, 64>;

int keep_attr(const nlattr *a, void *data)
{
    auto &t = *static_cast<Attrs *>(data);
    if (mnl_attr_get_type(a) < t.size())
        t[mnl_attr_get_type(a)] = a;
    return MNL_CB_OK;
}

const nlattr *child(const nlattr *nest, uint16_t type)
{
    Attrs t{};
    if (mnl_attr_parse_nested(nest, keep_attr, &t) < 0)
        return nullptr;
    return t[type];
}

struct Entry {
    std::vector<uint8_t> orig; // CTA_TUPLE_ORIG's payload, as the kernel wrote it
    std::vector<uint8_t> zone; // CTA_ZONE's payload, if any
};

struct DumpState {
    std::span<const Prefix> addrs;
    int family;
    std::vector<Entry> matches;
};

bool reply_to_one_of(const nlattr *reply, const DumpState &st)
{
    const nlattr *ip = reply ? child(reply, CTA_TUPLE_IP) : nullptr;
    const nlattr *dst = ip ? child(ip, st.family == AF_INET ? CTA_IP_V4_DST : CTA_IP_V6_DST) : nullptr;
    size_t len = st.family == AF_INET ? 4 : 16;
    if (!dst || mnl_attr_get_payload_len(dst) < len)
        return false;
    for (const auto &a : st.addrs)
        if ((a.family == 4) == (st.family == AF_INET) && std::memcmp(a.addr.data(), mnl_attr_get_payload(dst), len) == 0)
            return true;
    return false;
}

int on_entry(const nlmsghdr *nlh, void *data)
{
    auto &st = *static_cast<DumpState *>(data);
    Attrs t{};
    if (mnl_attr_parse(nlh, sizeof(nfgenmsg), keep_attr, &t) < 0)
        return MNL_CB_OK; // not one we can read: not one to delete
    const nlattr *orig = t[CTA_TUPLE_ORIG], *reply = t[CTA_TUPLE_REPLY], *zone = t[CTA_ZONE];
    if (!orig || !reply_to_one_of(reply, st))
        return MNL_CB_OK;
    Entry e;
    auto *p = static_cast<const uint8_t *>(mnl_attr_get_payload(orig));
    e.orig.assign(p, p + mnl_attr_get_payload_len(orig));
    if (zone) {
        auto *z = static_cast<const uint8_t *>(mnl_attr_get_payload(zone));
        e.zone.assign(z, z + mnl_attr_get_payload_len(zone));
    }
    st.matches.push_back(std::move(e));
    return MNL_CB_OK;
}

// A flow's original tuple, as CTA_TUPLE_ORIG's payload.
std::vector<uint8_t> tuple_of(const jalur_flow_key &f)
{
    char buf[256];
    auto *nlh = mnl_nlmsg_put_header(buf); // scratch: only its attributes are kept
    auto *tuple = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
    auto *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
    if (f.family == JALUR_FAMILY_V4) {
        mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, f.saddr);
        mnl_attr_put(nlh, CTA_IP_V4_DST, 4, f.daddr);
    } else {
        mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, f.saddr);
        mnl_attr_put(nlh, CTA_IP_V6_DST, 16, f.daddr);
    }
    mnl_attr_nest_end(nlh, ip);
    auto *proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
    mnl_attr_put_u8(nlh, CTA_PROTO_NUM, f.proto);
    mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, f.sport); // network order, as the key holds them
    mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, f.dport);
    mnl_attr_nest_end(nlh, proto);
    mnl_attr_nest_end(nlh, tuple);
    auto *p = static_cast<const uint8_t *>(mnl_attr_get_payload(tuple));
    return {p, p + mnl_attr_get_payload_len(tuple)};
}

} // namespace

Result<Conntrack> Conntrack::open()
{
    mnl_socket *sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
    if (!sock)
        return sys_error("nfnetlink socket", errno);
    if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
        int err = errno;
        mnl_socket_close(sock);
        return sys_error("nfnetlink bind", err);
    }
    return Conntrack(sock);
}

Conntrack::Conntrack(mnl_socket *sock)
    : sock_(sock), portid_(mnl_socket_get_portid(sock)), seq_(static_cast<unsigned>(time(nullptr)))
{
}

Conntrack::Conntrack(Conntrack &&o) noexcept
    : sock_(std::exchange(o.sock_, nullptr)), portid_(o.portid_), seq_(o.seq_)
{
}

Conntrack::~Conntrack()
{
    if (sock_)
        mnl_socket_close(sock_);
}

// true: deleted; false: it was gone already
Result<bool> Conntrack::erase(int family, const void *tuple_orig, size_t len, const void *zone, size_t zone_len)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    unsigned seq = ++seq_;
    nlmsghdr *nlh = request(buf.data(), IPCTNL_MSG_CT_DELETE, NLM_F_ACK, family, seq);
    mnl_attr_put(nlh, CTA_TUPLE_ORIG | NLA_F_NESTED, len, tuple_orig);
    if (zone_len)
        mnl_attr_put(nlh, CTA_ZONE, zone_len, zone);
    if (mnl_socket_sendto(sock_, nlh, nlh->nlmsg_len) < 0)
        return sys_error("conntrack delete", errno);
    ssize_t n = mnl_socket_recvfrom(sock_, buf.data(), buf.size());
    if (n < 0)
        return sys_error("conntrack delete", errno);
    if (mnl_cb_run(buf.data(), n, seq, portid_, nullptr, nullptr) < 0) {
        if (errno == ENOENT)
            return false;
        return sys_error("conntrack delete", errno);
    }
    return true;
}

Result<size_t> Conntrack::delete_natted_to(std::span<const Prefix> addrs)
{
    size_t deleted = 0;
    if (addrs.empty())
        return deleted; // no address known: nothing can match, skip the dumps
    for (int family : {AF_INET, AF_INET6}) {
        DumpState st{addrs, family, {}};
        std::vector<char> buf(kDumpBuffer);
        unsigned seq = ++seq_;
        nlmsghdr *nlh = request(buf.data(), IPCTNL_MSG_CT_GET, NLM_F_DUMP, family, seq);
        if (mnl_socket_sendto(sock_, nlh, nlh->nlmsg_len) < 0)
            return sys_error("conntrack dump", errno);
        // every matching entry is read first, then deleted: deleting during
        // the dump would move the kernel's place in its table
        for (;;) {
            ssize_t n = mnl_socket_recvfrom(sock_, buf.data(), buf.size());
            if (n < 0)
                return sys_error("conntrack dump", errno);
            int r = mnl_cb_run(buf.data(), n, seq, portid_, on_entry, &st);
            if (r == MNL_CB_STOP)
                break;
            if (r < 0)
                return sys_error("conntrack dump", errno);
        }
        for (const auto &e : st.matches) {
            auto r = erase(family, e.orig.data(), e.orig.size(), e.zone.data(), e.zone.size());
            if (!r)
                return r.error();
            deleted += r.value();
        }
    }
    return deleted;
}

Result<size_t> Conntrack::delete_flows(std::span<const jalur_flow_key> flows)
{
    size_t deleted = 0;
    for (const auto &f : flows) {
        if (f.proto != IPPROTO_TCP && f.proto != IPPROTO_UDP)
            continue; // the others' tuples hold no ports (ICMP: an id); they time out
        auto tuple = tuple_of(f);
        auto r = erase(f.family == JALUR_FAMILY_V4 ? AF_INET : AF_INET6, tuple.data(), tuple.size(), nullptr, 0);
        if (!r)
            return r.error();
        deleted += r.value();
    }
    return deleted;
}

} // namespace jalur::routing
