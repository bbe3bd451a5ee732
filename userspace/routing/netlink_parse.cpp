// SPDX-License-Identifier: GPL-2.0-only
// Parsers of rtnetlink messages. A message comes from the kernel, but the
// event socket is where a bug or a hostile sender would first show: every
// length is checked before it is read, and a message that cannot be walked
// is reported as malformed, never read past its end.
#include "routing/netlink.h"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

namespace jalur::routing {

namespace {

constexpr uint16_t kMaxAttr = 64;

int family_of(int af)
{
    return af == AF_INET6 ? 6 : 4;
}

// The attributes of one message, each read only after its length is checked;
// a read that fails marks the whole message bad.
struct Attrs {
    const nlattr *tb[kMaxAttr] = {};
    bool bad = false;

    const nlattr *get(uint16_t type) const { return type < kMaxAttr ? tb[type] : nullptr; }

    std::optional<uint32_t> u32(uint16_t type)
    {
        const nlattr *a = get(type);
        if (!a)
            return std::nullopt;
        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0) {
            bad = true;
            return std::nullopt;
        }
        return mnl_attr_get_u32(a);
    }

    std::optional<Prefix> prefix(uint16_t type, int family, unsigned len)
    {
        const nlattr *a = get(type);
        if (!a)
            return std::nullopt;
        size_t size = family == 6 ? 16 : 4;
        if (mnl_attr_get_payload_len(a) != size || len > size * 8) {
            bad = true;
            return std::nullopt;
        }
        Prefix p;
        p.family = family;
        std::memcpy(p.addr.data(), mnl_attr_get_payload(a), size);
        p.len = len;
        return p;
    }

    std::optional<std::string> str(uint16_t type)
    {
        const nlattr *a = get(type);
        if (!a)
            return std::nullopt;
        if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0) {
            bad = true;
            return std::nullopt;
        }
        return std::string(mnl_attr_get_str(a));
    }
};

int collect(const nlattr *attr, void *data)
{
    auto *t = static_cast<Attrs *>(data);
    uint16_t type = mnl_attr_get_type(attr);
    if (type < kMaxAttr)
        t->tb[type] = attr;
    return MNL_CB_OK;
}

// The fixed header of `Header` and the attributes after it, or null when the
// message is too short for its header or an attribute runs past its end.
template <typename Header>
const Header *walk(const nlmsghdr *nlh, Attrs &attrs)
{
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(Header)))
        return nullptr;
    // mnl_attr_parse would stop quietly at an attribute that does not fit:
    // walked here, so that one is told apart from the end (a tail shorter
    // than an attribute header is padding)
    const auto *end = reinterpret_cast<const char *>(nlh) + nlh->nlmsg_len;
    const auto *a = static_cast<const nlattr *>(mnl_nlmsg_get_payload_offset(nlh, sizeof(Header)));
    while (end - reinterpret_cast<const char *>(a) >= static_cast<long>(sizeof(nlattr))) {
        auto left = static_cast<int>(end - reinterpret_cast<const char *>(a));
        if (!mnl_attr_ok(a, left))
            return nullptr;
        collect(a, &attrs);
        a = mnl_attr_next(a);
    }
    return static_cast<const Header *>(mnl_nlmsg_get_payload(nlh));
}

void mark(bool *malformed)
{
    if (malformed)
        *malformed = true;
}

} // namespace

std::optional<Route> parse_route(const nlmsghdr *nlh, bool *malformed)
{
    if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
        return std::nullopt;
    Attrs t;
    const auto *rtm = walk<rtmsg>(nlh, t);
    if (!rtm) {
        mark(malformed);
        return std::nullopt;
    }
    if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
        return std::nullopt;
    Route r;
    r.family = family_of(rtm->rtm_family);
    r.table = t.u32(RTA_TABLE).value_or(rtm->rtm_table);
    r.type = rtm->rtm_type;
    r.scope = rtm->rtm_scope;
    r.protocol = rtm->rtm_protocol;
    r.dst.family = r.family;
    r.dst.len = rtm->rtm_dst_len;
    if (r.dst.len > r.dst.max_len())
        t.bad = true;
    if (auto dst = t.prefix(RTA_DST, r.family, rtm->rtm_dst_len))
        r.dst = *dst;
    r.gateway = t.prefix(RTA_GATEWAY, r.family, r.family == 6 ? 128 : 32);
    r.ifindex = static_cast<int>(t.u32(RTA_OIF).value_or(0));
    r.metric = t.u32(RTA_PRIORITY).value_or(0);
    if (t.bad) {
        mark(malformed);
        return std::nullopt;
    }
    return r;
}

std::optional<Rule> parse_rule(const nlmsghdr *nlh, bool *malformed)
{
    if (nlh->nlmsg_type != RTM_NEWRULE && nlh->nlmsg_type != RTM_DELRULE)
        return std::nullopt;
    Attrs t;
    const auto *h = walk<fib_rule_hdr>(nlh, t);
    if (!h) {
        mark(malformed);
        return std::nullopt;
    }
    if (h->family != AF_INET && h->family != AF_INET6)
        return std::nullopt;
    Rule rule;
    rule.family = family_of(h->family);
    rule.table = t.u32(FRA_TABLE).value_or(h->table);
    rule.priority = t.u32(FRA_PRIORITY).value_or(0);
    rule.fwmark = t.u32(FRA_FWMARK).value_or(0);
    rule.fwmask = t.u32(FRA_FWMASK).value_or(0);
    rule.iifname = t.str(FRA_IIFNAME).value_or("");
    rule.action = h->action;
    rule.src = t.prefix(FRA_SRC, rule.family, h->src_len);
    if (auto v = t.u32(FRA_SUPPRESS_PREFIXLEN)) // the kernel's "none" is -1
        rule.suppress_prefixlen = *v == UINT32_MAX ? -1 : static_cast<int>(*v);
    if (t.bad) {
        mark(malformed);
        return std::nullopt;
    }
    return rule;
}

std::optional<Address> parse_address(const nlmsghdr *nlh, bool *malformed)
{
    if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
        return std::nullopt;
    Attrs t;
    const auto *ifa = walk<ifaddrmsg>(nlh, t);
    if (!ifa) {
        mark(malformed);
        return std::nullopt;
    }
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
        return std::nullopt;
    Address out;
    out.family = family_of(ifa->ifa_family);
    out.ifindex = static_cast<int>(ifa->ifa_index);
    auto addr = t.prefix(t.get(IFA_LOCAL) ? IFA_LOCAL : IFA_ADDRESS, out.family, ifa->ifa_prefixlen);
    if (t.bad)
        mark(malformed);
    if (!addr)
        return std::nullopt;
    out.addr = *addr;
    return out;
}

std::optional<LinkState> parse_link(const nlmsghdr *nlh, bool *malformed)
{
    if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
        return std::nullopt;
    Attrs t;
    const auto *ifi = walk<ifinfomsg>(nlh, t);
    if (!ifi) {
        mark(malformed);
        return std::nullopt;
    }
    LinkState l{ifi->ifi_index, nlh->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_LOWER_UP) != 0, "", false};
    l.name = t.str(IFLA_IFNAME).value_or("");
    if (const nlattr *info = t.get(IFLA_LINKINFO)) {
        Attrs kind;
        if (mnl_attr_parse_nested(info, collect, &kind) < 0)
            kind.bad = true;
        l.bridge = kind.str(IFLA_INFO_KIND).value_or("") == "bridge";
        t.bad = t.bad || kind.bad;
    }
    if (t.bad) {
        mark(malformed);
        return std::nullopt;
    }
    return l;
}

} // namespace jalur::routing
