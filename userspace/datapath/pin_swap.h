// SPDX-License-Identifier: GPL-2.0-only
// Replacing pinned maps whose layout changed, deliberately (Cilium's
// bpffs_migrate): before the object is loaded, each pinned map is compared
// with this build's (datapath/layout.h); one that cannot serve is moved
// aside to NAME:pending, so the load creates and pins a new one. After a
// load that worked, commit() copies the entries that still fit and removes
// the old pins; if the load failed, the destructor puts the old pins back.
// A map that can serve is adopted untouched, and nothing is ever removed
// because of an error.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"
#include "datapath/layout.h"

#include <string>
#include <vector>

struct bpf_object;

namespace jalur::datapath {

class Ledger;

struct PinChange {
    std::string map;
    std::string why;      // describe_change()
    bool copied = false;  // the entries moved over (PinAction::Copy), else the new map is empty
    uint64_t entries = 0; // how many were copied
};

// What a load did with the pins it found.
struct PinReport {
    std::vector<std::string> adopted;  // reused as they were
    std::vector<PinChange> replaced;   // migrated or recreated
};

class PinSwap {
public:
    // Compares the pinned maps of obj's pin paths with obj's (opened, not
    // loaded) maps and moves aside those that cannot serve. An error
    // (a permission, above all) leaves every pin where it was. The ledger
    // must stay where it is until commit().
    static Result<PinSwap> prepare(bpf_object *obj, const Ledger &ledger);
    PinSwap(PinSwap &&o) noexcept;
    PinSwap &operator=(PinSwap &&) = delete;
    ~PinSwap(); // not committed: the old pins go back

    // After a load that worked: copies what fits, removes the old pins and
    // records every pinned map's layout.
    PinReport commit();

private:
    struct Aside {
        std::string map;
        std::string path; // the pin path, and path + ":pending" while aside
        UniqueFd old;
        PinAction action;
        std::string why;
    };
    PinSwap(bpf_object *obj, const Ledger &ledger) : obj_(obj), ledger_(&ledger) {}
    void restore();

    bpf_object *obj_;
    const Ledger *ledger_;
    std::vector<Aside> aside_;
    PinReport report_;
    bool done_ = false;
};

} // namespace jalur::datapath
