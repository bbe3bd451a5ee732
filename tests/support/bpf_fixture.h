// SPDX-License-Identifier: GPL-2.0-only
// A loaded, unpinned data path and the calls to run its programs on a frame
// (Katran's testing mode: maps filled directly, nothing attached).
#pragma once

#include "balancer/slot_table.h"
#include "datapath/datapath.h"
#include "datapath/tables.h"
#include "support/packet_builder.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace jalur::test {

struct XdpResult {
    uint32_t action;             // XDP_PASS, XDP_DROP, ...
    std::optional<jalur_xdp_meta> meta; // what XDP handed to tc
    Bytes frame;                        // the frame afterwards (what XDP_TX sends)
};

struct TcResult {
    int action;    // TC_ACT_OK, TC_ACT_SHOT
    uint32_t mark; // skb->mark afterwards
    Bytes frame;   // the frame afterwards (what a redirect sends)
};

// Every fixture starts with every map empty. Verifying the object takes
// about a second and a test case runs once per SECTION and GENERATE value,
// so a process keeps the objects it loaded and hands them out again emptied.
class BpfFixture {
public:
    BpfFixture();
    ~BpfFixture();
    BpfFixture(BpfFixture &&) = default;
    BpfFixture &operator=(BpfFixture &&) = delete;

    datapath::Datapath &dp() { return *dp_; }

    XdpResult run_xdp(const Bytes &frame);
    XdpResult run_xdp_port(const Bytes &frame); // the bridge-port program
    TcResult run_tc_lan(const Bytes &frame, uint32_t ingress_ifindex = 1, uint32_t mark = 0);
    // nullopt where the kernel refuses to build an skb of the frame (EINVAL)
    std::optional<TcResult> try_run_tc_lan(const Bytes &frame);
    TcResult run_tc_wan(const Bytes &frame, uint32_t ingress_ifindex);
    TcResult run_tc_port(const Bytes &frame, uint32_t ingress_ifindex = 1); // the bridge-port tc program
    std::optional<TcResult> try_run_tc_port(const Bytes &frame, uint32_t ingress_ifindex = 1);

    // WAN id -> fwmark 0x100 + id; ifindex 100 + id.
    void add_wan(uint32_t id, jalur_wan_state state = JALUR_WAN_UP);
    static uint32_t mark_of(uint32_t wan) { return 0x100 + wan; }
    static uint32_t wan_of(uint32_t mark) { return mark - 0x100; }
    static uint32_t ifindex_of(uint32_t wan) { return 100 + wan; }

    // Policy `id` balancing over members (ids, weights) by hash or nth.
    void set_policy(uint32_t id, std::vector<balancer::Member> members, datapath::PolicyParams params = {});
    // Policy `id` in a load or latency mode over these members (config order).
    void set_ranked_policy(uint32_t id, uint32_t mode, const std::vector<control::MemberSpec> &members);
    // What the agent publishes of a WAN's load, capacity and latency.
    void set_wan_load(uint32_t wan, const jalur_wan_load &load);
    // No rules: every flow goes to `policy`.
    void set_default_policy(uint32_t policy);

    // The WAN the tc program picks for the frame (none: unmarked).
    std::optional<uint32_t> wan_for(const Bytes &frame);

    size_t flow_count();
    // Empties the flow and affinity tables: a fresh start without reloading.
    void forget_flows();
    // Makes every affinity entry look idle since boot (a clock jump forward).
    void age_affinity();

    // Rogue DHCP: inspect frames arriving on ifindex (test runs see lo, 1).
    void inspect_port(uint32_t ifindex, uint32_t mode, bool trusted = false);
    std::vector<jalur_dhcp_event> drain_dhcp_events();

private:
    XdpResult run_xdp_prog(int prog_fd, const Bytes &frame);
    std::unique_ptr<datapath::Datapath> dp_;
};

// Counter by counter: what happened between two readings.
jalur_dhcp_stats dhcp_stats_minus(const jalur_dhcp_stats &after, const jalur_dhcp_stats &before);

// A TCP SYN from client to server, v4 or v6 by the address form.
Bytes tcp_syn(const std::string &src, const std::string &dst, uint16_t sport, uint16_t dport);
Bytes udp_datagram(const std::string &src, const std::string &dst, uint16_t sport, uint16_t dport);

} // namespace jalur::test
