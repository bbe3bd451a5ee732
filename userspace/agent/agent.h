// SPDX-License-Identifier: GPL-2.0-only
// The running agent: owns the data path, its attachments, policy routing
// and the event loop. Construction applies a whole validated config or
// nothing; destruction puts the host back as it was, unless the data path
// is kept for an upgrade.
#pragma once

#include "common/event_loop.h"
#include "agent/instance.h"
#include "control/translate.h"
#include "datapath/tables.h"
#include "config/model.h"
#include "datapath/attach.h"
#include "datapath/bpffs.h"
#include "datapath/datapath.h"
#include "dhcp/rogue_watch.h"
#include "health/handshake_watch.h"
#include "health/monitor.h"
#include "notify/notifier.h"
#include "metrics/exporter.h"
#include "metrics/state_board.h"
#include "routing/netlink.h"
#include "routing/policy_routing.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jalur::agent {

struct RunOptions {
    bool keep_datapath = false; // on stop, leave programs, pins and routing in place
};

class Agent {
public:
    static Result<std::unique_ptr<Agent>> start(config::Config cfg, RunOptions opts);
    Agent(const Agent &) = delete;
    ~Agent();

    // Runs the event loop until SIGTERM or SIGINT.
    Result<void> run();
    // Applies a new config as a diff; on error the running config stays.
    Result<void> reload(const config::Config &next);

    EventLoop &loop() { return *loop_; }
    const datapath::Datapath &datapath() const { return *dp_; }

private:
    Agent(config::Config cfg, RunOptions opts) : cfg_(std::move(cfg)), opts_(opts) {}
    Result<void> load_datapath();
    Result<void> attach(const config::Config &cfg);
    Result<void> publish(const config::Config &cfg);
    Result<void> refresh_local_nets();
    Result<void> apply_routing(const config::Config &cfg);
    void on_netlink_event();
    Result<void> start_health(); // also on a reload that changes what is probed
    void watch_handshakes();
    void check_wan_addresses();
    void update_link(const std::string &ifname);
    void on_transition(const std::string &wan, const health::Transition &t);
    void on_rogue_dhcp(const dhcp::RogueAlert &alert);
    const config::Wan *best_wan(const config::Config &cfg, bool live_only) const;
    std::string last_resort_wan(const config::Config &cfg) const;
    void alert(notify::Kind kind, std::map<std::string, std::string> vars);
    void update_alert_path();
    void on_round(const std::string &wan, const health::Round &r);
    // metrics: the board the HTTP endpoint reads, and the endpoint itself
    void publish_board(const config::Config &cfg);
    Result<void> start_metrics();
    void publish_sections();
    void on_signal(int sig); // TERM/INT stop, HUP reloads // the rogue DHCP servers and the alert queue, every heartbeat

    config::Config cfg_;
    RunOptions opts_;
    std::optional<EventLoop> loop_;
    std::optional<Instance> instance_; // the pin directory's lock, pid file and ledger
    std::optional<datapath::Datapath> dp_;
    std::vector<datapath::XdpAttachment> xdp_;
    std::vector<datapath::TcAttachment> tc_;
    std::optional<routing::Netlink> nl_;
    std::optional<routing::Netlink> nl_events_;
    std::unique_ptr<routing::PolicyRouting> routing_;
    std::unique_ptr<health::Monitor> monitor_;
    health::HandshakeWatch handshakes_;
    struct LinkFacts {
        bool carrier = true;
        bool address = true;
        int address_family = 4;
    };
    std::map<std::string, LinkFacts> links_; // by interface name
    int passive_timer_ = -1;
    std::unique_ptr<dhcp::RogueWatch> rogue_;
    std::unique_ptr<notify::Notifier> notifier_; // null without a notify section
    bool announced_ = false;                     // the start alert went out: a stop alert follows
    control::IdMap wan_ids_{JALUR_MAX_WANS};
    control::IdMap policy_ids_{JALUR_MAX_POLICIES};
    std::map<std::string, jalur_wan_state> wan_states_;
    std::string last_live_; // the WAN that went down last, when all did
    bool local_nets_dirty_ = false;
    metrics::StateBoard board_; // before exporter_: the exporter reads it until it is gone
    std::unique_ptr<metrics::Exporter> exporter_;
    int metrics_heartbeat_ = -1; // timer id
};

} // namespace jalur::agent
