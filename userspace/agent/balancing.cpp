// SPDX-License-Identifier: GPL-2.0-only
#include "agent/balancing.h"

#include "control/capacity.h"
#include "jalur/balance.h"

#include <spdlog/spdlog.h>

namespace jalur::agent {

namespace {

uint64_t kbit_over(uint64_t bytes, Balancing::Clock::duration d)
{
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    return us > 0 ? bytes * 8000 / static_cast<uint64_t>(us) : 0;
}

} // namespace

std::vector<Balancing::Learned> Balancing::tick(Clock::time_point now, const datapath::Datapath &dp,
                                                const config::Config &cfg, const control::Ids &ids,
                                                const control::World &world)
{
    for (auto it = wans_.begin(); it != wans_.end();) // WANs gone by a reload
        it = cfg.wan(it->first) ? std::next(it) : wans_.erase(it);

    std::vector<Learned> moved;
    std::map<uint32_t, balancer::WanCounters> counters;
    std::map<uint32_t, std::string> names;
    for (const auto &w : cfg.wans) {
        auto id = ids.wans.find(w.name);
        if (id == ids.wans.end())
            continue;
        auto s = dp.wan_stats_sum(id->second);
        Wan &m = wans_[w.name];
        if (w.bandwidth && w.bandwidth->learn) {
            // the learner takes whole seconds
            if (!m.started || s.rx_bytes < m.second_rx || s.tx_bytes < m.second_tx) {
                m.started = true;
                m.second_start = now;
                m.second_rx = s.rx_bytes;
                m.second_tx = s.tx_bytes;
            } else if (now - m.second_start >= std::chrono::seconds(1)) {
                m.down.add(now, kbit_over(s.rx_bytes - m.second_rx, now - m.second_start));
                m.up.add(now, kbit_over(s.tx_bytes - m.second_tx, now - m.second_start));
                m.second_start = now;
                m.second_rx = s.rx_bytes;
                m.second_tx = s.tx_bytes;
            }
            if (balancer::capacity_moved(m.told_down, m.down.capacity()) ||
                balancer::capacity_moved(m.told_up, m.up.capacity())) {
                m.told_down = m.down.capacity();
                m.told_up = m.up.capacity();
                moved.push_back({w.name, m.told_down, m.told_up});
                spdlog::info("WAN {}: capacity learned: {} kbit/s down, {} kbit/s up", w.name, m.told_down,
                             m.told_up);
            }
        }
        auto rtt = dp.wan_rtt_sum(id->second);
        if (rtt.samples >= m.rtt_seen.samples)
            m.latency.passive(now, rtt.samples - m.rtt_seen.samples, rtt.sum_us - m.rtt_seen.sum_us);
        m.rtt_seen = rtt;

        auto cap = control::capacity_of(w, world);
        uint64_t assigned = dp.wan_assigned_count(id->second);
        counters[id->second] = {s.rx_bytes, s.tx_bytes, assigned, cap.down_kbit, cap.up_kbit};
        names[id->second] = w.name;
    }

    loads_ = tracker_.update(now, counters);
    auto map = dp.wan_load();
    for (const auto &[id, l] : loads_) {
        jalur_wan_load v{};
        v.load = l.load;
        v.step = l.step;
        v.assigned_base = l.assigned_base;
        auto latency = wans_[names[id]].latency.published_us();
        v.rtt_us = latency ? static_cast<uint32_t>(std::min<uint64_t>(*latency, JALUR_RTT_UNKNOWN - 1))
                           : JALUR_RTT_UNKNOWN;
        published_[id] = v;
        assigned_[id] = counters[id].assigned;
        uint32_t key = id;
        if (auto r = map.update(&key, &v); !r)
            spdlog::warn("WAN {}: cannot publish its load: {}", names[id], r.error().message);
    }
    return moved;
}

void Balancing::probe_rtt(const std::string &wan, Clock::time_point now, std::chrono::microseconds rtt)
{
    wans_[wan].latency.probe(now, static_cast<uint64_t>(rtt.count()));
}

metrics::Section Balancing::section(const config::Config &cfg, const control::Ids &ids,
                                    const control::DatapathState *applied) const
{
    struct Row {
        std::string wan;
        balancer::WanLoad load;
        std::optional<uint64_t> rtt_us;
        uint64_t just_assigned = 0; // not yet in the measurement
    };
    std::vector<Row> rows;
    for (const auto &w : cfg.wans) {
        auto id = ids.wans.find(w.name);
        auto l = id == ids.wans.end() ? loads_.end() : loads_.find(id->second);
        if (l == loads_.end())
            continue;
        auto m = wans_.find(w.name);
        auto as = assigned_.find(id->second);
        uint64_t just = as == assigned_.end() ? 0 : jalur_pending(as->second, l->second.assigned_base);
        rows.push_back(
            {w.name, l->second, m == wans_.end() ? std::nullopt : m->second.latency.smoothed_us(), just});
    }
    // each load or latency policy's choice for its next new connection, by
    // the data path's own ranking (include/jalur/balance.h)
    std::vector<std::pair<std::string, std::string>> choices;
    for (const auto &p : cfg.policies) {
        auto pid = ids.policies.find(p.name);
        if (!ranks_members(p.mode) || pid == ids.policies.end() || !applied)
            continue;
        auto e = applied->policies.find(pid->second);
        if (e == applied->policies.end())
            continue;
        jalur_walk walk{JALUR_WAN_NONE, 0, 0};
        for (const auto &m : e->second.members) {
            auto pub = published_.find(m.wan);
            auto as = assigned_.find(m.wan);
            if (pub == published_.end())
                continue;
            jalur_member dm{m.wan, m.weight, m.threshold, 0};
            if (jalur_walk_member(&walk, e->second.params.mode, &dm, &pub->second,
                                  as == assigned_.end() ? 0 : as->second))
                break;
        }
        std::string choice;
        for (const auto &[n, i] : ids.wans)
            if (i == walk.wan)
                choice = n;
        choices.emplace_back(p.name, choice);
    }
    return metrics::Section{
        [rows](metrics::Writer &w) {
            w.family("jalur_wan_capacity_bits_per_second", metrics::Type::Gauge,
                     "A WAN's capacity each way, configured or learned (0: not known).");
            for (const auto &r : rows) {
                w.sample({{"wan", r.wan}, {"direction", "down"}}, r.load.capacity_down_kbit * 1000);
                w.sample({{"wan", r.wan}, {"direction", "up"}}, r.load.capacity_up_kbit * 1000);
            }
            w.family("jalur_wan_throughput_bits_per_second", metrics::Type::Gauge,
                     "What a WAN carried over the last second, each way.");
            for (const auto &r : rows) {
                w.sample({{"wan", r.wan}, {"direction", "down"}}, r.load.down_kbit * 1000);
                w.sample({{"wan", r.wan}, {"direction", "up"}}, r.load.up_kbit * 1000);
            }
            w.family("jalur_wan_utilisation_ratio", metrics::Type::Gauge,
                     "Throughput over capacity in the busier direction.");
            for (const auto &r : rows)
                w.sample({{"wan", r.wan}}, static_cast<double>(r.load.load) / JALUR_LOAD_ONE);
            w.family("jalur_wan_handshake_rtt_seconds", metrics::Type::Gauge,
                     "Smoothed time from a connection's SYN to its SYN-ACK through the WAN (probes while traffic is "
                     "scarce).");
            for (const auto &r : rows)
                if (r.rtt_us)
                    w.sample({{"wan", r.wan}}, static_cast<double>(*r.rtt_us) / 1e6);
        },
        [rows, choices](JsonWriter &j) {
            j.begin_object().key("wans").begin_array();
            for (const auto &r : rows) {
                j.begin_object()
                    .field("wan", r.wan)
                    .field("capacity_down_kbit", r.load.capacity_down_kbit)
                    .field("capacity_up_kbit", r.load.capacity_up_kbit)
                    .field("throughput_down_kbit", r.load.down_kbit)
                    .field("throughput_up_kbit", r.load.up_kbit)
                    .field("utilisation_percent", r.load.utilisation_percent)
                    .field("just_assigned", r.just_assigned);
                j.key("handshake_rtt_ms");
                if (r.rtt_us)
                    j.value(static_cast<double>(*r.rtt_us) / 1000.0);
                else
                    j.null();
                j.end_object();
            }
            j.end_array().key("choices").begin_object();
            for (const auto &[policy, wan] : choices)
                j.field(policy, wan);
            j.end_object().end_object();
        }};
}

} // namespace jalur::agent
