// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/datapath.h"

#include "datapath/percpu.h"
#include "jalur_bpf.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace jalur::datapath {

namespace {

std::string errno_text(int err)
{
    return std::strerror(err < 0 ? -err : err);
}

// A program the verifier refuses fails with EACCES too: only EPERM is a
// missing capability here.
Error load_error(const std::string &what, int err)
{
    auto e = sys_error(what, err);
    if (e.err != EPERM)
        e.kind = ErrorKind::Other;
    return privilege_hint(std::move(e));
}

} // namespace

Error privilege_hint(Error e)
{
    if (e.kind == ErrorKind::Permission)
        e.message = "needs CAP_BPF and CAP_NET_ADMIN (run as root): " + e.message;
    return e;
}

Result<void> Map::update(const void *key, const void *value, uint64_t flags) const
{
    if (bpf_map_update_elem(fd_, key, value, flags) != 0)
        return errorf("map " + name_ + ": update failed: " + errno_text(errno));
    return {};
}

bool Map::lookup(const void *key, void *value) const
{
    return bpf_map_lookup_elem(fd_, key, value) == 0;
}

Result<void> Map::erase(const void *key) const
{
    if (bpf_map_delete_elem(fd_, key) != 0 && errno != ENOENT)
        return errorf("map " + name_ + ": delete failed: " + errno_text(errno));
    return {};
}

void Datapath::Deleter::operator()(jalur_bpf *skel) const
{
    jalur_bpf__destroy(skel);
}

Datapath::Datapath(std::unique_ptr<jalur_bpf, Deleter> skel) : skel_(std::move(skel)) {}

Datapath::Datapath(Datapath &&) noexcept = default;
Datapath &Datapath::operator=(Datapath &&) noexcept = default;
Datapath::~Datapath() = default;

Result<Datapath> Datapath::load(const LoadOptions &opts)
{
    LIBBPF_OPTS(bpf_object_open_opts, open_opts);
    if (!opts.pin_dir.empty())
        open_opts.pin_root_path = opts.pin_dir.c_str();

    std::unique_ptr<jalur_bpf, Deleter> skel(jalur_bpf__open_opts(&open_opts));
    if (!skel)
        return privilege_hint(sys_error("cannot open the BPF object", errno));

    bpf_map__set_max_entries(skel->maps.flows, opts.sizes.flows);
    bpf_map__set_max_entries(skel->maps.affinity, opts.sizes.affinity);
    bpf_map__set_max_entries(skel->maps.inbound, opts.sizes.inbound);
    bpf_map__set_max_entries(skel->maps.rule_src, opts.sizes.rule_prefixes);
    bpf_map__set_max_entries(skel->maps.rule_dst, opts.sizes.rule_prefixes);

    if (opts.pin_dir.empty()) {
        bpf_map *m;
        bpf_object__for_each_map(m, skel->obj) bpf_map__set_pin_path(m, nullptr);
        if (int err = jalur_bpf__load(skel.get()); err != 0)
            return load_error("cannot load the BPF programs", err);
        return Datapath(std::move(skel));
    }

    auto ledger = Ledger::open(opts.pin_dir);
    if (!ledger)
        return privilege_hint(ledger.error());
    auto swap = PinSwap::prepare(skel->obj, ledger.value());
    if (!swap)
        return privilege_hint(swap.error());
    if (int err = jalur_bpf__load(skel.get()); err != 0) // the swap puts the old pins back
        return load_error("cannot load the BPF programs (pins under " + opts.pin_dir + ")", err);
    auto report = swap->commit();
    Datapath dp(std::move(skel));
    dp.ledger_.emplace(std::move(ledger).value());
    dp.pins_ = std::move(report);
    return dp;
}

void Datapath::unpin()
{
    bpf_map *m;
    bpf_object__for_each_map(m, skel_->obj) if (bpf_map__is_pinned(m)) bpf_map__unpin(m, nullptr);
}

