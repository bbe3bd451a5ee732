// SPDX-License-Identifier: GPL-2.0-only
#include "support/bpf_fixture.h"

#include "datapath/map_keys.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace jalur::test {

namespace {

std::unique_ptr<datapath::Datapath> load_unpinned()
{
    datapath::LoadOptions opts;
    opts.sizes.flows = 1 << 18;
    auto dp = datapath::Datapath::load(opts);
    if (!dp)
        throw std::runtime_error(dp.error().message);
    return std::make_unique<datapath::Datapath>(std::move(dp).value());
}

// Loaded objects no fixture holds now.
std::vector<std::unique_ptr<datapath::Datapath>> &spares()
{
    static std::vector<std::unique_ptr<datapath::Datapath>> objects;
    return objects;
}

std::vector<uint8_t> every_key(int fd, uint32_t key_size)
{
    std::vector<uint8_t> keys, prev, next(key_size);
    while (bpf_map_get_next_key(fd, prev.empty() ? nullptr : prev.data(), next.data()) == 0) {
        keys.insert(keys.end(), next.begin(), next.end());
        prev = next;
    }
    return keys;
}

// As loaded: hash-like maps without entries, arrays zeroed (the object has
// no global variables, so zero is every array's initial value).
void empty_maps(const datapath::Datapath &dp)
{
    for (const auto &map : dp.maps()) {
        bpf_map_info info{};
        uint32_t len = sizeof(info);
        if (bpf_obj_get_info_by_fd(map.fd(), &info, &len) != 0)
            throw std::runtime_error("map " + map.name() + ": no info: " + strerror(errno));
        switch (info.type) {
        case BPF_MAP_TYPE_HASH:
        case BPF_MAP_TYPE_LRU_HASH:
        case BPF_MAP_TYPE_LPM_TRIE: {
            auto keys = every_key(map.fd(), info.key_size);
            for (size_t at = 0; at < keys.size(); at += info.key_size)
                if (bpf_map_delete_elem(map.fd(), keys.data() + at) != 0 && errno != ENOENT)
                    throw std::runtime_error("map " + map.name() + ": delete: " + strerror(errno));
            break;
        }
        case BPF_MAP_TYPE_ARRAY:
        case BPF_MAP_TYPE_PERCPU_ARRAY: {
            size_t size = info.type == BPF_MAP_TYPE_ARRAY
                              ? info.value_size
                              : (info.value_size + 7) / 8 * 8 * static_cast<size_t>(libbpf_num_possible_cpus());
            std::vector<uint8_t> zero(size);
            for (uint32_t i = 0; i < info.max_entries; i++)
                if (bpf_map_update_elem(map.fd(), &i, zero.data(), BPF_ANY) != 0)
                    throw std::runtime_error("map " + map.name() + ": zero: " + strerror(errno));
            break;
        }
        case BPF_MAP_TYPE_RINGBUF:
            break; // drained by the fixture
        default:
            throw std::runtime_error("map " + map.name() + ": the fixture cannot empty map type " +
                                     std::to_string(info.type));
        }
    }
}

void check(const Result<void> &r)
{
    if (!r)
        throw std::runtime_error(r.error().message);
}

} // namespace

BpfFixture::BpfFixture()
{
    if (spares().empty()) {
        dp_ = load_unpinned();
        return;
    }
    dp_ = std::move(spares().back());
    spares().pop_back();
    empty_maps(*dp_);
    drain_dhcp_events();
}

BpfFixture::~BpfFixture()
{
    if (dp_)
        spares().push_back(std::move(dp_));
}

XdpResult BpfFixture::run_xdp(const Bytes &frame) { return run_xdp_prog(dp_->xdp_lan_fd(), frame); }
XdpResult BpfFixture::run_xdp_port(const Bytes &frame) { return run_xdp_prog(dp_->xdp_port_fd(), frame); }

