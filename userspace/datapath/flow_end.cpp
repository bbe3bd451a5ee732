// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/flow_end.h"

#include "datapath/map_keys.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <functional>

namespace jalur::datapath {

namespace {

using Visit = std::function<void(const jalur_flow_key &, const jalur_flow &)>;

constexpr uint32_t kBatch = 4096;
constexpr int kMaxBatches = 16 * 4096 + 16; // bounds the walk even if the table churns under it

// false: no batch lookup for this map (an old kernel): walk key by key
bool walk_batched(int fd, const Visit &visit)
{
    std::vector<jalur_flow_key> keys(kBatch);
    std::vector<jalur_flow> values(kBatch);
    uint64_t in_token = 0, out_token = 0;
    for (int i = 0; i < kMaxBatches; i++) {
        uint32_t n = kBatch;
        int err = bpf_map_lookup_batch(fd, i ? &in_token : nullptr, &out_token, keys.data(), values.data(), &n,
                                       nullptr);
        if (err && errno != ENOENT)
            return i > 0; // a failure after the first batch: what was visited stands
        for (uint32_t k = 0; k < n; k++)
            visit(keys[k], values[k]);
        if (err)
            return true; // ENOENT: that was the last batch
        in_token = out_token;
    }
    return true;
}

void walk(int fd, const Visit &visit)
{
    if (walk_batched(fd, visit))
        return;
    for (const auto &k : map_keys<jalur_flow_key>(fd)) {
        jalur_flow f{};
        if (bpf_map_lookup_elem(fd, &k, &f) == 0)
            visit(k, f);
    }
}

} // namespace

Result<EndedFlows> end_flows(const Datapath &dp, const FlowSelector &sel)
{
    auto flows = dp.flows();
    std::vector<std::pair<jalur_flow_key, jalur_flow>> chosen;
    walk(flows.fd(), [&](const jalur_flow_key &k, const jalur_flow &f) {
        if (f.wan == sel.wan && (!sel.policy || f.policy == *sel.policy) && !(f.flags & JALUR_FLOW_ENDING))
            chosen.emplace_back(k, f);
    });
    EndedFlows out;
    for (auto &[k, f] : chosen) {
        // a half-open TCP flow is as the others: its SYN retry moves it
        if (k.proto != IPPROTO_TCP || !(f.flags & JALUR_FLOW_ACKED)) {
            if (sel.renew_others)
                if (auto r = flows.erase(&k); !r)
                    return r.error();
            out.others.push_back(k);
            continue;
        }
        // the data path may have touched the entry since the walk read it:
        // only its idle clock is lost. BPF_EXIST: one evicted since stays gone.
        f.flags |= JALUR_FLOW_ENDING;
        if (bpf_map_update_elem(flows.fd(), &k, &f, BPF_EXIST) != 0) {
            if (errno == ENOENT)
                continue;
            return sys_error("flows: flagging a flow to end", errno);
        }
        out.tcp.push_back(k);
    }
    return out;
}

std::vector<jalur_flow_key> unanswered(const Datapath &dp, std::span<const jalur_flow_key> flows)
{
    std::vector<jalur_flow_key> out;
    auto map = dp.flows();
    for (const auto &k : flows) {
        jalur_flow f{};
        if (map.lookup(&k, &f) && (f.flags & JALUR_FLOW_ENDING) && !(f.flags & JALUR_FLOW_RESET_SENT))
            out.push_back(k);
    }
    return out;
}

jalur_flow_key reversed(const jalur_flow_key &flow)
{
    jalur_flow_key r = flow;
    std::memcpy(r.saddr, flow.daddr, sizeof(r.saddr));
    std::memcpy(r.daddr, flow.saddr, sizeof(r.daddr));
    r.sport = flow.dport;
    r.dport = flow.sport;
    return r;
}

std::string describe(const jalur_flow_key &flow)
{
    int af = flow.family == JALUR_FAMILY_V6 ? AF_INET6 : AF_INET;
    char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
    inet_ntop(af, flow.saddr, src, sizeof(src));
    inet_ntop(af, flow.daddr, dst, sizeof(dst));
    auto end = [&](const char *addr, uint16_t port) {
        return (af == AF_INET6 ? "[" + std::string(addr) + "]" : std::string(addr)) + ":" +
               std::to_string(ntohs(port));
    };
    std::string proto = flow.proto == IPPROTO_TCP   ? "tcp"
                        : flow.proto == IPPROTO_UDP ? "udp"
                                                    : "proto " + std::to_string(flow.proto);
    return proto + " " + end(src, flow.sport) + " -> " + end(dst, flow.dport);
}

} // namespace jalur::datapath
