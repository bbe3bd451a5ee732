// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/attach.h"

#include "datapath/ledger.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace jalur::datapath {

namespace {

std::string why(int err)
{
    return std::strerror(err < 0 ? -err : err);
}

// the ledger's record of a clsact qdisc jalur created
std::string clsact_key(int ifindex)
{
    return "clsact:" + std::to_string(ifindex);
}

bpf_tc_attach_point point_of(TcDirection dir)
{
    return dir == TcDirection::Ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

} // namespace

Result<XdpAttachment> XdpAttachment::attach(const std::string &ifname, int prog_fd, XdpAttachMode mode)
{
    int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (ifindex == 0)
        return errorf("cannot attach XDP to '" + ifname + "': no such interface");

    // Replacing whatever is there is what an upgrade or a restart after a
    // crash needs; the flows live in pinned maps, not in the program.
    std::string native_error;
    if (mode != XdpAttachMode::Generic) {
        int err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, nullptr);
        if (err == 0)
            return XdpAttachment(ifname, ifindex, XDP_FLAGS_DRV_MODE);
        native_error = why(err);
        if (mode == XdpAttachMode::Native)
            return errorf("cannot attach XDP in native mode to '" + ifname + "': " + native_error);
    }
    int err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_SKB_MODE, nullptr);
    if (err != 0)
        return errorf("cannot attach XDP to '" + ifname + "': " + why(err) +
                      (native_error.empty() ? "" : " (native mode: " + native_error + ")"));
    return XdpAttachment(ifname, ifindex, XDP_FLAGS_SKB_MODE);
}

XdpAttachment::XdpAttachment(XdpAttachment &&o) noexcept
    : ifname_(std::move(o.ifname_)), ifindex_(std::exchange(o.ifindex_, 0)), flags_(o.flags_)
{
}

XdpAttachment &XdpAttachment::operator=(XdpAttachment &&o) noexcept
{
    if (this != &o) {
        if (ifindex_ != 0)
            bpf_xdp_detach(ifindex_, flags_, nullptr);
        ifname_ = std::move(o.ifname_);
        ifindex_ = std::exchange(o.ifindex_, 0);
        flags_ = o.flags_;
    }
    return *this;
}

XdpAttachment::~XdpAttachment()
{
    if (ifindex_ != 0)
        bpf_xdp_detach(ifindex_, flags_, nullptr);
}

Result<TcAttachment> TcAttachment::attach(const std::string &ifname, int prog_fd, TcDirection dir,
                                          const Ledger *ledger)
{
    int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (ifindex == 0)
        return errorf("cannot attach tc to '" + ifname + "': no such interface");

    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point_of(dir));
    int err = bpf_tc_hook_create(&hook);
    if (err != 0 && err != -EEXIST)
        return errorf("cannot create the clsact qdisc on '" + ifname + "': " + why(err));
    bool created = err == 0;
    if (created && ledger)
        (void)ledger->set(clsact_key(ifindex), 1);

    LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE, .handle = kHandle,
                .priority = kPriority);
    err = bpf_tc_attach(&hook, &opts);
    if (err != 0) {
        if (created) {
            hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
            bpf_tc_hook_destroy(&hook);
        }
        if (created && ledger)
            ledger->erase(clsact_key(ifindex));
        return errorf("cannot attach the tc program to '" + ifname + "': " + why(err));
    }
    // a qdisc that was there: an agent before us may have made it
    bool ours = created || (ledger && ledger->get(clsact_key(ifindex)));
    return TcAttachment(ifname, ifindex, dir, ours, ledger);
}

TcAttachment::TcAttachment(TcAttachment &&o) noexcept
    : ifname_(std::move(o.ifname_)), ifindex_(std::exchange(o.ifindex_, 0)), dir_(o.dir_),
      created_hook_(o.created_hook_), ledger_(o.ledger_)
{
}

TcAttachment &TcAttachment::operator=(TcAttachment &&o) noexcept
{
    if (this != &o) {
        detach();
        ifname_ = std::move(o.ifname_);
        ifindex_ = std::exchange(o.ifindex_, 0);
        dir_ = o.dir_;
        created_hook_ = o.created_hook_;
        ledger_ = o.ledger_;
    }
    return *this;
}

TcAttachment::~TcAttachment()
{
    detach();
}

void TcAttachment::detach()
{
    if (ifindex_ == 0)
        return;
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex_, .attach_point = point_of(dir_));
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = kHandle, .priority = kPriority);
    bpf_tc_detach(&hook, &opts);
    if (created_hook_) {
        // the qdisc was ours: leave the interface as we found it
        hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
        bpf_tc_hook_destroy(&hook);
        if (ledger_)
            ledger_->erase(clsact_key(ifindex_));
    }
    ifindex_ = 0;
}

bool detach_xdp_named(const std::string &ifname, const std::string &prog_name)
{
    int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (ifindex == 0)
        return false;
    LIBBPF_OPTS(bpf_xdp_query_opts, q);
    if (bpf_xdp_query(ifindex, 0, &q) != 0)
        return false;
    bool removed = false;
    for (auto [id, mode] : {std::pair{q.drv_prog_id, XDP_FLAGS_DRV_MODE}, {q.skb_prog_id, XDP_FLAGS_SKB_MODE},
                            {q.hw_prog_id, XDP_FLAGS_HW_MODE}}) {
        if (id == 0)
            continue;
        int fd = bpf_prog_get_fd_by_id(id);
        if (fd < 0)
            continue;
        bpf_prog_info info{};
        uint32_t len = sizeof info;
        bool ours = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && prog_name == info.name;
        if (ours) {
            // only while it is still that program
            LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = fd);
            removed = bpf_xdp_attach(ifindex, -1, mode | XDP_FLAGS_REPLACE, &opts) == 0 || removed;
        }
        close(fd);
    }
    return removed;
}

void detach_all(const std::string &ifname)
{
    int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (ifindex == 0)
        return;
    bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, nullptr);
    bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, nullptr);
    for (auto point : {BPF_TC_INGRESS, BPF_TC_EGRESS}) {
        LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
        LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TcAttachment::kHandle, .priority = TcAttachment::kPriority);
        bpf_tc_detach(&hook, &opts);
    }
}

} // namespace jalur::datapath