XdpResult BpfFixture::run_xdp_prog(int prog_fd, const Bytes &frame)
{
    Bytes out(frame.size() + 256);
    xdp_md ctx_in{}, ctx_out{};
    ctx_in.data_end = static_cast<uint32_t>(frame.size());
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_out = out.data(),
                .data_size_in = static_cast<uint32_t>(frame.size()), .data_size_out = static_cast<uint32_t>(out.size()),
                .ctx_in = &ctx_in, .ctx_out = &ctx_out, .ctx_size_in = sizeof(ctx_in),
                .ctx_size_out = sizeof(ctx_out), .repeat = 1);
    if (bpf_prog_test_run_opts(prog_fd, &opts) != 0)
        throw std::runtime_error("BPF_PROG_TEST_RUN (xdp) failed: " + std::string(strerror(errno)));
    XdpResult r{opts.retval, std::nullopt, {}};
    if (opts.data_size_out >= ctx_out.data)
        r.frame.assign(out.begin() + ctx_out.data, out.begin() + opts.data_size_out);
    // the output starts at data_meta; ctx_out.data is the metadata's size
    if (ctx_out.data >= sizeof(jalur_xdp_meta)) {
        jalur_xdp_meta m;
        std::memcpy(&m, out.data() + ctx_out.data - sizeof(m), sizeof(m));
        r.meta = m;
    }
    return r;
}

static std::optional<TcResult> try_run_tc(int fd, const Bytes &frame, uint32_t ingress_ifindex, uint32_t mark)
{
    Bytes out(frame.size() + 256);
    __sk_buff ctx{};
    ctx.ingress_ifindex = ingress_ifindex;
    ctx.mark = mark;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_out = out.data(),
                .data_size_in = static_cast<uint32_t>(frame.size()), .data_size_out = static_cast<uint32_t>(out.size()),
                .ctx_in = &ctx, .ctx_out = &ctx, .ctx_size_in = sizeof(ctx), .ctx_size_out = sizeof(ctx),
                .repeat = 1);
    if (bpf_prog_test_run_opts(fd, &opts) != 0) {
        if (errno == EINVAL)
            return std::nullopt;
        throw std::runtime_error("BPF_PROG_TEST_RUN (tc) failed: " + std::string(strerror(errno)));
    }
    out.resize(std::min<size_t>(opts.data_size_out, out.size()));
    return TcResult{static_cast<int>(opts.retval), ctx.mark, std::move(out)};
}

static TcResult run_tc(int fd, const Bytes &frame, uint32_t ingress_ifindex, uint32_t mark)
{
    auto r = try_run_tc(fd, frame, ingress_ifindex, mark);
    if (!r)
        throw std::runtime_error("BPF_PROG_TEST_RUN (tc) refused a frame of " + std::to_string(frame.size()) +
                                 " bytes");
    return *r;
}

std::optional<TcResult> BpfFixture::try_run_tc_lan(const Bytes &frame)
{
    return try_run_tc(dp_->tc_lan_fd(), frame, 1, 0);
}

TcResult BpfFixture::run_tc_lan(const Bytes &frame, uint32_t ingress_ifindex, uint32_t mark)
{
    return run_tc(dp_->tc_lan_fd(), frame, ingress_ifindex, mark);
}

TcResult BpfFixture::run_tc_wan(const Bytes &frame, uint32_t ingress_ifindex)
{
    return run_tc(dp_->tc_wan_fd(), frame, ingress_ifindex, 0);
}

TcResult BpfFixture::run_tc_port(const Bytes &frame, uint32_t ingress_ifindex)
{
    return run_tc(dp_->tc_port_fd(), frame, ingress_ifindex, 0);
}

std::optional<TcResult> BpfFixture::try_run_tc_port(const Bytes &frame, uint32_t ingress_ifindex)
{
    return try_run_tc(dp_->tc_port_fd(), frame, ingress_ifindex, 0);
}

void BpfFixture::add_wan(uint32_t id, jalur_wan_state state)
{
    jalur_wan w{};
    w.ifindex = ifindex_of(id);
    w.fwmark = mark_of(id);
    w.state = state;
    check(datapath::set_wan(*dp_, id, w));
}

void BpfFixture::set_policy(uint32_t id, std::vector<balancer::Member> members, datapath::PolicyParams params)
{
    auto table = params.mode == JALUR_MODE_NTH ? balancer::build_nth_slots(members)
                                               : balancer::build_hash_slots(members);
    check(datapath::publish_policy(*dp_, id, params, table));
}

