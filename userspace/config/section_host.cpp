// SPDX-License-Identifier: GPL-2.0-only
// `host`: sysctls a multi-WAN router needs, which the agent sets at start
// and puts back at stop (host/sysctl.h). Each is off unless written:
//   host: {forwarding: on, rp_filter: loose, src_valid_mark: on}
#include "config/sections.h"

namespace jalur::config {

void parse_host(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    cfg.host.where = in.value->at;
    MapReader m(d, *in.value, {"forwarding", "rp_filter", "src_valid_mark"});
    if (!m.ok())
        return;
    if (auto v = m.get("forwarding"))
        if (auto on = read_choice<bool>(d, *v, {{"on", true}, {"off", false}}))
            cfg.host.forwarding = *on;
    // strict (1) drops a reply that arrives by a WAN other than the one the
    // main table routes its source to: every WAN but one, for jalur
    if (auto v = m.get("rp_filter"))
        if (auto loose = read_choice<bool>(d, *v, {{"loose", true}, {"off", false}}))
            cfg.host.rp_filter_loose = *loose;
    if (auto v = m.get("src_valid_mark"))
        if (auto on = read_choice<bool>(d, *v, {{"on", true}, {"off", false}}))
            cfg.host.src_valid_mark = *on;
}

} // namespace jalur::config
