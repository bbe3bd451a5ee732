// SPDX-License-Identifier: GPL-2.0-only
#include "routing/netlink.h"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

namespace jalur::routing {

namespace {

int af_of(int family)
{
    return family == 6 ? AF_INET6 : AF_INET;
}

size_t addr_len(int family)
{
    return family == 6 ? 16 : 4;
}

nlmsghdr *route_message(char *buf, uint16_t type, uint16_t flags, const Route &r)
{
    nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    auto *rtm = static_cast<rtmsg *>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
    rtm->rtm_family = static_cast<uint8_t>(af_of(r.family));
    rtm->rtm_dst_len = static_cast<uint8_t>(r.dst.len);
    rtm->rtm_table = r.table < 256 ? static_cast<uint8_t>(r.table) : uint8_t{RT_TABLE_UNSPEC};
    rtm->rtm_protocol = r.protocol ? r.protocol : RTPROT_STATIC;
    rtm->rtm_scope = r.scope;
    rtm->rtm_type = r.type;
    mnl_attr_put_u32(nlh, RTA_TABLE, r.table);
    if (r.dst.len)
        mnl_attr_put(nlh, RTA_DST, addr_len(r.family), r.dst.addr.data());
    if (r.gateway)
        mnl_attr_put(nlh, RTA_GATEWAY, addr_len(r.family), r.gateway->addr.data());
    if (r.ifindex)
        mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(r.ifindex));
    if (r.metric)
        mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
    return nlh;
}

nlmsghdr *rule_message(char *buf, uint16_t type, uint16_t flags, const Rule &r)
{
    nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    auto *frh = static_cast<fib_rule_hdr *>(mnl_nlmsg_put_extra_header(nlh, sizeof(fib_rule_hdr)));
    frh->family = static_cast<uint8_t>(af_of(r.family));
    frh->action = r.action;
    frh->table = r.table < 256 ? static_cast<uint8_t>(r.table) : uint8_t{RT_TABLE_UNSPEC};
    if (r.table)
        mnl_attr_put_u32(nlh, FRA_TABLE, r.table);
    if (!r.iifname.empty())
        mnl_attr_put_strz(nlh, FRA_IIFNAME, r.iifname.c_str());
    mnl_attr_put_u32(nlh, FRA_PRIORITY, r.priority);
    if (r.fwmask) {
        mnl_attr_put_u32(nlh, FRA_FWMARK, r.fwmark);
        mnl_attr_put_u32(nlh, FRA_FWMASK, r.fwmask);
    }
    if (r.src) {
        frh->src_len = static_cast<uint8_t>(r.src->len);
        mnl_attr_put(nlh, FRA_SRC, addr_len(r.family), r.src->addr.data());
    }
    if (r.suppress_prefixlen >= 0)
        mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, static_cast<uint32_t>(r.suppress_prefixlen));
    return nlh;
}

// A dump request of `type` for one family, with its fixed header zeroed.
template <typename Header>
nlmsghdr *dump_request(char *buf, uint16_t type, int family, uint8_t Header::*family_field)
{
    nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    auto *h = static_cast<Header *>(mnl_nlmsg_put_extra_header(nlh, sizeof(Header)));
    h->*family_field = static_cast<uint8_t>(af_of(family));
    return nlh;
}

} // namespace

std::string describe(const Route &r)
{
    std::string s = "route " + r.dst.str() + " table " + std::to_string(r.table);
    if (r.gateway)
        s += " via " + r.gateway->str().substr(0, r.gateway->str().find('/'));
    if (r.ifindex)
        s += " dev #" + std::to_string(r.ifindex);
    return s;
}

std::string describe(const Rule &r)
{
    auto hex = [](uint32_t v) {
        char b[16];
        std::snprintf(b, sizeof(b), "0x%x", v);
        return std::string(b);
    };
    std::string s = std::string(r.family == 6 ? "IPv6" : "IPv4") + " rule priority " + std::to_string(r.priority);
    if (r.fwmask)
        s += " fwmark " + hex(r.fwmark) + "/" + hex(r.fwmask);
    if (r.src)
        s += " from " + r.src->str();
    if (!r.iifname.empty())
        s += " iif " + r.iifname;
    s += r.action == FR_ACT_TO_TBL ? " lookup " + std::to_string(r.table) : " action " + std::to_string(r.action);
    if (r.suppress_prefixlen >= 0)
        s += " suppress_prefixlength " + std::to_string(r.suppress_prefixlen);
    return s;
}

void Netlink::Closer::operator()(mnl_socket *s) const
{
    mnl_socket_close(s);
}

Netlink::Netlink(mnl_socket *sock) : sock_(sock) {}
Netlink::Netlink(Netlink &&) noexcept = default;
Netlink &Netlink::operator=(Netlink &&) noexcept = default;
Netlink::~Netlink() = default;

Result<Netlink> Netlink::open(unsigned groups)
{
    mnl_socket *s = mnl_socket_open(NETLINK_ROUTE);
    if (!s)
        return errorf(std::string("cannot open a netlink socket: ") + std::strerror(errno));
    if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
        int err = errno;
        mnl_socket_close(s);
        return errorf(std::string("cannot bind the netlink socket: ") + std::strerror(err));
    }
    Netlink nl(s);
    nl.seq_ = static_cast<uint32_t>(time(nullptr));
    return nl;
}

int Netlink::fd() const
{
    return mnl_socket_get_fd(sock_.get());
}

uint32_t Netlink::portid() const
{
    return mnl_socket_get_portid(sock_.get());
}

