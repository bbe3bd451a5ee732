// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/attachment_set.h"

#include "datapath/datapath.h"

#include <net/if.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace jalur::datapath {

namespace {

bool same_hook(const control::Attachment &a, const control::Attachment &b)
{
    return a.ifname == b.ifname && a.hook == b.hook;
}

const char *hook_name(control::Hook h)
{
    switch (h) {
    case control::Hook::XdpLan:
        return "XDP";
    case control::Hook::TcLan:
        return "tc ingress (LAN)";
    case control::Hook::TcWan:
        return "tc ingress (WAN)";
    }
    return "?";
}

void forget(std::variant<XdpAttachment, TcAttachment> &a)
{
    std::visit([](auto &x) { x.release(); }, a);
}

} // namespace

Result<AttachmentSet::Held> AttachmentSet::attach(const control::Attachment &a) const
{
    if (a.hook == control::Hook::XdpLan) {
        auto mode = a.xdp_mode == control::XdpMode::Native    ? XdpAttachMode::Native
                    : a.xdp_mode == control::XdpMode::Generic ? XdpAttachMode::Generic
                                                              : XdpAttachMode::Auto;
        auto x = XdpAttachment::attach(a.ifname, dp_.xdp_lan_fd(), mode);
        if (!x)
            return x.error();
        spdlog::info("LAN {}: XDP attached ({} mode)", a.ifname, x->native() ? "native" : "generic");
        return Held{a, std::move(x).value()};
    }
    int fd = a.hook == control::Hook::TcLan ? dp_.tc_lan_fd() : dp_.tc_wan_fd();
    auto t = TcAttachment::attach(a.ifname, fd, TcDirection::Ingress, dp_.ledger());
    if (!t)
        return t.error();
    return Held{a, std::move(t).value()};
}

Result<void> AttachmentSet::apply(const std::vector<control::Attachment> &wanted)
{
    Result<void> first;
    std::vector<Held> next;
    for (const auto &w : wanted) {
        auto it = std::find_if(held_.begin(), held_.end(), [&](const Held &h) { return same_hook(h.spec, w); });
        if (it != held_.end() && it->spec == w) {
            next.push_back(std::move(*it));
            held_.erase(it);
            continue;
        }
        bool recreated = it != held_.end() && it->spec.ifindex != w.ifindex;
        if (recreated) {
            spdlog::info("{}: a new interface (ifindex {} -> {}); attaching {} again", w.ifname, it->spec.ifindex,
                         w.ifindex, hook_name(w.hook));
            forget(it->attachment);
            held_.erase(it);
        }
        auto h = attach(w);
        if (!h) {
            if (first)
                first = Error{w.ifname + ": " + hook_name(w.hook) + ": " + h.error().message, h.error().err,
                              h.error().kind};
            continue;
        }
        if (it != held_.end() && !recreated) { // replaced in place (another XDP mode): the old must not detach it
            std::visit(
                [&](auto &old) {
                    using T = std::decay_t<decltype(old)>;
                    std::get<T>(h->attachment).replaces(old);
                },
                it->attachment);
            held_.erase(it);
        }
        next.push_back(std::move(h).value());
    }
    // what is left is no longer wanted: detached as it goes, unless its
    // interface is gone (nothing to detach, and the ifindex may be reused)
    for (auto &h : held_)
        if (if_nametoindex(h.spec.ifname.c_str()) != h.spec.ifindex)
            forget(h.attachment);
    held_ = std::move(next);
    return first;
}

void AttachmentSet::release()
{
    for (auto &h : held_)
        forget(h.attachment);
    held_.clear();
}

} // namespace jalur::datapath
