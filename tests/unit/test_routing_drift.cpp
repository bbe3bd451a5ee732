// SPDX-License-Identifier: GPL-2.0-only
// Policy routing's repair: what counts as drift between the wanted and the
// dumped rules and routes, the budget that bounds a fight with another
// program, and netlink parsers that refuse a message they cannot walk.
#include "routing/drift.h"
#include "routing/repair_budget.h"

#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <vector>

using namespace jalur;
using namespace jalur::routing;
using namespace std::chrono_literals;

namespace {

Rule mark_rule(int family, uint32_t prio, uint32_t table, uint32_t mark)
{
    Rule r;
    r.family = family;
    r.priority = prio;
    r.table = table;
    r.fwmark = mark;
    r.fwmask = 0xff00;
    return r;
}

Route default_route(int family, uint32_t table, const char *gw, int ifindex)
{
    Route r;
    r.family = family;
    r.table = table;
    r.dst.family = family;
    r.dst.len = 0;
    r.gateway = Prefix::parse(gw).value();
    r.ifindex = ifindex;
    return r;
}

} // namespace

TEST_CASE("drift: nothing when the kernel has everything, foreign rules and routes besides")
{
    std::vector<Rule> want{mark_rule(4, 1001, 101, 0x100), mark_rule(6, 1001, 101, 0x100)};
    std::vector<Route> want_routes{default_route(4, 101, "100.64.1.1", 3)};
    auto have = want;
    have.push_back(mark_rule(4, 32766, 254, 0)); // main
    auto have_routes = want_routes;
    have_routes.push_back(default_route(4, 101, "100.64.1.7", 9));
    CHECK(find_drift(want, have, want_routes, have_routes).empty());
}

TEST_CASE("drift: a deleted rule of one family is missing, the other family's twin is not")
{
    std::vector<Rule> want{mark_rule(4, 1001, 101, 0x100), mark_rule(6, 1001, 101, 0x100)};
    auto d = find_drift(want, {want[1]}, {}, {});
    REQUIRE(d.rules.size() == 1);
    CHECK(d.rules[0].family == 4);
    CHECK(d.routes.empty());
}

TEST_CASE("drift: a rule at our priority pointing elsewhere is not ours")
{
    std::vector<Rule> want{mark_rule(4, 1001, 101, 0x100)};
    CHECK(find_drift(want, {mark_rule(4, 1001, 102, 0x100)}, {}, {}).rules.size() == 1);
    CHECK(find_drift(want, {mark_rule(4, 1001, 101, 0x200)}, {}, {}).rules.size() == 1);
    Rule suppress;
    suppress.priority = 1000;
    suppress.table = 254;
    suppress.suppress_prefixlen = 0;
    Rule plain = suppress;
    plain.suppress_prefixlen = -1; // "lookup main" without suppression is another rule
    CHECK(find_drift({suppress}, {plain}, {}, {}).rules.size() == 1);
}

TEST_CASE("drift: a replaced route (another gateway or device) is missing")
{
    std::vector<Route> want{default_route(4, 101, "100.64.1.1", 3)};
    CHECK(find_drift({}, {}, want, {default_route(4, 101, "100.64.1.99", 3)}).routes.size() == 1);
    CHECK(find_drift({}, {}, want, {default_route(4, 101, "100.64.1.1", 4)}).routes.size() == 1);
    CHECK(find_drift({}, {}, want, {default_route(4, 102, "100.64.1.1", 3)}).routes.size() == 1);
    CHECK(find_drift({}, {}, want, {}).routes.size() == 1);
}

TEST_CASE("drift: an IPv6 route added without a metric comes back with 1024 and is the same route")
{
    auto want = default_route(6, 102, "2001:db8:102::1", 4);
    auto have = want;
    have.metric = 1024;
    CHECK(find_drift({}, {}, {want}, {have}).empty());
    auto v4 = default_route(4, 101, "100.64.1.1", 3);
    auto v4_have = v4;
    v4_have.metric = 1024; // IPv4 has no such default
    CHECK_FALSE(find_drift({}, {}, {v4}, {v4_have}).empty());
}

TEST_CASE("repair budget: a burst, then one per refill period, never more")
{
    RepairBudget b(3, 1s);
    RepairBudget::Clock::time_point t{};
    t += 100s;
    CHECK(b.take(t));
    CHECK(b.take(t));
    CHECK(b.take(t));
    CHECK_FALSE(b.take(t));
    CHECK(b.wait(t) == 1s);
    CHECK_FALSE(b.take(t + 999ms));
    CHECK(b.take(t + 1s));
    CHECK_FALSE(b.take(t + 1s));
    // a fight of 100 attempts every 10 ms for a second: one more repair
    int taken = 0;
    for (int i = 1; i <= 100; i++)
        taken += b.take(t + 1s + i * 10ms);
    CHECK(taken == 1);
    // quiet for long: the burst is back, no more
    int later = 0;
    for (int i = 0; i < 10; i++)
        later += b.take(t + 60s);
    CHECK(later == 3);
}

// ---- parsers on hostile input ------------------------------------------

