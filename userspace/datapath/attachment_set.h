// SPDX-License-Identifier: GPL-2.0-only
// The attachments' effector: the data path's programs on the interfaces the
// control core wants, by name and ifindex. An interface that appears is
// attached; one recreated with a new ifindex is attached again (the old
// attachment went with the old interface, and its ifindex may already name
// another one, so it is forgotten, never detached); one no longer wanted is
// detached.
#pragma once

#include "control/desired.h"
#include "datapath/attach.h"

#include <variant>
#include <vector>

namespace jalur::datapath {

class Datapath;

class AttachmentSet {
public:
    explicit AttachmentSet(const Datapath &dp) : dp_(dp) {}
    AttachmentSet(const AttachmentSet &) = delete;

    // Converges to `wanted`; every attachment is tried, the first error is
    // returned and the failed ones are tried again on the next call.
    Result<void> apply(const std::vector<control::Attachment> &wanted);
    // Leaves every program attached (the data path is kept for an upgrade).
    void release();
    // Detaches everything it holds.
    void clear() { held_.clear(); }
    size_t size() const { return held_.size(); }

private:
    struct Held {
        control::Attachment spec;
        std::variant<XdpAttachment, TcAttachment> attachment;
    };
    Result<Held> attach(const control::Attachment &a) const;

    const Datapath &dp_;
    std::vector<Held> held_;
};

} // namespace jalur::datapath
