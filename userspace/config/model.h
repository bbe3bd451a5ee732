// SPDX-License-Identifier: GPL-2.0-only
// The validated configuration: what config/parse.cpp produces from YAML and
// every other component reads. Nothing here touches the system.
#pragma once

#include "common/prefix.h"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jalur::config {

// Where a value came from, for messages: "jalur.yaml:12:5".
struct Location {
    std::string file;
    int line = 0;   // 1-based
    int column = 0; // 1-based
    std::string str() const { return file + ":" + std::to_string(line) + ":" + std::to_string(column); }
    bool operator==(const Location &) const = default;
};

enum class XdpMode { Auto, Native, Generic, Off };

struct Lan {
    std::string interface;
    XdpMode xdp = XdpMode::Auto;
    Location where; // of the interface name
};

// One thing a WAN's probes check each round (issue 5), from a target as
// written in the config: see config/probe_target.h for the syntax.
struct ProbeTarget {
    enum class Kind { Icmp, Tcp, Http, Dns };
    Kind kind = Kind::Icmp;
    std::string text;              // as written, for messages
    int gateway = 0;               // 4 or 6: the WAN's own gateway of that family; 0: `address`
    std::optional<Prefix> address; // a host prefix (/32 or /128)
    uint16_t port = 0;             // tcp, http(s), dns
    std::string url;               // http(s): the URL as written
    std::string host;              // http(s): the URL's host, resolved to `address`
    uint16_t expect = 0;           // http(s): the status expected; 0: any 2xx or 3xx
    std::string ca_file;           // https: the CAs to verify the server by; empty: the system's
    std::string qname;             // dns: the name queried (type A)
    int family() const { return gateway ? gateway : address ? address->family : 4; }
    bool operator==(const ProbeTarget &) const = default;
};

// The default target: an echo to the WAN's IPv4 gateway.
inline ProbeTarget gateway_probe()
{
    ProbeTarget t;
    t.text = "gateway";
    t.gateway = 4;
    return t;
}

// Whether a target checks the WAN's own gateway (the first hop) rather than
// something beyond it. A literal address equal to a static gateway is one too.
bool is_gateway_target(const ProbeTarget &t, const std::optional<std::string> &gateway,
                       const std::optional<std::string> &gateway6);

// `health.default_targets` unless set: well-known anycast resolvers, each
// answering echo from many sites near any ISP's edge, of three operators so
// that one operator's outage does not take every WAN down (issue 24):
//   1.1.1.1, 2606:4700:4700::1111   Cloudflare
//   8.8.8.8, 2001:4860:4860::8888   Google
//   9.9.9.9, 2620:fe::fe            Quad9
std::vector<ProbeTarget> builtin_default_targets();

// The targets that decide a round: those beyond the gateway when there are
// any, else the gateways. `reliability` counts these.
size_t deciding_targets(const std::vector<ProbeTarget> &targets);

// What the agent does when every WAN is down.
enum class LastResort {
    Keep,        // the WAN that went down last keeps carrying traffic
    Main,        // new connections leave unmarked: the main table decides
    Unreachable, // new connections from the LAN get "network unreachable"
};

// Probing of one WAN (issue 5). `health:` gives the defaults, and a WAN's
// own `health:` overrides any of them for that WAN.
struct Health {
    std::chrono::milliseconds interval{1000};
    std::chrono::milliseconds timeout{1000}; // at most interval
    uint32_t down = 3;        // failed rounds before down
    uint32_t up = 3;          // good rounds before up
    uint32_t reliability = 1; // targets that must answer for a good round
    // Unless `targets` is set (targets_set), a WAN probes its gateway and
    // the default targets of the families it has: reading a WAN fills
    // `targets` so.
    std::vector<ProbeTarget> targets{gateway_probe()};
    bool targets_set = false;
    std::vector<ProbeTarget> default_targets = builtin_default_targets();
    uint32_t window = 10;                     // rounds judged for degraded
    uint32_t degraded_loss = 0;               // percent of probes lost; 0: not judged
    std::chrono::milliseconds degraded_latency{0}; // mean RTT; 0: not judged
    uint32_t degraded_weight = 25;            // percent of its weight a degraded WAN keeps
    bool passive = true; // stalled TCP handshakes start a probe burst
    // A metered link (issue 20): an active round is skipped while passive
    // evidence proves the link. On by default for a WAN with a quota.
    bool metered = false;
    bool metered_set = false; // written in the file (else the quota decides)
    Location where;
};

// A data cap per WAN (issue 20): see config/section_quota.cpp for the syntax.
enum class QuotaPeriod { Monthly, Weekly, Daily };
enum class QuotaCount { Down, Up, Both };
enum class WhenExceeded {
    BackupOnly, // new connections only while no other member of the policy can take them
    Block,      // no new connections for the rest of the period
    Keep,       // alerts only
};