int Datapath::xdp_lan_fd() const { return bpf_program__fd(skel_->progs.jalur_xdp_lan); }
int Datapath::tc_lan_fd() const { return bpf_program__fd(skel_->progs.jalur_tc_lan); }
int Datapath::tc_wan_fd() const { return bpf_program__fd(skel_->progs.jalur_tc_wan); }
int Datapath::xdp_port_fd() const { return bpf_program__fd(skel_->progs.jalur_xdp_port); }
int Datapath::tc_port_fd() const { return bpf_program__fd(skel_->progs.jalur_tc_port); }
int Datapath::why_fd() const { return bpf_program__fd(skel_->progs.jalur_why); }

Map Datapath::map_of(bpf_map *m) const { return Map(bpf_map__fd(m), bpf_map__name(m)); }

std::vector<Map> Datapath::maps() const
{
    std::vector<Map> out;
    bpf_map *m;
    bpf_object__for_each_map(m, skel_->obj) out.push_back(map_of(m));
    return out;
}
Map Datapath::settings() const { return map_of(skel_->maps.settings); }
Map Datapath::wans() const { return map_of(skel_->maps.wans); }
Map Datapath::wan_ifindex() const { return map_of(skel_->maps.wan_ifindex); }
Map Datapath::policies() const { return map_of(skel_->maps.policies); }
Map Datapath::slots() const { return map_of(skel_->maps.slots); }
Map Datapath::rules() const { return map_of(skel_->maps.rules); }
Map Datapath::rule_src() const { return map_of(skel_->maps.rule_src); }
Map Datapath::rule_dst() const { return map_of(skel_->maps.rule_dst); }
Map Datapath::local_nets() const { return map_of(skel_->maps.local_nets); }
Map Datapath::flows() const { return map_of(skel_->maps.flows); }
Map Datapath::affinity() const { return map_of(skel_->maps.affinity); }
Map Datapath::inbound() const { return map_of(skel_->maps.inbound); }
Map Datapath::wan_stats() const { return map_of(skel_->maps.wan_stats); }
Map Datapath::reasons() const { return map_of(skel_->maps.reasons); }
Map Datapath::dhcp_ports() const { return map_of(skel_->maps.dhcp_ports); }
Map Datapath::dhcp_trusted_macs() const { return map_of(skel_->maps.dhcp_trusted_macs); }
Map Datapath::dhcp_trusted_addrs() const { return map_of(skel_->maps.dhcp_trusted_addrs); }
Map Datapath::dhcp_config() const { return map_of(skel_->maps.dhcp_config); }
Map Datapath::dhcp_events() const { return map_of(skel_->maps.dhcp_events); }
Map Datapath::dhcp_stats() const { return map_of(skel_->maps.dhcp_stats); }
Map Datapath::members() const { return map_of(skel_->maps.members); }
Map Datapath::wan_load() const { return map_of(skel_->maps.wan_load); }
Map Datapath::wan_assigned() const { return map_of(skel_->maps.wan_assigned); }
Map Datapath::handshakes() const { return map_of(skel_->maps.handshakes); }
Map Datapath::wan_rtt() const { return map_of(skel_->maps.wan_rtt); }

jalur_wan_stats Datapath::wan_stats_sum(uint32_t wan) const
{
    return percpu_sum<jalur_wan_stats>(bpf_map__fd(skel_->maps.wan_stats), wan);
}

uint64_t Datapath::reason_sum(uint32_t reason) const
{
    return percpu_sum<uint64_t>(bpf_map__fd(skel_->maps.reasons), reason);
}

jalur_dhcp_stats Datapath::dhcp_stats_sum() const
{
    return percpu_sum<jalur_dhcp_stats>(bpf_map__fd(skel_->maps.dhcp_stats), 0);
}

jalur_wan_rtt Datapath::wan_rtt_sum(uint32_t wan) const
{
    return percpu_sum<jalur_wan_rtt>(bpf_map__fd(skel_->maps.wan_rtt), wan);
}

uint64_t Datapath::wan_assigned_count(uint32_t wan) const
{
    uint64_t n = 0;
    bpf_map_lookup_elem(bpf_map__fd(skel_->maps.wan_assigned), &wan, &n);
    return n;
}

} // namespace jalur::datapath
