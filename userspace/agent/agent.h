// SPDX-License-Identifier: GPL-2.0-only
// The running agent: wiring only. Observers (netlink, probes, the passive
// signal, signals) report facts to the control core (control/core.h); after
// each change the agent hands the core's desired state to the effectors
// (data path publisher, policy routing, attachments, notifier, status
// board), each of which writes only what differs. Destruction puts the host
// back as it was, unless the data path is kept for an upgrade.
#pragma once

#include "agent/admin_store.h"
#include "agent/announced.h"
#include "agent/balancing.h"
#include "agent/instance.h"
#include "agent/quota_section.h"
#include "agent/quota_store.h"
#include "agent/service.h"
#include "agent/system_zone.h"
#include "agent/telegram_commands.h"
#include "common/event_log.h"
#include "common/event_loop.h"
#include "config/model.h"
#include "control/core.h"
#include "control/flow_ends.h"
#include "control/quota_book.h"
#include "ctl/server.h"
#include "datapath/attachment_set.h"
#include "datapath/challenge.h"
#include "datapath/datapath.h"
#include "datapath/flow_end.h"
#include "datapath/publisher.h"
#include "dhcp/rogue_watch.h"
#include "health/handshake_watch.h"
#include "health/monitor.h"
#include "health/thrift.h"
#include "host/nat.h"
#include "host/sysctl.h"
#include "metrics/exporter.h"
#include "metrics/state_board.h"
#include "notify/notifier.h"
#include "routing/conntrack.h"
#include "routing/netlink.h"
#include "routing/policy_routing.h"
#include "routing/repair_watch.h"

#include <map>
#include <memory>
#include <optional>
#include <string>

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
    // Applies a new config (checked by load_for_reload, reload_command.h)
    // as a diff; on error the running config stays.
    Result<void> reload(config::Config next);

    EventLoop &loop() { return *loop_; }
    const datapath::Datapath &datapath() const { return *dp_; }
    const config::Config &config() const { return core_.config(); }
    const control::Core &core() const { return core_; }
    // What happened (transitions, alerts, admin actions, reloads, sightings),
    // for `jalur events`, the dashboard and Telegram; readable from any thread.
    EventLog &events() { return *events_; }
    std::shared_ptr<EventLog> shared_events() const { return events_; }

    // Administrative state (agent/admin.cpp): a WAN drained, disabled or
    // enabled again, kept across restarts until undone or `duration` has
    // passed; logged, alerted and shown with who did it. Returns what it did.
    struct AdminChange {
        std::string by, reason;
        std::optional<std::chrono::seconds> duration;
    };
    Result<std::string> set_wan_admin(const std::string &wan, control::Admin admin, const AdminChange &how);
    // Each WAN's health and admin state: a text table, or a JSON array.
    std::string wan_list(bool json) const;

