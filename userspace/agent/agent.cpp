// SPDX-License-Identifier: GPL-2.0-only
// Start, reload and stop: the wiring of observers, the control core and the
// effectors (see agent.h).
#include "agent/agent.h"

#include "agent/admin_commands.h"
#include "agent/pin_log.h"
#include "agent/reload_command.h"
#include "config/interfaces.h"

#include <linux/rtnetlink.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <set>

namespace jalur::agent {

Result<std::unique_ptr<Agent>> Agent::start(config::Config cfg, RunOptions opts)
{
    std::unique_ptr<Agent> a(new Agent(opts));
    Agent *self = a.get();
    auto loop = EventLoop::create();
    if (!loop)
        return loop.error();
    a->loop_.emplace(std::move(loop).value());
    // Blocked here, before any thread starts (notifier, metrics), so every
    // thread inherits the mask and the signalfd alone receives them: a
    // thread without the mask would take SIGHUP's default action, exit.
    // SIGUSR2: stop, keeping the data path (a package upgrade); SIGUSR1: a test hook (agent/service.h)
    std::vector<int> signals{SIGTERM, SIGINT, SIGHUP, SIGUSR2};
    if (test_hooks())
        signals.push_back(SIGUSR1);
    if (auto r = a->loop_->on_signals(signals, [self](int sig) { self->on_signal(sig); }); !r)
        return r.error();
    // one agent per pin directory, before anything is touched or sent
    auto instance = Instance::claim(cfg.bpffs);
    if (!instance)
        return instance.error();
    a->instance_.emplace(std::move(instance).value());
    for (const auto &w : config::absent_wan_interfaces(cfg))
        spdlog::warn("{}", w);
    if (auto r = a->core_.configure(std::move(cfg)); !r)
        return r.error();
    const auto &c = a->core_.config();
    // A token that cannot be read (`jalur check` reports it as an error)
    // costs the alerts, not the balancing: the agent runs and says so.
    if (c.notify) {
        auto n = notify::Notifier::start(*c.notify);
        if (!n)
            spdlog::error("alerts: {}; the agent runs WITHOUT alerts until this is fixed and it is reloaded",
                          n.error().message);
        else
            a->notifier_ = std::move(n).value();
        a->telegram_ = TelegramCommands::start(*self, *c.notify);
    }
    // before the host is touched too: a second agent on the same socket stops here
    auto ctl = ctl::Server::start(*a->loop_, c.control);
    if (!ctl)
        return ctl.error();
    a->ctl_ = std::move(ctl).value();
    a->ctl_->add("reload", [self](const ctl::Request &r, const ctl::Peer &p) { return reload_command(*self, r, p); });
    add_admin_commands(*self, *a->ctl_);
    a->ctl_->add("quota", [self](const ctl::Request &r, const ctl::Peer &p) { return self->quota_command(r, p); });

    auto nl = routing::Netlink::open();
    if (!nl)
        return nl.error();
    a->nl_.emplace(std::move(nl).value());
    auto events = routing::Netlink::open(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                                         RTMGRP_IPV6_ROUTE | RTMGRP_LINK);
    if (!events)
        return events.error();
    a->nl_events_.emplace(std::move(events).value());

    // What each WAN was when the last run stopped: an outage it announced
    // goes on without a second alert.
    a->announced_ = Announced::load(c.state_dir);
    for (const auto &w : c.wans)
        if (a->announced_->state(w.name) == "down")
            a->core_.set_health(w.name, control::Health::Down, "down when the agent last stopped");
    a->restore_admin(); // drains and disables set before the restart
    a->observe_interfaces();
    a->observe_addresses();
    a->observe_gateways();

    // Order matters: maps are filled before any program sees a packet, and
    // routing exists before packets are marked for it.
    if (auto r = a->load_datapath(c); !r)
        return r.error();
    a->writer_.emplace(*a->dp_);
    a->publisher_ = std::make_unique<datapath::Publisher>(*a->writer_);
    a->attachments_ = std::make_unique<datapath::AttachmentSet>(*a->dp_);
    a->open_flow_enders();
    a->start_quotas(); // before the first plan: a WAN over its quota is planned around from the start
    if (auto r = a->refresh_local_nets(); !r)
        return r.error();
    if (auto r = a->reconcile(); !r)
        return r.error();
    if (auto r = a->apply_host(); !r)
        return r.error();

    if (auto r = a->loop_->watch(a->nl_events_->fd(), [self] { self->on_netlink_event(); }); !r)
        return r.error();
    auto repair = routing::RepairWatch::start(*a->loop_, [self] { return self->routing_.get(); });
    if (!repair)
        return repair.error();
    a->routing_repair_ = std::move(repair).value();
    a->publish_board();
    if (auto r = a->start_health(); !r)
        return r.error();
    auto rogue = dhcp::RogueWatch::start(*a->loop_, *a->dp_, c, [self](const dhcp::RogueAlert &alert) {
        self->on_rogue_dhcp(alert);
    });
    if (!rogue)
        return rogue.error();
    a->rogue_ = std::move(rogue).value();
    if (auto r = a->start_metrics(); !r)
        return r.error();
    // the heartbeat /healthz judges the event loop by; it also retries a
    // reconcile that failed
    auto beat = a->loop_->every(std::chrono::seconds(1), [self] {
        self->board_.edit([](metrics::Board &b) { b.loop_tick = metrics::WallClock::now(); });
        self->publish_sections();
        if (self->service_)
            self->service_->status(service_status(self->core_.config(), self->core_.world()));
        if (auto r = self->apply_host(); !r)
            spdlog::warn("host settings: {}", r.error().message);
        self->publish_dashboard();
        self->tick_quotas(true);
        if (self->retry_)
            if (auto r = self->reconcile(); !r)
                spdlog::warn("still failing: {}", r.error().message);
    });
    if (!beat)
        return beat.error();
    a->heartbeat_ = beat.value();
    auto measure = a->loop_->every(Balancing::kTick, [self] { self->measure_balancing(); });
    if (!measure)
        return measure.error();
    a->balancing_timer_ = measure.value();
    spdlog::info("jalur running: {} WAN(s), {} polic{}, {} rule(s), pins in {}", c.wans.size(), c.policies.size(),
                 c.policies.size() == 1 ? "y" : "ies", c.rules.size(), c.bpffs);
    std::string wans;
    for (const auto &w : c.wans)
        wans += (wans.empty() ? "" : ", ") + w.name + " (" + w.interface + ")";
    a->events_->add(EventKind::Agent, "", "started " JALUR_VERSION ": " + wans);
    a->alert(notify::Kind::AgentStart, {{"version", JALUR_VERSION}, {"wans", wans}});
    a->announced_start_ = true;
    // the data path is attached and routing is in place: systemd may go on
    auto service = Service::ready(*a->loop_, service_status(c, a->core_.world()));
    if (!service)
        return service.error();
    a->service_ = std::move(service).value();
    return a;
}

Result<void> Agent::load_datapath(const config::Config &cfg)
{
    datapath::LoadOptions opts;
    opts.pin_dir = cfg.bpffs;
    opts.sizes.flows = cfg.flow_table_size;
    auto dp = datapath::Datapath::load(opts); // a failure leaves every pin as it was
    if (!dp)
        return dp.error();
    dp_.emplace(std::move(dp).value());
    log_pins(dp_->pins(), cfg.bpffs);
    return {};
}

Result<void> Agent::reload(config::Config next)
{
    const config::Config before = core_.config();
    for (const auto &w : config::absent_wan_interfaces(next))
        spdlog::warn("{}", w);
    if (auto r = core_.configure(std::move(next)); !r) {
        events_->add(EventKind::Reload, "", "reload failed, the running config stays: " + r.error().message);
        return r;
    }
    reconfigure_quotas();
    observe_interfaces();
    observe_addresses();
    observe_gateways();
    if (auto r = reconcile(); !r) {
        // nothing half-applied: back to the running config
        (void)core_.configure(before);
        reconfigure_quotas();
        observe_interfaces();
        observe_gateways();
        if (auto back = reconcile(); !back)
            spdlog::error("restoring the running config: {}", back.error().message);
        events_->add(EventKind::Reload, "", "reload failed, the running config stays: " + r.error().message);
        return r;
    }
    const auto &cfg = core_.config();
    events_->add(EventKind::Reload, "", "reloaded " + cfg.file + ": " + std::to_string(cfg.wans.size()) + " WAN(s)");
    if (auto r = apply_host(); !r)
        spdlog::error("host settings: {}", r.error().message);
    if (auto r = rogue_->apply(cfg); !r)
        spdlog::error("DHCP guard: {}", r.error().message);
    bool health_changed = cfg.wans.size() != before.wans.size() ||
                          !std::equal(cfg.wans.begin(), cfg.wans.end(), before.wans.begin(),
                                      [](const config::Wan &a, const config::Wan &b) {
                                          return a.name == b.name && a.interface == b.interface &&
                                                 a.fwmark == b.fwmark && a.gateway == b.gateway &&
                                                 a.gateway6 == b.gateway6 && same_probing(a.health, b.health);
                                      });
    if (health_changed)
        if (auto r = start_health(); !r)
            spdlog::error("health probes: {}; the old probes keep running", r.error().message);
    if (announced_) {
        std::set<std::string> names;
        for (const auto &w : cfg.wans)
            names.insert(w.name);
        announced_->keep_only(names);
    }
    restore_admin(); // forgets the admin state of removed WANs
    publish_board();
    bool metrics_changed = cfg.metrics.enabled != before.metrics.enabled ||
                           cfg.metrics.address != before.metrics.address || cfg.metrics.port != before.metrics.port ||
                           cfg.metrics.flow_count_interval != before.metrics.flow_count_interval ||
                           !cfg.metrics.auth_file.empty() || !before.metrics.auth_file.empty(); // the file is read again
    if (metrics_changed) {
        exporter_.reset();
        if (auto r = start_metrics(); !r)
            spdlog::error("metrics endpoint: {}", r.error().message);
    }
    if (cfg.notify != before.notify || (cfg.notify && !notifier_)) { // changed, or its token failed before
        // the spool is on disk: alerts waiting there go out through the new notifier
        notifier_.reset();
        if (cfg.notify) {
            auto n = notify::Notifier::start(*cfg.notify);
            if (n) {
                notifier_ = std::move(n).value();
                notifier_->set_path(core_.desired().alert_fwmark);
                spdlog::info("alerts: the new notify section is in use");
            } else {
                spdlog::error("alerts are off until the notify section is fixed: {}", n.error().message);
            }
        }
        telegram_.reset();
        if (cfg.notify && (telegram_ = TelegramCommands::start(*this, *cfg.notify)))
            telegram_->set_path(core_.desired().alert_fwmark);
    }
    spdlog::info("reloaded {}: {} WAN(s), {} polic{}, {} rule(s)", cfg.file, cfg.wans.size(), cfg.policies.size(),
                 cfg.policies.size() == 1 ? "y" : "ies", cfg.rules.size());
    return {};
}

void Agent::on_signal(int sig)
{
    if (sig == SIGUSR1) {
        stall_for_test();
        return;
    }
    if (sig != SIGHUP) {
        if (sig == SIGUSR2)
            opts_.keep_datapath = true;
        spdlog::info("signal {}: stopping{}", sig == SIGTERM ? "TERM" : sig == SIGINT ? "INT" : "USR2",
                     opts_.keep_datapath ? ", keeping the data path" : "");
        if (service_)
            service_->stopping();
        loop_->stop();
        return;
    }
    auto next = load_for_reload(core_.config().file, core_.config());
    if (!next) {
        spdlog::error("reload rejected, the running config stays:\n{}", next.error().message);
        events_->add(EventKind::Reload, "", "SIGHUP: config rejected, the running config stays: " +
                                                next.error().message);
        return;
    }
    if (auto r = reload(std::move(next).value()); !r)
        spdlog::error("reload failed: {}", r.error().message);
}

Result<void> Agent::run() { return loop_->run(); }

Agent::~Agent()
{
    tick_quotas(false); // the last bytes counted, alerted and written
    save_quotas();
    // while routing is still in place: the stop alert needs a WAN
    if (notifier_ && announced_start_) {
        alert(notify::Kind::AgentStop, {{"version", JALUR_VERSION}});
        if (!notifier_->flush(std::chrono::seconds(3)))
            spdlog::info("alerts: {} waiting in the spool; they go out after the next start",
                         notifier_->stats().queued);
    }
    notifier_.reset();
    telegram_.reset(); // its thread ends now, not after the loop it watches
    exporter_.reset(); // its threads read the pins: stop them before anything goes
    ctl_.reset();
    routing_repair_.reset(); // no repair of what the stop removes
    monitor_.reset();
    // A start that failed after adopting pins leaves them: traffic may
    // depend on them, and the next start adopts them again.
    bool adopted = dp_ && !dp_->pins().adopted.empty();
    if (opts_.keep_datapath || (!announced_start_ && adopted)) {
        if (rogue_)
            rogue_->release();
        if (attachments_)
            attachments_->release();
        if (routing_)
            routing_->release();
        stop_host(true);
        if (instance_)
            instance_->keep();
        spdlog::info("{}; the data path keeps running from {}", announced_start_ ? "stopped" : "not started",
                     core_.config().bpffs);
        return;
    }
    // programs off first, then routing, then the pins
    rogue_.reset();
    if (attachments_)
        attachments_->clear();
    routing_.reset();
    stop_host(false);
    if (dp_)
        dp_->unpin();
    dp_.reset();
    instance_.reset();
    spdlog::info("stopped; the host is as it was before start");
}

} // namespace jalur::agent
