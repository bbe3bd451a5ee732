// SPDX-License-Identifier: GPL-2.0-only
// The host settings jalur manages (issue 23): the sysctls of the `host`
// section and each WAN's masquerade. The core plans them from the config
// and the interfaces present (control/host_plan.h); this writes the plan
// through the effectors of host/, which touch only what differs. Called at
// start, after a reload and each heartbeat (a WAN interface that appears
// gets its sysctls within a second; a NAT table someone deleted returns).
#include "agent/agent.h"

#include "control/host_plan.h"

#include <spdlog/spdlog.h>

namespace jalur::agent {

Result<void> Agent::apply_host()
{
    auto plan = control::plan_host(core_.config(), core_.world());
    if (!sysctls_)
        sysctls_ = std::make_unique<host::Sysctls>("/proc/sys", core_.config().state_dir + "/sysctls-before");
    auto sysctl_result = sysctls_->apply(plan.sysctls);
    // libnftables only once NAT is asked for: a config without it needs no nftables
    if (!nat_ && !plan.nat.empty()) {
        auto nat = host::Nat::open();
        if (!nat)
            return nat.error();
        nat_ = std::move(nat).value();
    }
    if (nat_)
        if (auto r = nat_->apply(plan.nat); !r)
            return r;
    return sysctl_result;
}

void Agent::stop_host(bool keep)
{
    if (keep) {
        if (nat_)
            nat_->release();
        if (sysctls_)
            sysctls_->release();
    } else {
        if (nat_)
            nat_->clear();
        if (sysctls_)
            sysctls_->restore();
    }
    nat_.reset();
    sysctls_.reset();
}

} // namespace jalur::agent