namespace {

struct Message {
    std::vector<char> buf = std::vector<char>(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr *nlh;
};

Message rule_message(uint16_t type)
{
    Message m;
    m.nlh = mnl_nlmsg_put_header(m.buf.data());
    m.nlh->nlmsg_type = type;
    auto *h = static_cast<fib_rule_hdr *>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(fib_rule_hdr)));
    h->family = AF_INET;
    h->action = FR_ACT_TO_TBL;
    mnl_attr_put_u32(m.nlh, FRA_TABLE, 101);
    mnl_attr_put_u32(m.nlh, FRA_PRIORITY, 1001);
    mnl_attr_put_u32(m.nlh, FRA_FWMARK, 0x100);
    mnl_attr_put_u32(m.nlh, FRA_FWMASK, 0xff00);
    return m;
}

Message route_message()
{
    Message m;
    m.nlh = mnl_nlmsg_put_header(m.buf.data());
    m.nlh->nlmsg_type = RTM_NEWROUTE;
    auto *rtm = static_cast<rtmsg *>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(rtmsg)));
    rtm->rtm_family = AF_INET;
    rtm->rtm_dst_len = 0;
    mnl_attr_put_u32(m.nlh, RTA_TABLE, 101);
    uint32_t gw = htonl(0x64400101);
    mnl_attr_put(m.nlh, RTA_GATEWAY, 4, &gw);
    mnl_attr_put_u32(m.nlh, RTA_OIF, 3);
    return m;
}

// the last attribute of a message
nlattr *last_attr(nlmsghdr *nlh, size_t header)
{
    auto *a = static_cast<nlattr *>(mnl_nlmsg_get_payload_offset(nlh, header));
    auto *end = reinterpret_cast<char *>(nlh) + nlh->nlmsg_len;
    nlattr *last = nullptr;
    while (mnl_attr_ok(a, static_cast<int>(end - reinterpret_cast<char *>(a)))) {
        last = a;
        a = const_cast<nlattr *>(mnl_attr_next(a));
    }
    return last;
}

} // namespace

TEST_CASE("parsers: a well-formed rule and route")
{
    auto rm = rule_message(RTM_DELRULE);
    bool malformed = false;
    auto rule = parse_rule(rm.nlh, &malformed);
    REQUIRE(rule);
    CHECK_FALSE(malformed);
    CHECK(*rule == mark_rule(4, 1001, 101, 0x100));

    auto ro = route_message();
    auto route = parse_route(ro.nlh, &malformed);
    REQUIRE(route);
    CHECK_FALSE(malformed);
    CHECK(same_route(*route, default_route(4, 101, "100.64.1.1", 3)));
    CHECK_FALSE(parse_rule(ro.nlh)); // a route is not a rule, and not malformed
    CHECK_FALSE(parse_route(rm.nlh, &malformed));
    CHECK_FALSE(malformed);
}

TEST_CASE("parsers: an attribute that runs past the message is malformed, not read")
{
    auto m = rule_message(RTM_NEWRULE);
    last_attr(m.nlh, sizeof(fib_rule_hdr))->nla_len = 200;
    bool malformed = false;
    CHECK_FALSE(parse_rule(m.nlh, &malformed));
    CHECK(malformed);
}

TEST_CASE("parsers: a message too short for its fixed header is malformed")
{
    auto m = rule_message(RTM_NEWRULE);
    m.nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
    bool malformed = false;
    CHECK_FALSE(parse_rule(m.nlh, &malformed));
    CHECK(malformed);
    auto r = route_message();
    r.nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
    malformed = false;
    CHECK_FALSE(parse_route(r.nlh, &malformed));
    CHECK(malformed);
}

TEST_CASE("parsers: a u32 of two bytes, an address of the wrong size, a string without NUL")
{
    auto m = rule_message(RTM_NEWRULE);
    uint16_t two = 1;
    mnl_attr_put(m.nlh, FRA_SUPPRESS_PREFIXLEN, sizeof(two), &two);
    bool malformed = false;
    CHECK_FALSE(parse_rule(m.nlh, &malformed));
    CHECK(malformed);

    auto r = route_message();
    uint8_t three[3] = {1, 2, 3};
    mnl_attr_put(r.nlh, RTA_DST, sizeof(three), three);
    malformed = false;
    CHECK_FALSE(parse_route(r.nlh, &malformed));
    CHECK(malformed);

    auto s = rule_message(RTM_NEWRULE);
    char name[4] = {'w', 'a', 'n', '1'};
    mnl_attr_put(s.nlh, FRA_IIFNAME, sizeof(name), name);
    malformed = false;
    CHECK_FALSE(parse_rule(s.nlh, &malformed));
    CHECK(malformed);
}

TEST_CASE("parsers: a prefix length beyond the family's is malformed")
{
    auto r = route_message();
    static_cast<rtmsg *>(mnl_nlmsg_get_payload(r.nlh))->rtm_dst_len = 33;
    bool malformed = false;
    CHECK_FALSE(parse_route(r.nlh, &malformed));
    CHECK(malformed);
}
