// SPDX-License-Identifier: GPL-2.0-only
// The agent's side of rogue DHCP detection: tells the data path which
// ports to inspect and whom to trust, attaches the inspection program to
// LAN bridge ports (XDP or tc, see port_wants_xdp), reads the events off the ring
// buffer on the event loop and turns them into alerts.
#pragma once

#include "common/event_loop.h"
#include "config/model.h"
#include "datapath/attach.h"
#include "datapath/datapath.h"
#include "dhcp/rogue_alerts.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

struct ring_buffer;

namespace jalur::dhcp {

using OnAlert = std::function<void(const RogueAlert &)>;

// An interface whose incoming DHCP is inspected, and how.
struct InspectedPort {
    std::string ifname;
    uint32_t mode = JALUR_DHCP_ALERT; // enum jalur_dhcp_port_mode
    bool trusted = false;
    bool bridge_port = false; // gets a port program; a LAN itself is inspected by jalur_xdp_lan
    bool xdp_allowed = true;  // the port's LAN does not say `xdp: off`
};

// Each LAN, or each port of a LAN that is a bridge.
std::vector<InspectedPort> inspected_ports(const config::Config &cfg);

class RogueWatch {
public:
    static Result<std::unique_ptr<RogueWatch>> start(EventLoop &loop, const datapath::Datapath &dp,
                                                    const config::Config &cfg, OnAlert on_alert);
    RogueWatch(const RogueWatch &) = delete;
    ~RogueWatch();

    // A new config: ports, trust and limits, applied as a whole.
    Result<void> apply(const config::Config &cfg);
    // Leave the port programs attached when the agent goes (--keep-datapath).
    void release();

    const RogueAlerts &alerts() const { return alerts_; }

private:
    RogueWatch(EventLoop &loop, const datapath::Datapath &dp, OnAlert on_alert)
        : loop_(loop), dp_(dp), on_alert_(std::move(on_alert)), alerts_(std::chrono::seconds(60)) {}
    void on_event(const jalur_dhcp_event &ev);
    void flush_summaries();
    void report(const std::vector<RogueAlert> &alerts); // log, then on_alert

    EventLoop &loop_;
    const datapath::Datapath &dp_;
    OnAlert on_alert_;
    RogueAlerts alerts_;
    std::vector<datapath::XdpAttachment> port_xdp_;
    std::vector<datapath::TcAttachment> port_tc_;
    ring_buffer *rb_ = nullptr;
    int summary_timer_ = -1;
};

} // namespace jalur::dhcp