private:
    explicit Agent(RunOptions opts) : opts_(opts) {}
    Result<void> load_datapath(const config::Config &cfg);

    // observe (agent/observe.cpp)
    void observe_interfaces();
    void observe_addresses();
    void observe_gateways();
    void on_netlink_event();
    void watch_handshakes();
    void tell_monitor_links();

    // decide and apply (agent/reconcile.cpp)
    Result<void> reconcile();
    Result<void> apply_routing(const control::RoutingState &wanted);
    Result<void> refresh_local_nets();
    void on_transition(const std::string &wan, const health::Transition &t);
    void on_rogue_dhcp(const dhcp::RogueAlert &alert);
    void alert(notify::Kind kind, std::map<std::string, std::string> vars);

    // end the flows the core says end (agent/flow_ending.cpp)
    void open_flow_enders();
    struct Ending {
        control::FlowEnd end;
        datapath::EndedFlows flows;
    };
    // before the data path changes: flag the flows (a flow flagged while
    // its WAN still looks live is reset; one found after would be moved to
    // a WAN its NAT cannot follow)
    std::vector<Ending> flag_flows(const std::vector<control::FlowEnd> &ends);
    // after it: conntrack, the provoking SYNs, the counts
    void finish_ending(const std::vector<Ending> &endings);
    Result<void> provoke(const std::vector<jalur_flow_key> &flows);
    void provoke_unanswered(std::vector<jalur_flow_key> flows, int round);
    void schedule_drain();
    std::vector<Prefix> wan_addresses(const std::string &wan);

    // health and the board (agent/health_wiring.cpp, agent/board.cpp)
    Result<void> start_health(); // also on a reload that changes what is probed
    void on_round(const std::string &wan, const health::Round &r);
    void publish_board();
    Result<void> start_metrics();
    void publish_sections();
    void publish_dashboard(); // once a second: each WAN's byte counters into the throughput history, admin states

    void on_signal(int sig); // TERM/INT stop, HUP reloads
    // agent/balancing_wiring.cpp
    void measure_balancing();
    void publish_balancing();

    // the host section and NAT (agent/host_wiring.cpp): written where they
    // differ from control::plan_host; put back at stop
    Result<void> apply_host();
    void stop_host(bool keep);
    // the admin state (agent/admin.cpp)
    void restore_admin(); // from the store to the core: at start, after a reload
    void arm_admin_expiry();
    void on_admin_expiry();
    void publish_admin(); // to the status board
    // data caps (agent/quota_wiring.cpp)
    void start_quotas();
    void reconfigure_quotas();
    void tick_quotas(bool apply); // apply: reconcile when a WAN went over or back under
    void save_quotas();
    void on_quota_event(const control::BookEvent &e);
    ctl::Reply quota_command(const ctl::Request &req, const ctl::Peer &peer);

    RunOptions opts_;
    control::Core core_;
    std::optional<EventLoop> loop_;
    std::optional<Instance> instance_; // the pin directory's lock and the pid file
    std::optional<datapath::Datapath> dp_;
    std::optional<datapath::DatapathWriter> writer_;
    std::unique_ptr<datapath::Publisher> publisher_;
    std::unique_ptr<datapath::AttachmentSet> attachments_;
    std::optional<routing::Netlink> nl_;
    std::optional<routing::Netlink> nl_events_;
    std::unique_ptr<routing::PolicyRouting> routing_;
    std::unique_ptr<routing::RepairWatch> routing_repair_; // keeps routing_'s rules and routes in the kernel
    std::optional<control::RoutingState> routed_; // what routing_ was last given
    std::unique_ptr<health::Monitor> monitor_;
    health::HandshakeWatch handshakes_;
    // what the monitor was last told of each WAN interface's link
    struct LinkFacts {
        bool up = true;
        std::string cause;
    };
    std::map<std::string, LinkFacts> links_; // by interface name
    std::map<std::string, bool> has_address_; // by WAN interface: an address of its main family
    int passive_timer_ = -1;
    std::unique_ptr<dhcp::RogueWatch> rogue_;
    std::unique_ptr<notify::Notifier> notifier_; // null without a notify section
    bool announced_start_ = false;                // started, and the start alert went out: a stop alert follows
    std::optional<Announced> announced_;          // WAN states alerted, across restarts
    bool observe_pending_ = false;                // a coalesced observation is scheduled
    bool retry_ = false;                          // the last reconcile failed: the heartbeat retries
    int heartbeat_ = -1;                          // timer id
    std::shared_ptr<EventLog> events_ = std::make_shared<EventLog>();
    std::shared_ptr<metrics::ThroughputHistory> throughput_ = std::make_shared<metrics::ThroughputHistory>();
    Balancing balancing_;                         // load, capacity and latency for the data path
    int balancing_timer_ = -1;                    // timer id
    metrics::StateBoard board_; // before exporter_: the exporter reads it until it is gone
    std::unique_ptr<metrics::Exporter> exporter_;
    std::unique_ptr<ctl::Server> ctl_; // the control socket (reload_command.h)
    control::QuotaBook quotas_;
    std::optional<QuotaStore> quota_store_;
    std::string quota_problem_; // what loading the usage file found wrong, shown in /status
    bool quota_save_failed_ = false;
    std::chrono::steady_clock::time_point quota_saved_{};
    SystemZone zone_;
    health::Thrift thrift_; // metered WANs' skipped rounds (health/thrift.h)
    control::FlowEnds flow_ends_;
    std::optional<datapath::ChallengeSender> challenges_; // none without CAP_NET_RAW: clients' own packets only
    std::optional<routing::Conntrack> conntrack_;         // none without CAP_NET_ADMIN
    int drain_timer_ = -1;                                // when the next failback drain falls due
    std::map<std::string, size_t> last_reset_;            // WAN -> connections reset when it last went down
    std::optional<AdminStore> admin_;  // drains and disables, across restarts
    int admin_timer_ = -1;             // the next expiry of one
    std::unique_ptr<host::Sysctls> sysctls_;
    std::unique_ptr<host::Nat> nat_;
    std::unique_ptr<Service> service_; // systemd's notifications (agent/service.h); last: it uses loop_
    std::unique_ptr<TelegramCommands> telegram_; // null without notify.telegram.commands; uses loop_
};

} // namespace jalur::agent
