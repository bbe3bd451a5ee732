// SPDX-License-Identifier: GPL-2.0-only
// Carrying out the control core's flow ends (control/flow_ends.h): TCP
// flows flagged in the data path and their clients provoked into the
// packet that draws their reset; the NAT entries of the rest deleted; the
// counts on the board. Called from reconcile(), so every cause of a WAN
// going down (carrier, probes, a vanished interface, the admin) ends its
// flows the same way.
#include "agent/agent.h"

#include "datapath/flow_end.h"

#include <spdlog/spdlog.h>

namespace jalur::agent {

namespace {

// A client's stack answers one challenge per connection every 500 ms
// (Linux: net.ipv4.tcp_invalid_ratelimit), so a SYN that found it inside
// that window is tried again after it; then the flow is left to the
// client's own next packet.
constexpr std::chrono::milliseconds kProvokeAgain[] = {std::chrono::milliseconds(600),
                                                       std::chrono::milliseconds(1500)};

} // namespace

void Agent::open_flow_enders()
{
    if (auto c = datapath::ChallengeSender::open())
        challenges_.emplace(std::move(c).value());
    else
        spdlog::warn("ending flows: {}; a client that only receives learns of a dead WAN from its own timeout",
                     c.error().message);
    if (auto c = routing::Conntrack::open())
        conntrack_.emplace(std::move(c).value());
    else
        spdlog::warn("ending flows: {}; the NAT entries of a dead WAN's flows stay until they expire",
                     c.error().message);
}

std::vector<Prefix> Agent::wan_addresses(const std::string &wan)
{
    std::vector<Prefix> out;
    const auto *w = core_.config().wan(wan);
    if (!w)
        return out;
    const auto &link = core_.world().interface(w->interface);
    if (!link.present)
        return out; // unknown with its interface gone: masquerade's entries went with it, SNAT's expire
    for (int family : {4, 6}) {
        auto addrs = nl_->addresses(family);
        if (!addrs) {
            spdlog::warn("WAN {}: its addresses: {}", wan, addrs.error().message);
            continue;
        }
        for (auto a : addrs.value())
            if (a.ifindex == static_cast<int>(link.ifindex)) {
                a.addr.len = a.addr.max_len();
                out.push_back(a.addr);
            }
    }
    return out;
}

std::vector<Agent::Ending> Agent::flag_flows(const std::vector<control::FlowEnd> &ends)
{
    std::vector<Ending> out;
    for (const auto &e : ends) {
        datapath::FlowSelector sel{e.wan_id, std::nullopt, e.cause != control::EndCause::WanDown};
        if (e.policy)
            sel.policy = static_cast<uint16_t>(*e.policy);
        auto ended = datapath::end_flows(*dp_, sel);
        if (!ended) {
            spdlog::error("WAN {}: ending its flows: {}", e.wan, ended.error().message);
            continue;
        }
        if (spdlog::should_log(spdlog::level::debug))
            for (size_t i = 0; i < ended.value().tcp.size() && i < 16; i++)
                spdlog::debug("WAN {}: resetting {}", e.wan, datapath::describe(ended.value().tcp[i]));
        out.push_back(Ending{e, std::move(ended).value()});
    }
    return out;
}

void Agent::finish_ending(const std::vector<Ending> &endings)
{
    for (const auto &[e, f] : endings) {
        bool down = e.cause == control::EndCause::WanDown;
        size_t deleted = 0;
        if (conntrack_) {
            // After the data path stopped sending to the WAN (else a packet
            // in between makes a new entry NATed for it). The TCP flows'
            // own entries before any SYN is provoked: while a flow's entry
            // stands, conntrack gives the SYN (its reverse) another source
            // port to keep tuples unique, and the client answers that with
            // a reset of its own, not a challenge. Then a dead WAN's every
            // entry NATed to its addresses, whoever made it; failback:
            // exactly the other flows taken off the WAN.
            auto r = conntrack_->delete_flows(f.tcp);
            if (r) {
                deleted += r.value();
                r = down ? conntrack_->delete_natted_to(wan_addresses(e.wan)) : conntrack_->delete_flows(f.others);
            }
            if (r)
                deleted += r.value();
            else
                spdlog::warn("WAN {}: deleting conntrack entries: {}", e.wan, r.error().message);
        }
        if (!f.tcp.empty() && challenges_) {
            if (auto r = provoke(f.tcp); !r)
                spdlog::warn("WAN {}: {}", e.wan, r.error().message);
            provoke_unanswered(f.tcp, 0);
        }
        const char *cause = control::end_cause_name(e.cause);
        spdlog::info("WAN {}: {} TCP connection(s) reset, {} conntrack entr{} deleted ({})", e.wan, f.tcp.size(),
                     deleted, deleted == 1 ? "y" : "ies", cause);
        board_.edit([&](metrics::Board &b) {
            if (auto *v = b.wan(e.wan)) {
                v->connections_reset[cause] += f.tcp.size();
                v->conntrack_deleted[cause] += deleted;
            }
        });
        if (down)
            last_reset_[e.wan] = f.tcp.size();
    }
    schedule_drain();
}

Result<void> Agent::provoke(const std::vector<jalur_flow_key> &flows)
{
    if (!challenges_)
        return {};
    Result<void> first;
    std::vector<jalur_flow_key> sent;
    for (const auto &k : flows) {
        if (auto r = challenges_->provoke(k); r)
            sent.push_back(datapath::reversed(k));
        else if (first)
            first = r;
    }
    // each SYN left an entry in conntrack (server -> client, SYN_SENT) that
    // would wait 2 minutes and clash with a client reusing its port
    if (conntrack_)
        (void)conntrack_->delete_flows(sent);
    return first;
}

// Provokes again the clients that have not answered yet, twice at most.
void Agent::provoke_unanswered(std::vector<jalur_flow_key> flows, int round)
{
    if (round >= static_cast<int>(std::size(kProvokeAgain)))
        return;
    auto t = loop_->after(kProvokeAgain[round], [this, flows = std::move(flows), round] {
        auto left = datapath::unanswered(*dp_, flows);
        if (left.empty() || !challenges_)
            return;
        spdlog::debug("provoking {} client(s) again", left.size());
        (void)provoke(left); // the first round logged a failure already
        provoke_unanswered(std::move(left), round + 1);
    });
    if (!t)
        spdlog::warn("provoking clients again: {}", t.error().message);
}

void Agent::schedule_drain()
{
    if (drain_timer_ >= 0) {
        loop_->cancel(drain_timer_);
        drain_timer_ = -1;
    }
    auto due = flow_ends_.next_due();
    if (!due)
        return;
    auto now = std::chrono::duration_cast<control::Millis>(std::chrono::steady_clock::now().time_since_epoch());
    auto wait = std::max(*due - now, control::Millis(1));
    auto t = loop_->after(wait, [this] {
        drain_timer_ = -1;
        if (auto r = reconcile(); !r)
            spdlog::error("failback drain: {}", r.error().message);
    });
    if (t)
        drain_timer_ = t.value();
    else
        spdlog::warn("failback drain timer: {}", t.error().message);
}

} // namespace jalur::agent
