// SPDX-License-Identifier: GPL-2.0-only
// A small rtnetlink client on libmnl: the routes, rules and addresses jalur
// needs, nothing more. Every request waits for its ack, so an error comes
// back to the call that caused it.
#pragma once

#include "common/prefix.h"
#include "common/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct mnl_socket;
struct nlmsghdr;

namespace jalur::routing {

struct Route {
    int family = 4;
    uint32_t table = 254; // RT_TABLE_MAIN
    Prefix dst;           // 0.0.0.0/0 for a default route
    std::optional<Prefix> gateway; // a /32 or /128
    int ifindex = 0;
    uint32_t metric = 0;
    uint8_t type = 1; // RTN_UNICAST
    uint8_t scope = 0;
    uint8_t protocol = 0;
};

struct Rule {
    int family = 4;
    uint32_t priority = 0;
    uint32_t table = 0;
    uint32_t fwmark = 0, fwmask = 0;  // both 0: no mark match
    std::optional<Prefix> src;        // "from"
    int suppress_prefixlen = -1;      // >= 0: FRA_SUPPRESS_PREFIXLEN
    std::string iifname;              // "iif": arriving on this interface; empty: any
    uint8_t action = 1;               // FR_ACT_TO_TBL; FR_ACT_UNREACHABLE: no table
    bool operator==(const Rule &) const = default;
};

struct Address {
    int family = 4;
    int ifindex = 0;
    Prefix addr; // address with the interface's prefix length
};


// For logs and errors: "rule priority 1001 fwmark 256/65280 lookup 101".
std::string describe(const Route &r);
std::string describe(const Rule &r);

struct LinkState {
    int ifindex = 0;
    bool carrier = false; // IFF_LOWER_UP
    std::string name;     // IFLA_IFNAME
    bool bridge = false;  // IFLA_INFO_KIND "bridge"
};

class Netlink {
public:
    static Result<Netlink> open(unsigned groups = 0); // groups: RTMGRP_* to listen to
    Netlink(Netlink &&) noexcept;
    Netlink &operator=(Netlink &&) noexcept;
    ~Netlink();

    int fd() const;
    uint32_t portid() const; // what the kernel names this socket's own writes with
    // Listens to one more RTNLGRP_* group (those past the RTMGRP_* bits: IPv6 rules).
    Result<void> join(unsigned group);

    Result<void> add_route(const Route &r);
    Result<void> delete_route(const Route &r);
    Result<void> add_rule(const Rule &r);
    Result<void> delete_rule(const Rule &r);

    Result<std::vector<Route>> routes(int family, uint32_t table);
    Result<std::vector<Rule>> rules(int family);
    Result<std::vector<Address>> addresses(int family);
    Result<std::vector<LinkState>> links();

    // Reads what is waiting on a subscribed socket; calls back per message.
    // True when the kernel dropped events (ENOBUFS): the caller resyncs.
    bool drain(const std::function<void(const nlmsghdr *)> &on_message);

private:
    explicit Netlink(mnl_socket *sock);
    Result<void> request(nlmsghdr *nlh, const std::string &what, bool tolerate_exists = false,
                         bool tolerate_missing = false);
    Result<void> dump(nlmsghdr *nlh, const std::function<void(const nlmsghdr *)> &each);

    struct Closer {
        void operator()(mnl_socket *s) const;
    };
    std::unique_ptr<mnl_socket, Closer> sock_;
    uint32_t seq_ = 1;
};


// Parsers for messages seen on a subscribed socket or in a dump
// (netlink_parse.cpp). Each returns nothing for a message of another type
// or family; one whose header or attributes cannot be walked (a length that
// runs past the message, an address of the wrong size, a string without its
// NUL) also returns nothing and sets *malformed.
std::optional<Route> parse_route(const nlmsghdr *nlh, bool *malformed = nullptr);
std::optional<Rule> parse_rule(const nlmsghdr *nlh, bool *malformed = nullptr);
std::optional<Address> parse_address(const nlmsghdr *nlh, bool *malformed = nullptr);
std::optional<LinkState> parse_link(const nlmsghdr *nlh, bool *malformed = nullptr);

} // namespace jalur::routing
