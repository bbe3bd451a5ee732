// SPDX-License-Identifier: GPL-2.0-only
// The data path's effector: writes the difference between what the maps
// hold and the desired state, in control/write_order.h's order. A failed
// write stops the pass; what was written is remembered, so the next pass
// retries only the rest.
#pragma once

#include "common/result.h"
#include "control/desired.h"

#include <optional>

namespace jalur::datapath {

class Datapath;

// The writes the publisher makes, one map operation each: the real data
// path below, a recorder in tests.
class MapWriter {
public:
    virtual ~MapWriter() = default;
    virtual Result<void> set_wan(uint32_t id, const control::WanEntry &e) = 0;
    virtual Result<void> clear_wan(uint32_t id) = 0;
    virtual Result<void> set_policy(uint32_t id, const control::PolicyEntry &p) = 0;
    virtual Result<void> set_rules(const control::RuleSet &r) = 0;
};

class Publisher {
public:
    explicit Publisher(MapWriter &writer) : writer_(writer) {}
    Result<void> apply(const control::DatapathState &next);
    // What the maps hold as far as this publisher knows; null before the
    // first complete pass.
    const control::DatapathState *applied() const { return known_ ? &applied_ : nullptr; }

private:
    MapWriter &writer_;
    control::DatapathState applied_;
    bool known_ = false;
};

// The writer for the loaded data path. A WAN's generation counts its state
// changes (flows pinned to it notice one); its ifindex entry follows a
// recreated interface.
class DatapathWriter final : public MapWriter {
public:
    explicit DatapathWriter(const Datapath &dp) : dp_(dp) {}
    Result<void> set_wan(uint32_t id, const control::WanEntry &e) override;
    Result<void> clear_wan(uint32_t id) override;
    Result<void> set_policy(uint32_t id, const control::PolicyEntry &p) override;
    Result<void> set_rules(const control::RuleSet &r) override;

private:
    const Datapath &dp_;
};

} // namespace jalur::datapath