void BpfFixture::set_ranked_policy(uint32_t id, uint32_t mode, const std::vector<control::MemberSpec> &members)
{
    std::vector<balancer::Member> hashed;
    for (const auto &m : members)
        hashed.push_back({m.wan, m.weight, "wan" + std::to_string(m.wan)});
    datapath::PolicyParams params;
    params.mode = mode;
    check(datapath::publish_policy(*dp_, id, params, balancer::build_hash_slots(hashed), members));
}

void BpfFixture::set_wan_load(uint32_t wan, const jalur_wan_load &load)
{
    check(dp_->wan_load().update(&wan, &load));
}

void BpfFixture::set_default_policy(uint32_t policy)
{
    check(datapath::publish_rules(*dp_, {}, policy, 0xffffffffu));
}

std::optional<uint32_t> BpfFixture::wan_for(const Bytes &frame)
{
    auto r = run_tc_lan(frame);
    if (r.mark == 0)
        return std::nullopt;
    return wan_of(r.mark);
}

size_t BpfFixture::flow_count()
{
    return datapath::map_keys<jalur_flow_key>(dp_->flows().fd()).size();
}

void BpfFixture::forget_flows()
{
    for (const auto &k : datapath::map_keys<jalur_flow_key>(dp_->flows().fd()))
        bpf_map_delete_elem(dp_->flows().fd(), &k);
    for (const auto &k : datapath::map_keys<jalur_affinity_key>(dp_->affinity().fd()))
        bpf_map_delete_elem(dp_->affinity().fd(), &k);
}

void BpfFixture::age_affinity()
{
    for (const auto &k : datapath::map_keys<jalur_affinity_key>(dp_->affinity().fd())) {
        jalur_affinity a{};
        if (bpf_map_lookup_elem(dp_->affinity().fd(), &k, &a) == 0) {
            a.last_seen_ns = 0;
            bpf_map_update_elem(dp_->affinity().fd(), &k, &a, BPF_EXIST);
        }
    }
}

static PacketBuilder ip_frame(const std::string &src, const std::string &dst)
{
    PacketBuilder b;
    b.eth();
    if (src.find(':') != std::string::npos)
        b.ipv6(src, dst);
    else
        b.ipv4(src, dst);
    return b;
}

jalur_dhcp_stats dhcp_stats_minus(const jalur_dhcp_stats &after, const jalur_dhcp_stats &before)
{
    return {after.inspected - before.inspected,   after.trusted - before.trusted,
            after.events - before.events,         after.suppressed - before.suppressed,
            after.ringbuf_full - before.ringbuf_full, after.dropped - before.dropped,
            after.malformed - before.malformed,   after.chain_depth - before.chain_depth,
            after.chain_length - before.chain_length, after.chain_truncated - before.chain_truncated};
}

Bytes tcp_syn(const std::string &src, const std::string &dst, uint16_t sport, uint16_t dport)
{
    return ip_frame(src, dst).tcp(sport, dport, 0x02).build();
}

Bytes udp_datagram(const std::string &src, const std::string &dst, uint16_t sport, uint16_t dport)
{
    return ip_frame(src, dst).udp(sport, dport).build();
}

} // namespace jalur::test

namespace jalur::test {

std::vector<jalur_dhcp_event> BpfFixture::drain_dhcp_events()
{
    std::vector<jalur_dhcp_event> out;
    auto on_event = [](void *ctx, void *data, size_t size) -> int {
        if (size >= sizeof(jalur_dhcp_event)) {
            jalur_dhcp_event e;
            std::memcpy(&e, data, sizeof(e));
            static_cast<std::vector<jalur_dhcp_event> *>(ctx)->push_back(e);
        }
        return 0;
    };
    ring_buffer *rb = ring_buffer__new(dp_->dhcp_events().fd(), on_event, &out, nullptr);
    if (!rb)
        throw std::runtime_error("ring_buffer__new failed");
    ring_buffer__consume(rb);
    ring_buffer__free(rb);
    return out;
}

void BpfFixture::inspect_port(uint32_t ifindex, uint32_t mode, bool trusted)
{
    jalur_dhcp_port port{mode, trusted ? 1u : 0u};
    if (auto r = dp_->dhcp_ports().update(&ifindex, &port); !r)
        throw std::runtime_error(r.error().message);
}

} // namespace jalur::test