struct Quota {
    uint64_t limit = 0; // bytes, > 0
    QuotaPeriod period = QuotaPeriod::Monthly;
    uint32_t reset_day = 1; // monthly: 1..31 (clamped to the month's length); weekly: 1..7, Monday = 1
    QuotaCount count = QuotaCount::Both;
    std::vector<uint32_t> warn_at{75, 95}; // percent, ascending, each < 100; 100 always alerts
    WhenExceeded when_exceeded = WhenExceeded::BackupOnly;
    // the period's boundaries are local midnights of this zone: "" the
    // system's, else a fixed offset from UTC in seconds (utc_offset)
    std::optional<int32_t> utc_offset;
    std::string timezone; // as written, for messages ("" the system's)
    Location where;
    bool operator==(const Quota &) const = default;
};

// Whether two health settings probe the same way (`where` aside).
bool same_probing(const Health &a, const Health &b);

// A WAN's capacity each way (issue 25), in kbit/s; 0: not known.
struct Bandwidth {
    bool learn = false; // `auto`: learned from the goodput the WAN carries (balancer/capacity.h)
    uint64_t down_kbit = 0;
    uint64_t up_kbit = 0;
    Location where;
    bool operator==(const Bandwidth &o) const
    {
        return learn == o.learn && down_kbit == o.down_kbit && up_kbit == o.up_kbit;
    }
};

struct Wan {
    std::string name;      // [a-z0-9_-], unique; the stable identity of the WAN
    std::string interface;
    // "auto": learned from the interface's own default route (DHCP/PPPoE)
    std::optional<std::string> gateway;  // IPv4 address or "auto"; unset: no IPv4
    std::optional<std::string> gateway6; // IPv6 address or "auto"; unset: no IPv6
    uint32_t weight = 1;  // default weight in policies that don't override it
    bool weight_auto = false; // `weight: auto`: from the capacity, in hash mode
    uint32_t tier = 1;    // default tier in policies that don't override it
    std::optional<Bandwidth> bandwidth; // unset: not known (load modes refuse such a member)
    uint32_t fwmark = 0;  // within fwmark_mask, unique, non-zero
    uint32_t table = 0;   // routing table id, unique, not 0/253/254/255
    // unset in the file: derived from the WAN's position, and kept by a
    // running agent across reloads (control/marks.h)
    bool fwmark_derived = false, table_derived = false;
    uint32_t id = 0;      // data path WAN id: index in `wans`
    Health health;        // the health section with this WAN's overrides
    bool nat4 = false, nat6 = false; // `nat: masquerade`, `nat6: masquerade` (issue 23, host/nat.h)
    bool nat_written = false;        // `nat` is in the file (`off`: NAT is not needed or is someone else's)
    std::optional<Quota> quota; // a data cap (issue 20)
    Location where;
    Location interface_where; // of the interface name, for check_interfaces()
};

struct Member {
    std::string wan; // a Wan's name
    uint32_t weight = 1;
    uint32_t tier = 1;
    Location where;
    bool weight_auto = false; // from the WAN's capacity (configured or learned)
};

enum class Mode { Hash, Nth, LeastLoaded, Overflow, LowestLatency };

// Whether a mode ranks members by their load (and so needs capacities).
inline bool by_load(Mode m) { return m == Mode::LeastLoaded || m == Mode::Overflow; }
enum class Fallback { Main, Drop };
enum class Affinity { None, SrcAddress, BothAddresses };

// When a better tier of a policy is live again, what becomes of the flows
// still on a worse one (a metered backup): they run on (keep), end at once
// (reset), or end after a grace period (drain). New flows take the better
// tier in every mode.
enum class FailbackMode { Keep, Reset, Drain };
struct Failback {
    FailbackMode mode = FailbackMode::Keep;
    std::chrono::seconds grace{300}; // drain only
    bool operator==(const Failback &) const = default;
};

struct Policy {
    std::string name;
    uint32_t fields = 0; // JALUR_F_* from the RouterOS classifier name
    std::string classifier = "both-addresses-and-ports";
    Mode mode = Mode::Hash;
    std::vector<Member> members;
    Fallback fallback = Fallback::Main;
    Affinity affinity = Affinity::None;
    std::chrono::seconds affinity_timeout{600};
    Failback failback;
    uint32_t overflow_at = 80; // overflow: percent of its capacity a member fills before the next
    uint32_t id = 0; // data path policy id: index in `policies`
    Location where;
};

struct PortRange {
    uint16_t lo = 0, hi = 65535;
};

struct Rule {
    std::string name;          // optional; "rule N" in messages otherwise
    std::vector<Prefix> src;   // empty: any
    std::vector<Prefix> dst;   // empty: any
    uint8_t proto = 0;         // 0: any; tcp, udp, icmp, icmpv6 or a number
    uint8_t family = 0;        // 0: any, 4 or 6
    std::vector<PortRange> dst_ports; // empty: any
    std::string in_interface;  // empty: any
    std::string policy;        // a Policy's name, or "bypass"
    bool critical = false;     // may use a WAN over its quota (issue 20)
    Location where;
    Location in_interface_where;

    // The data path holds one rule per destination port range.
    size_t datapath_rules() const { return dst_ports.empty() ? 1 : dst_ports.size(); }
};

// A rule's or default_policy's action that skips balancing: the packet is
// left unmarked and the main table routes it.
inline constexpr const char *kBypass = "bypass";

