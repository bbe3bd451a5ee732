// SPDX-License-Identifier: GPL-2.0-only
#include "routing/repair_watch.h"

#include <linux/rtnetlink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <fstream>

namespace jalur::routing {

namespace {

// The program behind a netlink port: iproute2, NetworkManager and most
// others bind their first socket with their pid as its port.
std::string program_of(uint32_t portid)
{
    if (portid == 0)
        return "the kernel (an address or a link went)";
    std::ifstream comm("/proc/" + std::to_string(portid) + "/comm");
    std::string name;
    if (comm && std::getline(comm, name) && !name.empty())
        return "pid " + std::to_string(portid) + " (" + name + ")";
    return "netlink port " + std::to_string(portid);
}

} // namespace

Result<std::unique_ptr<RepairWatch>> RepairWatch::start(EventLoop &loop, Target target, RepairOptions opts)
{
    auto nl = Netlink::open(RTMGRP_IPV4_RULE | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE);
    if (!nl)
        return nl.error();
    if (auto r = nl->join(RTNLGRP_IPV6_RULE); !r)
        return r.error();
    // room for a burst (a flushed table, a VPN client's routes) before ENOBUFS
    int size = 1 << 20;
    (void)setsockopt(nl->fd(), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    std::unique_ptr<RepairWatch> w(new RepairWatch(loop, std::move(target), opts, std::move(nl).value()));
    RepairWatch *self = w.get();
    if (auto r = loop.watch(w->events_.fd(), [self] { self->on_events(); }); !r)
        return r.error();
    auto t = loop.every(opts.periodic, [self] { self->schedule(std::chrono::milliseconds(0)); });
    if (!t)
        return t.error();
    w->periodic_ = t.value();
    return w;
}

RepairWatch::~RepairWatch()
{
    loop_.unwatch(events_.fd());
    if (periodic_ >= 0)
        loop_.cancel(periodic_);
    if (pending_ >= 0)
        loop_.cancel(pending_);
}

void RepairWatch::on_events()
{
    PolicyRouting *pr = target_();
    bool maybe_drift = false;
    bool overflowed = events_.drain([&](const nlmsghdr *m) {
        bool malformed = false;
        if (auto rule = parse_rule(m, &malformed)) {
            if (pr && pr->wants_rules()) {
                maybe_drift = true;
                note_writer(m->nlmsg_pid);
            }
        } else if (auto route = parse_route(m, &malformed)) {
            if (pr && pr->wants_table(route->table)) {
                maybe_drift = true;
                note_writer(m->nlmsg_pid);
            }
        }
        if (malformed) {
            stats_.malformed++;
            spdlog::debug("routing: skipped a malformed netlink message (type {}, {} bytes)", m->nlmsg_type,
                          m->nlmsg_len);
        }
    });
    if (overflowed) {
        stats_.resyncs++;
        spdlog::warn("routing: netlink events were lost (the socket overflowed); checking every rule and route");
        maybe_drift = true;
    }
    if (maybe_drift)
        schedule(opts_.coalesce);
}

void RepairWatch::note_writer(uint32_t portid)
{
    PolicyRouting *pr = target_();
    if (pr && portid == pr->portid() && portid != 0)
        return; // its own write
    last_writer_ = program_of(portid);
}

void RepairWatch::schedule(std::chrono::milliseconds delay)
{
    if (pending_ >= 0)
        return; // one check is coming: it sees this change too
    auto t = loop_.after(delay, [this] {
        pending_ = -1;
        check();
    });
    if (t)
        pending_ = t.value();
    else
        spdlog::warn("routing: cannot schedule a drift check: {}", t.error().message);
}

void RepairWatch::check()
{
    PolicyRouting *pr = target_();
    if (!pr)
        return;
    stats_.checks++;
    auto drift = pr->drift();
    if (!drift) {
        spdlog::warn("routing: cannot read the kernel's rules and routes: {}", drift.error().message);
        return;
    }
    if (drift->empty())
        return;
    auto now = RepairBudget::Clock::now();
    if (!budget_.take(now)) {
        stats_.throttled++;
        if (now - last_warning_ >= opts_.warn_every) {
            last_warning_ = now;
            std::string what = drift->rules.empty() ? describe(drift->routes.front()) : describe(drift->rules.front());
            spdlog::warn("routing: {} keeps being removed or changed, last by {}; repairing it at most once every "
                         "{} ms",
                         what, last_writer_, opts_.refill.count());
        }
        schedule(std::chrono::duration_cast<std::chrono::milliseconds>(budget_.wait(now)) +
                 std::chrono::milliseconds(1));
        return;
    }
    auto done = pr->repair(*drift);
    for (const auto &what : done.restored)
        spdlog::warn("routing: restored {}, removed or changed by {}", what, last_writer_);
    stats_.repaired += done.restored.size();
    // expected while a WAN has no address: the agent applies it again when one comes
    for (const auto &[what, error] : done.failed)
        spdlog::debug("routing: cannot restore {} yet: {}", what, error.message);
}

} // namespace jalur::routing
