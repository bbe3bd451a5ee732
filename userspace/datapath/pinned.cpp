// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/pinned.h"

#include "datapath/map_keys.h"
#include "datapath/percpu.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace jalur::datapath {

namespace {

Result<UniqueFd> open_pin(const std::string &dir, const char *name)
{
    std::string path = dir + "/" + name;
    int fd = bpf_obj_get(path.c_str());
    if (fd < 0)
        return errorf("cannot open " + path + ": " + std::strerror(errno) + " (is jalur running with this bpffs?)");
    return UniqueFd(fd);
}

} // namespace

Result<PinnedMaps> PinnedMaps::open(const std::string &dir)
{
    PinnedMaps m;
    for (auto [fd, name] : {std::pair{&m.wans_, "wans"}, {&m.wan_stats_, "wan_stats"}, {&m.reasons_, "reasons"},
                            {&m.flows_, "flows"}, {&m.dhcp_stats_, "dhcp_stats"}}) {
        auto r = open_pin(dir, name);
        if (!r)
            return r.error();
        *fd = std::move(r).value();
    }
    m.read_capacity();
    return m;
}

PinnedMaps PinnedMaps::adopt(UniqueFd wans, UniqueFd wan_stats, UniqueFd reasons, UniqueFd flows)
{
    PinnedMaps m;
    m.wans_ = std::move(wans);
    m.wan_stats_ = std::move(wan_stats);
    m.reasons_ = std::move(reasons);
    m.flows_ = std::move(flows);
    m.read_capacity();
    return m;
}

void PinnedMaps::read_capacity()
{
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(flows_.get(), &info, &len) == 0)
        flow_capacity_ = info.max_entries;
}

bool PinnedMaps::wan(uint32_t id, jalur_wan &out) const
{
    return bpf_map_lookup_elem(wans_.get(), &id, &out) == 0;
}

jalur_wan_stats PinnedMaps::wan_stats(uint32_t id) const
{
    return percpu_sum<jalur_wan_stats>(wan_stats_.get(), id);
}

jalur_dhcp_stats PinnedMaps::dhcp_stats() const
{
    return percpu_sum<jalur_dhcp_stats>(dhcp_stats_.get(), 0);
}

uint64_t PinnedMaps::reason(uint32_t reason) const
{
    return percpu_sum<uint64_t>(reasons_.get(), reason);
}

void PinnedMaps::for_each_flow(const std::function<void(const jalur_flow_key &, const jalur_flow &)> &each) const
{
    for (const auto &k : map_keys<jalur_flow_key>(flows_.get())) {
        jalur_flow f{};
        if (bpf_map_lookup_elem(flows_.get(), &k, &f) == 0)
            each(k, f);
    }
}

} // namespace jalur::datapath