// Rogue DHCP detection on the LAN side (issue 6).
enum class DhcpMode { Off, Alert, Guard };

struct TrustedServer {
    std::string text;                  // as written, for messages
    std::optional<std::array<uint8_t, 6>> mac;
    std::optional<Prefix> address;     // IPv4 server identifier or IPv6 source address
};

struct DhcpGuard {
    DhcpMode mode = DhcpMode::Alert;
    std::map<std::string, DhcpMode> ports;   // per-port mode, by interface name
    std::vector<std::string> trusted_ports;  // interfaces whose servers are trusted
    std::vector<TrustedServer> trusted_servers;
    std::chrono::seconds alert_timeout{60};  // at most one summary per server this often
    uint32_t events_per_mac = 10;            // reports per source MAC per interval
    uint32_t events_total = 100;             // reports from all sources per interval
    std::chrono::milliseconds rate_interval{1000};
    Location where;
    std::map<std::string, Location> port_where; // of each named port, for check_interfaces()
};

// Alerts (issue 7): Telegram through a durable spool; see notify/notifier.h.
struct NotifyChat {
    std::string id;                   // "-1001234567890", "12345" or "@channel"
    std::optional<int64_t> thread_id; // a forum topic
    Location where;
    bool operator==(const NotifyChat &) const = default;
};

// Telegram commands (issue 21): who may steer the agent from a chat.
struct NotifyCommands {
    bool enabled = true;
    std::vector<int64_t> admins; // Telegram user ids
    std::vector<int64_t> chats;  // chat ids where they may (a private chat's id is the user's)
    std::string bot;             // the bot's username: "/status@bot" in a group is for it; empty: such commands are not
    Location where;
    bool operator==(const NotifyCommands &) const = default;
};

struct Notify {
    std::string api_base = "https://api.telegram.org"; // or a self-hosted Bot API server
    std::string token_file;                             // exactly one of token_file and token_env
    std::string token_env;
    Location token_where;
    std::vector<NotifyChat> chats;
    std::string spool = "/var/lib/jalur/alerts";
    uint32_t queue_limit = 1000;
    std::chrono::milliseconds timeout{10000};      // one API call
    std::vector<std::string> disable_notification; // kind names sent silently
    std::map<std::string, std::string> templates;  // kind name -> Telegram HTML with {variables}
    std::optional<NotifyCommands> commands;        // absent: the bot reads nothing
    Location where;
    bool operator==(const Notify &) const = default;
};

// The HTTP endpoint (issue 8): /metrics, /status, /healthz.
struct Metrics {
    bool enabled = true;               // `metrics: off`, or a port of 0: no endpoint
    std::string address = "127.0.0.1"; // IPv4 or IPv6 address (no brackets)
    uint16_t port = 9464;
    std::chrono::seconds flow_count_interval{10}; // how often the flow table is counted
    std::string auth_file; // "user:password" lines: HTTP basic authentication on; empty: none
    Location where;
};

// The control socket (issue 17): how the CLI reaches the agent (reload).
struct Control {
    std::string socket; // set by the parser: given, or control_socket_for(bpffs)
    std::string group;  // its members may connect besides root; empty: root only
    uint32_t gid = 0;   // the group's, 0 (root) without one
    Location where;
};

// Host settings the agent manages (issue 23), each off unless set: written
// at start, put back as they were at stop (host/sysctl.h).
struct HostSettings {
    bool forwarding = false;     // net.ipv4.ip_forward (and IPv6's, when a WAN has gateway6)
    bool rp_filter_loose = false; // net.ipv4.conf.<wan>.rp_filter = 2
    bool src_valid_mark = false;  // net.ipv4.conf.<wan>.src_valid_mark = 1
    Location where;
    bool operator==(const HostSettings &o) const
    {
        return forwarding == o.forwarding && rp_filter_loose == o.rp_filter_loose &&
               src_valid_mark == o.src_valid_mark;
    }
};

// The default socket of an agent pinning in `bpffs`: one per pin directory,
// so agents in several namespaces (the lab) never share one.
std::string control_socket_for(const std::string &bpffs);

struct Config {
    std::string file;
    std::string bpffs = "/sys/fs/bpf/jalur";
    std::string state_dir = "/var/lib/jalur"; // what the agent keeps across restarts (the WAN states it announced)
    std::string log_level = "info";
    uint32_t fwmark_mask = 0x0000ff00;
    uint32_t flow_table_size = 262144;
    std::vector<Lan> lans;
    std::vector<Wan> wans;
    std::map<std::string, std::vector<Prefix>> address_lists;
    std::vector<Policy> policies;
    std::vector<Rule> rules;
    std::string default_policy; // a Policy's name, or "bypass"
    Health health; // the defaults; each WAN's own settings are in Wan::health
    LastResort last_resort = LastResort::Keep;
    DhcpGuard dhcp_guard;
    HostSettings host;
    std::optional<Notify> notify; // absent: no alerts
    Metrics metrics;
    Control control;

    const Wan *wan(const std::string &name) const;
    const Policy *policy(const std::string &name) const;
};

} // namespace jalur::config
