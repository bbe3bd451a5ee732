// SPDX-License-Identifier: GPL-2.0-only
// One parse function per top-level key of the config file. Each gets its
// key's value (null when the key is absent, so it can apply a default or
// say the key is required) and fills its part of the Config. The order in
// which they run, and the list of top-level keys, is the table in parse.cpp.
#pragma once

#include "config/model.h"
#include "config/reader.h"

namespace jalur::config {

struct SectionInput {
    const Value *value; // null: the key is absent
    Location top;       // the start of the document, for "missing key" errors
};

// section_settings.cpp: scalar settings of the agent
void parse_state_dir(Diagnostics &d, const SectionInput &in, Config &cfg);
void parse_bpffs(Diagnostics &d, const SectionInput &in, Config &cfg);
void parse_log_level(Diagnostics &d, const SectionInput &in, Config &cfg);
void parse_fwmark_mask(Diagnostics &d, const SectionInput &in, Config &cfg);
void parse_flow_table_size(Diagnostics &d, const SectionInput &in, Config &cfg);

// section_lan.cpp
void parse_lan(Diagnostics &d, const SectionInput &in, Config &cfg);

// section_wans.cpp: needs fwmark_mask, lan and health
void parse_wans(Diagnostics &d, const SectionInput &in, Config &cfg);

// section_policies.cpp: needs wans
void parse_policies(Diagnostics &d, const SectionInput &in, Config &cfg);
void parse_default_policy(Diagnostics &d, const SectionInput &in, Config &cfg);

// section_rules.cpp: rules need address_lists, policies and lan
void parse_address_lists(Diagnostics &d, const SectionInput &in, Config &cfg);
void parse_rules(Diagnostics &d, const SectionInput &in, Config &cfg);

// section_health.cpp: needs nothing; runs before wans, whose own health
// settings start from it. A gateway target is resolved per WAN at run time.
void parse_health(Diagnostics &d, const SectionInput &in, Config &cfg);
// One health map into h; last_resort is null where it may not be set.
void read_health(Diagnostics &d, const Value &value, Health &h, LastResort *last_resort);
// reliability against the targets that decide a round (config/model.h)
void check_reliability(Diagnostics &d, const Health &h, const Location &at, const std::string &path);

// section_quota.cpp: a WAN's `quota:` into q
void read_quota(Diagnostics &d, const Value &value, Quota &q);

// section_dhcp_guard.cpp: needs lan (trusted ports are LAN-side)
void parse_dhcp_guard(Diagnostics &d, const SectionInput &in, Config &cfg);
// section_notify.cpp: alerts; needs nothing
void parse_notify(Diagnostics &d, const SectionInput &in, Config &cfg);
// section_metrics.cpp: needs nothing
void parse_metrics(Diagnostics &d, const SectionInput &in, Config &cfg);
// section_control.cpp: needs bpffs (the default socket is derived from it)
void parse_control(Diagnostics &d, const SectionInput &in, Config &cfg);

// section_host.cpp: needs nothing
void parse_host(Diagnostics &d, const SectionInput &in, Config &cfg);

} // namespace jalur::config
