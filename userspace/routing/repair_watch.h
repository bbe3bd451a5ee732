// SPDX-License-Identifier: GPL-2.0-only
// Keeps the kernel's policy routing as PolicyRouting last wanted it. Listens
// to rule and route events on its own netlink socket; a change that may be
// drift schedules a check (bursts coalesced), the check compares a dump with
// the wanted state and adds back what is missing. Its own writes come back
// as events too, and find nothing missing: no loop. Repairs are bounded (a
// burst, then one a second) so a fight with another program cannot spin,
// and a slow timer repairs what a lost event (ENOBUFS) hid.
#pragma once

#include "common/event_loop.h"
#include "routing/policy_routing.h"
#include "routing/repair_budget.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace jalur::routing {

struct RepairOptions {
    std::chrono::milliseconds coalesce{50};  // after an event, before the check
    std::chrono::milliseconds periodic{30000};
    unsigned burst = 5;                      // repairs at once, then
    std::chrono::milliseconds refill{1000};  // one per this
    std::chrono::milliseconds warn_every{10000}; // the "keeps being removed" warning
};

struct RepairStats {
    uint64_t checks = 0;
    uint64_t repaired = 0;  // rules and routes added back
    uint64_t throttled = 0; // checks put off for the budget
    uint64_t malformed = 0; // event messages that could not be walked
    uint64_t resyncs = 0;   // event overflows (ENOBUFS)
};

class RepairWatch {
public:
    // The PolicyRouting to keep is asked for at each check: the agent may
    // replace it (a reload that changes the fwmark mask); null: nothing to do.
    using Target = std::function<PolicyRouting *()>;

    static Result<std::unique_ptr<RepairWatch>> start(EventLoop &loop, Target target, RepairOptions opts = {});
    RepairWatch(const RepairWatch &) = delete;
    ~RepairWatch();

    const RepairStats &stats() const { return stats_; }

private:
    RepairWatch(EventLoop &loop, Target target, RepairOptions opts, Netlink events)
        : loop_(loop), target_(std::move(target)), opts_(opts), events_(std::move(events)),
          budget_(opts.burst, opts.refill)
    {
    }
    void on_events();
    void schedule(std::chrono::milliseconds delay);
    void check();
    void note_writer(uint32_t portid);

    EventLoop &loop_;
    Target target_;
    RepairOptions opts_;
    Netlink events_;
    RepairBudget budget_;
    int pending_ = -1;  // the coalescing timer
    int periodic_ = -1;
    std::string last_writer_ = "an unknown program"; // who last changed a rule or a wanted route
    RepairBudget::Clock::time_point last_warning_{};
    RepairStats stats_;
};

} // namespace jalur::routing
