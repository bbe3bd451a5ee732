// SPDX-License-Identifier: GPL-2.0-only
// Attaching the data path to interfaces. Attachments are made over netlink
// (not bpf_link), so they outlive the agent: a crashed or SIGKILLed agent
// leaves traffic flowing, and the next one replaces the programs in place.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace jalur::datapath {

class Ledger;

enum class XdpAttachMode { Auto, Native, Generic };

// XDP on one interface. Detaches on destruction unless release()d.
class XdpAttachment {
public:
    static Result<XdpAttachment> attach(const std::string &ifname, int prog_fd, XdpAttachMode mode);
    XdpAttachment(XdpAttachment &&o) noexcept;
    XdpAttachment &operator=(XdpAttachment &&o) noexcept;
    XdpAttachment(const XdpAttachment &) = delete;
    ~XdpAttachment();

    bool native() const { return (flags_ & 0x4u) != 0; } // XDP_FLAGS_DRV_MODE
    const std::string &ifname() const { return ifname_; }
    void release() { ifindex_ = 0; } // keep it attached after we are gone
    // `old` was replaced in place by this one: it must not detach it
    void replaces(XdpAttachment &old) { old.release(); }

private:
    XdpAttachment(std::string ifname, int ifindex, uint32_t flags) : ifname_(std::move(ifname)), ifindex_(ifindex), flags_(flags) {}
    std::string ifname_;
    int ifindex_ = 0;
    uint32_t flags_ = 0;
};

enum class TcDirection { Ingress, Egress };

// A direct-action tc filter on one interface's clsact hook. On destruction
// it removes its filter, and the clsact qdisc too if jalur created it: this
// attachment, or an agent before it, as the ledger (the data path's,
// Datapath::ledger(); null without pins) records, so a restart after a
// crash still removes the qdisc the crashed agent made.
class TcAttachment {
public:
    static Result<TcAttachment> attach(const std::string &ifname, int prog_fd, TcDirection dir,
                                       const Ledger *ledger);
    TcAttachment(TcAttachment &&o) noexcept;
    TcAttachment &operator=(TcAttachment &&o) noexcept;
    TcAttachment(const TcAttachment &) = delete;
    ~TcAttachment();

    const std::string &ifname() const { return ifname_; }
    void release() { ifindex_ = 0; }
    // `old` was replaced in place by this one: it must not detach it, and
    // the clsact qdisc it created goes when this one does
    void replaces(TcAttachment &old)
    {
        created_hook_ = created_hook_ || old.created_hook_;
        old.release();
    }

    // jalur's filter identity on a hook: one handle and priority of its own
    static constexpr uint32_t kHandle = 0x6a6c;
    static constexpr uint32_t kPriority = 0x6a6c;

private:
    TcAttachment(std::string ifname, int ifindex, TcDirection dir, bool created_hook, const Ledger *ledger)
        : ifname_(std::move(ifname)), ifindex_(ifindex), dir_(dir), created_hook_(created_hook), ledger_(ledger) {}
    void detach();
    std::string ifname_;
    int ifindex_ = 0;
    TcDirection dir_ = TcDirection::Ingress;
    bool created_hook_ = false;
    const Ledger *ledger_ = nullptr; // outlives the attachment
};

// Removes jalur's programs from an interface, whoever attached them: the
// cleanup after an agent that kept its data path and is not coming back.
void detach_all(const std::string &ifname);

// A new set of attachments takes over from the current one: where both
// hold an interface the program was replaced in place, so the old owner must
// not detach it; an interface only the old set holds is detached as the old
// owner goes.
template <typename Attachment>
void take_over(std::vector<Attachment> &current, std::vector<Attachment> fresh)
{
    for (auto &old : current)
        for (auto &f : fresh)
            if (f.ifname() == old.ifname())
                f.replaces(old);
    current = std::move(fresh);
}

// Removes the XDP program named prog_name from an interface, in whichever
// mode it runs; another program is left alone. True when one was removed.
// For a hook that moved: an agent that now inspects a port from tc takes
// off the XDP program an older one left there.
bool detach_xdp_named(const std::string &ifname, const std::string &prog_name);

} // namespace jalur::datapath