Result<void> Netlink::join(unsigned group)
{
    if (mnl_socket_setsockopt(sock_.get(), NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
        return sys_error("cannot join netlink group " + std::to_string(group), errno);
    return {};
}

Result<void> Netlink::request(nlmsghdr *nlh, const std::string &what, bool tolerate_exists, bool tolerate_missing)
{
    nlh->nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(sock_.get(), nlh, nlh->nlmsg_len) < 0)
        return errorf(what + ": netlink send failed: " + std::strerror(errno));
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    unsigned portid = mnl_socket_get_portid(sock_.get());
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(sock_.get(), buf.data(), buf.size());
        if (n < 0)
            return errorf(what + ": netlink receive failed: " + std::strerror(errno));
        int ret = mnl_cb_run(buf.data(), static_cast<size_t>(n), nlh->nlmsg_seq, portid, nullptr, nullptr);
        if (ret == MNL_CB_ERROR) {
            int err = errno;
            if ((tolerate_exists && err == EEXIST) || (tolerate_missing && (err == ENOENT || err == ESRCH)))
                return {};
            return errorf(what + ": " + std::strerror(err));
        }
        if (ret <= MNL_CB_STOP)
            return {};
    }
}

Result<void> Netlink::dump(nlmsghdr *nlh, const std::function<void(const nlmsghdr *)> &each)
{
    nlh->nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(sock_.get(), nlh, nlh->nlmsg_len) < 0)
        return errorf(std::string("netlink dump request failed: ") + std::strerror(errno));
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    unsigned portid = mnl_socket_get_portid(sock_.get());
    auto cb = [](const nlmsghdr *m, void *data) {
        (*static_cast<const std::function<void(const nlmsghdr *)> *>(data))(m);
        return MNL_CB_OK;
    };
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(sock_.get(), buf.data(), buf.size());
        if (n < 0)
            return errorf(std::string("netlink dump failed: ") + std::strerror(errno));
        int ret = mnl_cb_run(buf.data(), static_cast<size_t>(n), nlh->nlmsg_seq, portid, cb,
                             const_cast<std::function<void(const nlmsghdr *)> *>(&each));
        if (ret == MNL_CB_ERROR)
            return errorf(std::string("netlink dump failed: ") + std::strerror(errno));
        if (ret <= MNL_CB_STOP)
            return {};
    }
}

Result<void> Netlink::add_route(const Route &r)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    // NLM_F_REPLACE: a route left by an agent that died is taken over
    return request(route_message(buf.data(), RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, r), "add " + describe(r));
}

Result<void> Netlink::delete_route(const Route &r)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    return request(route_message(buf.data(), RTM_DELROUTE, 0, r), "delete " + describe(r), false, true);
}

Result<void> Netlink::add_rule(const Rule &r)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    return request(rule_message(buf.data(), RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, r), "add " + describe(r), true);
}

Result<void> Netlink::delete_rule(const Rule &r)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    return request(rule_message(buf.data(), RTM_DELRULE, 0, r), "delete " + describe(r), false, true);
}

Result<std::vector<Route>> Netlink::routes(int family, uint32_t table)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr *nlh = dump_request(buf.data(), RTM_GETROUTE, family, &rtmsg::rtm_family);
    std::vector<Route> out;
    auto r = dump(nlh, [&](const nlmsghdr *m) {
        if (auto route = parse_route(m); route && route->table == table)
            out.push_back(*route);
    });
    if (!r)
        return r.error();
    return out;
}

Result<std::vector<Rule>> Netlink::rules(int family)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr *nlh = dump_request(buf.data(), RTM_GETRULE, family, &fib_rule_hdr::family);
    std::vector<Rule> out;
    auto r = dump(nlh, [&](const nlmsghdr *m) {
        if (auto rule = parse_rule(m))
            out.push_back(*rule);
    });
    if (!r)
        return r.error();
    return out;
}

Result<std::vector<Address>> Netlink::addresses(int family)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr *nlh = dump_request(buf.data(), RTM_GETADDR, family, &ifaddrmsg::ifa_family);
    std::vector<Address> out;
    auto r = dump(nlh, [&](const nlmsghdr *m) {
        if (auto a = parse_address(m))
            out.push_back(*a);
    });
    if (!r)
        return r.error();
    return out;
}

Result<std::vector<LinkState>> Netlink::links()
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr *nlh = dump_request(buf.data(), RTM_GETLINK, 0, &ifinfomsg::ifi_family);
    std::vector<LinkState> out;
    auto r = dump(nlh, [&](const nlmsghdr *m) {
        if (auto l = parse_link(m); l && !l->name.empty())
            out.push_back(std::move(*l));
    });
    if (!r)
        return r.error();
    return out;
}

bool Netlink::drain(const std::function<void(const nlmsghdr *)> &on_message)
{
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    bool overflowed = false;
    for (;;) {
        ssize_t n = recv(fd(), buf.data(), buf.size(), MSG_DONTWAIT);
        if (n < 0 && errno == ENOBUFS) { // the kernel dropped events: keep reading what is left
            overflowed = true;
            continue;
        }
        if (n <= 0)
            return overflowed;
        auto *nlh = reinterpret_cast<const nlmsghdr *>(buf.data());
        int len = static_cast<int>(n);
        while (mnl_nlmsg_ok(nlh, len)) {
            on_message(nlh);
            nlh = mnl_nlmsg_next(nlh, &len);
        }
    }
}

} // namespace jalur::routing
