// SPDX-License-Identifier: GPL-2.0-only
// The agent's scalar settings: where maps are pinned, how much it logs, which
// bits of the packet mark it owns, how many flows it remembers.
#include "config/sections.h"

namespace jalur::config {

namespace {

// A directory setting: absolute, since the agent runs from anywhere
// (systemd, a netns), so a relative path would mean nothing.
void read_absolute_path(Diagnostics &d, const SectionInput &in, const char *key, std::string &out)
{
    if (!in.value)
        return;
    auto s = read_string(d, *in.value);
    if (!s)
        return;
    if (s->empty() || (*s)[0] != '/') {
        d.error(in.value->at, std::string(key) + ": expected an absolute path, got " + describe(in.value->node));
        return;
    }
    out = *s;
}

} // namespace

void parse_bpffs(Diagnostics &d, const SectionInput &in, Config &cfg) { read_absolute_path(d, in, "bpffs", cfg.bpffs); }

void parse_state_dir(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    read_absolute_path(d, in, "state_dir", cfg.state_dir);
}

void parse_log_level(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    if (auto l = read_choice<const char *>(d, *in.value, {{"trace", "trace"}, {"debug", "debug"}, {"info", "info"},
                                                          {"warn", "warn"}, {"error", "error"}}))
        cfg.log_level = *l;
}

void parse_fwmark_mask(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    if (auto v = read_uint(d, *in.value, 1, 0xffffffffu, true))
        cfg.fwmark_mask = static_cast<uint32_t>(*v);
}

void parse_flow_table_size(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    // Below 1 Ki entries the LRU evicts live flows on any real site; above
    // 16 Mi the map alone takes over a gigabyte.
    if (auto v = read_uint(d, *in.value, 1024, 16777216))
        cfg.flow_table_size = static_cast<uint32_t>(*v);
}

} // namespace jalur::config
