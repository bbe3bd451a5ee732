// SPDX-License-Identifier: GPL-2.0-only
// The administrative state of the WANs: drains and disables set from the
// control socket or Telegram, kept in the state directory, expired on the
// event loop (and at start, for one that expired while the agent was
// stopped). The decision itself is the control core's (plan.cpp): a
// drained WAN takes new connections only when nothing else can, a disabled
// one is down.
#include "agent/agent.h"

#include "common/json.h"
#include "metrics/render.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <set>

namespace jalur::agent {

namespace {

using WallClock = std::chrono::system_clock;

int64_t unix_now() { return std::chrono::duration_cast<std::chrono::seconds>(WallClock::now().time_since_epoch()).count(); }

WallClock::time_point from_unix(int64_t s) { return WallClock::time_point(std::chrono::seconds(s)); }

const char *done_word(control::Admin a)
{
    return a == control::Admin::Drain ? "drained" : a == control::Admin::Disabled ? "disabled" : "enabled";
}

std::string until_text(int64_t until) { return until ? metrics::rfc3339(from_unix(until)) : "until enabled"; }

} // namespace

Result<std::string> Agent::set_wan_admin(const std::string &wan, control::Admin admin, const AdminChange &how)
{
    const auto &cfg = core_.config();
    if (!cfg.wan(wan)) {
        std::string known;
        for (const auto &w : cfg.wans)
            known += (known.empty() ? "" : ", ") + w.name;
        return errorf("no WAN named '" + wan + "'; configured: " + known, ErrorKind::NotFound);
    }
    const AdminEntry *before = admin_->find(wan);
    if (admin == control::Admin::Enabled && !before)
        return wan + " is already enabled: health decides";
    int64_t now = unix_now();
    AdminEntry e{admin, admin_text(how.by), admin_text(how.reason), now,
                 how.duration ? now + how.duration->count() : 0};
    auto saved = admin == control::Admin::Enabled ? admin_->clear(wan) : admin_->set(wan, e);

    core_.set_admin(wan, admin);
    if (auto r = reconcile(); !r)
        spdlog::error("WAN {}: applying the admin state: {}", wan, r.error().message);
    arm_admin_expiry();
    publish_admin();

    std::string what = std::string(done_word(admin)) + " by " + e.by;
    if (admin != control::Admin::Enabled)
        what += how.duration ? ", until " + until_text(e.until_unix) : ", until enabled";
    if (!e.reason.empty())
        what += ": " + e.reason;
    if (!saved) {
        spdlog::error("WAN {}: the admin state is not persisted: {}", wan, saved.error().message);
        what += " (NOT persisted, it lasts until the agent restarts: " + saved.error().message + ")";
    }
    spdlog::warn("WAN {} {}", wan, what);
    events_->add(EventKind::Admin, wan, what);
    alert(notify::Kind::WanAdmin, {{"wan", wan},
                                   {"action", done_word(admin)},
                                   {"by", e.by},
                                   {"reason", e.reason.empty() ? "-" : e.reason},
                                   {"until", admin == control::Admin::Enabled ? "-" : until_text(e.until_unix)}});
    return wan + " " + what;
}

void Agent::restore_admin()
{
    if (!admin_) {
        std::vector<std::string> skipped;
        admin_ = AdminStore::load(core_.config().state_dir, &skipped);
        for (const auto &s : skipped)
            spdlog::warn("{}/wan-admin: {}: skipped", core_.config().state_dir, s);
    }
    std::set<std::string> names;
    for (const auto &w : core_.config().wans)
        names.insert(w.name);
    if (auto r = admin_->keep_only(names); !r)
        spdlog::warn("admin state: {}", r.error().message);
    // expired while the agent was stopped: health decides from the start
    for (const auto &wan : admin_->expired(unix_now())) {
        const auto e = *admin_->find(wan);
        (void)admin_->clear(wan);
        events_->add(EventKind::Admin, wan,
                     std::string("enabled: the ") + admin_name(e.state) + " set by " + e.by +
                         " expired while the agent was stopped");
    }
    for (const auto &w : core_.config().wans) {
        const auto *e = admin_->find(w.name);
        core_.set_admin(w.name, e ? e->state : control::Admin::Enabled);
        if (e)
            spdlog::warn("WAN {} {} by {} ({}), as the last run left it{}", w.name, done_word(e->state), e->by,
                         until_text(e->until_unix), e->reason.empty() ? "" : ": " + e->reason);
    }
    arm_admin_expiry();
}

void Agent::arm_admin_expiry()
{
    if (admin_timer_ >= 0)
        loop_->cancel(admin_timer_);
    admin_timer_ = -1;
    auto next = admin_->next_expiry();
    if (!next)
        return;
    auto delay = std::chrono::seconds(std::max<int64_t>(0, *next - unix_now()));
    auto t = loop_->after(std::chrono::duration_cast<std::chrono::milliseconds>(delay) + std::chrono::milliseconds(1),
                          [this] { on_admin_expiry(); });
    if (t)
        admin_timer_ = t.value();
    else
        spdlog::error("admin state: cannot arm the expiry timer: {}", t.error().message);
}

void Agent::on_admin_expiry()
{
    admin_timer_ = -1;
    for (const auto &wan : admin_->expired(unix_now())) {
        const auto e = *admin_->find(wan);
        auto r = set_wan_admin(wan, control::Admin::Enabled,
                               {std::string("expiry of the ") + admin_name(e.state) + " set by " + e.by, e.reason,
                                std::nullopt});
        if (!r)
            spdlog::error("WAN {}: ending the {}: {}", wan, admin_name(e.state), r.error().message);
    }
    arm_admin_expiry(); // clocks step: an entry not yet due is waited for again
}

void Agent::publish_admin()
{
    board_.edit([&](metrics::Board &b) {
        for (auto &v : b.wans) {
            const auto *e = admin_ ? admin_->find(v.name) : nullptr;
            v.admin = e ? admin_name(e->state) : "enabled";
            v.admin_by = e ? e->by : "";
            v.admin_reason = e ? e->reason : "";
            v.admin_since = e ? from_unix(e->since_unix) : WallClock::time_point{};
            v.admin_until = e && e->until_unix ? std::optional(from_unix(e->until_unix)) : std::nullopt;
        }
    });
}

std::string Agent::wan_list(bool json) const
{
    const auto &cfg = core_.config();
    if (json) {
        JsonWriter j;
        j.begin_array();
        for (const auto &w : cfg.wans) {
            const auto &f = core_.world().wan(w.name);
            const auto *e = admin_->find(w.name);
            j.begin_object()
                .field("name", w.name)
                .field("interface", w.interface)
                .field("health", control::health_name(f.health))
                .field("cause", f.cause)
                .field("admin", e ? admin_name(e->state) : "enabled");
            if (e) {
                j.field("by", e->by).field("reason", e->reason).field("since", metrics::rfc3339(from_unix(e->since_unix)));
                j.key("until");
                if (e->until_unix)
                    j.value(metrics::rfc3339(from_unix(e->until_unix)));
                else
                    j.null();
            }
            j.end_object();
        }
        j.end_array();
        return j.str();
    }
    std::string out;
    char line[512];
    std::snprintf(line, sizeof(line), "%-10s %-10s %-9s %-9s %-21s %s\n", "WAN", "INTERFACE", "HEALTH", "ADMIN",
                  "UNTIL", "BY / REASON");
    out += line;
    for (const auto &w : cfg.wans) {
        const auto &f = core_.world().wan(w.name);
        const auto *e = admin_->find(w.name);
        std::string who = e ? e->by + (e->reason.empty() ? "" : ": " + e->reason) : "-";
        std::string until = e ? (e->until_unix ? metrics::rfc3339(from_unix(e->until_unix)) : "until enabled") : "-";
        std::snprintf(line, sizeof(line), "%-10s %-10s %-9s %-9s %-21s %s\n", w.name.c_str(), w.interface.c_str(),
                      control::health_name(f.health), e ? admin_name(e->state) : "enabled", until.c_str(),
                      who.c_str());
        out += line;
    }
    return out;
}

} // namespace jalur::agent
