// SPDX-License-Identifier: GPL-2.0-only
#include "agent/why_command.h"

#include "balancer/classifier.h"
#include "common/json.h"
#include "datapath/why.h"
#include "metrics/status_model.h"

#include <net/if.h>

#include <charconv>
#include <cstdio>

namespace jalur::agent {

namespace {

std::string name_of(const std::map<std::string, uint32_t> &ids, uint32_t id, const char *what)
{
    for (const auto &[name, i] : ids)
        if (i == id)
            return name;
    return std::string(what) + " id " + std::to_string(id) + " (not in the config)";
}

std::string hex(uint64_t v)
{
    char b[24];
    std::snprintf(b, sizeof(b), "%#llx", static_cast<unsigned long long>(v));
    return b;
}

std::string seconds_ago(uint64_t now_ns, uint64_t then_ns)
{
    char b[32];
    std::snprintf(b, sizeof(b), "%.1f s ago", then_ns > now_ns ? 0.0 : double(now_ns - then_ns) / 1e9);
    return b;
}

std::string flow_flags(uint32_t f)
{
    std::string out;
    for (auto [bit, name] : {std::pair{JALUR_FLOW_MOVED, "moved"}, {JALUR_FLOW_INBOUND, "inbound"},
                             {JALUR_FLOW_AFFINITY, "affinity"}, {JALUR_FLOW_FRAGMENTS, "fragments"}})
        if (f & bit)
            out += (out.empty() ? "" : ",") + std::string(name);
    return out.empty() ? "-" : out;
}

// "rule 2 'web' (site.yaml:31:5)": the config rule that data path rule `index` came from
std::string rule_name(const config::Config &cfg, uint32_t index)
{
    size_t at = 0;
    for (size_t i = 0; i < cfg.rules.size(); i++) {
        const auto &r = cfg.rules[i];
        if (index < at + r.datapath_rules())
            return "rule " + std::to_string(i + 1) + (r.name.empty() ? "" : " '" + r.name + "'") + " (" +
                   r.where.str() + ")";
        at += r.datapath_rules();
    }
    return "data path rule " + std::to_string(index) + " (not in the config)";
}

const char *step_name(uint32_t s)
{
    switch (s) {
    case JALUR_WHY_PARSE:
        return "parse";
    case JALUR_WHY_FLOW:
        return "pinned-flow";
    case JALUR_WHY_FLOW_MOVE:
        return "pinned-flow-moves";
    case JALUR_WHY_LOCAL:
        return "local";
    case JALUR_WHY_INBOUND:
        return "inbound";
    case JALUR_WHY_RULES:
        return "rules";
    case JALUR_WHY_POLICY:
        return "policy";
    }
    return "?";
}

const char *pick_name(uint32_t p)
{
    switch (p) {
    case JALUR_WHY_PICK_AFFINITY:
        return "affinity";
    case JALUR_WHY_PICK_HASH:
        return "hash";
    case JALUR_WHY_PICK_NTH:
        return "nth";
    case JALUR_WHY_PICK_RANKED:
        return "ranked";
    }
    return "none";
}

std::optional<uint16_t> port(const std::string *s)
{
    if (!s)
        return std::nullopt;
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || end != s->data() + s->size() || v > 65535 || s->empty())
        return std::nullopt;
    return static_cast<uint16_t>(v);
}

} // namespace

std::string why_text(const control::Core &core, const jalur_why &w, const std::string &connection, bool json)
{
    const auto &cfg = core.config();
    const auto &ids = core.ids();
    auto wan = [&](uint32_t id) { return name_of(ids.wans, id, "WAN"); };
    auto policy = [&](uint32_t id) {
        return id == JALUR_ACTION_BYPASS ? std::string("bypass") : name_of(ids.policies, id, "policy");
    };
    std::string resort = core.desired().last_resort_wan;
    std::string decision = w.action == 1   ? "leaves by " + wan(w.wan) + " (mark " + hex(w.mark) + ")"
                           : w.action == 2 ? "dropped"
                                           : "passed unmarked: the main routing table decides";
    if (w.action == 1 && !resort.empty() && wan(w.wan) == resort)
        decision += ", the last resort: every WAN is down";

    if (json) {
        JsonWriter j;
        j.begin_object()
            .field("connection", connection)
            .field("step", step_name(w.step))
            .field("reason", metrics::reason_name(w.reason))
            .field("action", w.action == 1 ? "mark" : w.action == 2 ? "drop" : "pass");
        j.key("wan");
        if (w.action == 1)
            j.value(wan(w.wan));
        else
            j.null();
        j.field("mark", w.mark).field("decision", decision);
        if (w.flow_found)
            j.key("flow")
                .begin_object()
                .field("wan", wan(w.flow_wan))
                .field("flags", flow_flags(w.flow_flags))
                .field("age_seconds", double(w.now_ns - w.flow_created_ns) / 1e9)
                .field("idle_seconds", double(w.now_ns - std::min(w.now_ns, w.flow_last_seen_ns)) / 1e9)
                .end_object();
        if (w.policy != JALUR_WHY_NONE) {
            j.field("policy", policy(w.policy));
            j.key("rule");
            if (w.rule != JALUR_WHY_NONE)
                j.value(rule_name(cfg, w.rule));
            else
                j.null();
        }
        if (w.pick != JALUR_WHY_PICK_NONE || w.step == JALUR_WHY_POLICY) {
            j.field("mode", w.mode == JALUR_MODE_NTH ? "nth" : "hash")
                .field("classifier", balancer::classifier_name(w.fields))
                .field("pick", pick_name(w.pick))
                .field("slot", w.slot)
                .field("slot_wan", w.slot_wan == JALUR_WAN_NONE ? std::string("none") : wan(w.slot_wan));
            if (w.pick == JALUR_WHY_PICK_HASH)
                j.field("hash", hex(w.hash));
        }
        if (w.affinity_found)
            j.key("affinity")
                .begin_object()
                .field("wan", wan(w.affinity_wan))
                .field("idle_seconds", double(w.now_ns - std::min(w.now_ns, w.affinity_last_seen_ns)) / 1e9)
                .field("timeout_seconds", double(w.affinity_timeout_ns) / 1e9)
                .end_object();
        j.end_object();
        return j.str();
    }

    std::string out = "connection: " + connection + "\n";
    auto line = [&](const std::string &what, const std::string &text) { out += what + ": " + text + "\n"; };
    if (w.step == JALUR_WHY_PARSE) {
        line("not balanced", std::string(metrics::reason_name(w.reason)));
    }
    if (w.flow_found) {
        std::string f = "to " + wan(w.flow_wan) + ", pinned " + seconds_ago(w.now_ns, w.flow_created_ns) +
                        ", last packet " + seconds_ago(w.now_ns, w.flow_last_seen_ns) +
                        ", flags " + flow_flags(w.flow_flags);
        if (w.step == JALUR_WHY_FLOW_MOVE)
            f += "; " + wan(w.flow_wan) + " is down: the flow moves on its next packet";
        line("pinned flow", f);
    } else if (w.step > JALUR_WHY_PARSE) {
        line("pinned flow", "none: a new connection");
    }
    if (w.step == JALUR_WHY_LOCAL)
        line("destination", "the router itself or a connected/specific route: not balanced");
    if (w.inbound_wan != JALUR_WAN_NONE && w.step >= JALUR_WHY_INBOUND)
        line("inbound pin", "a connection from outside came in by " + wan(w.inbound_wan) +
                                (w.step == JALUR_WHY_INBOUND ? ": its replies leave by it" : ", which is down"));
    if (w.step == JALUR_WHY_RULES || w.step == JALUR_WHY_POLICY) {
        if (w.policy == JALUR_WHY_NONE)
            line("rules", "none loaded");
        else if (w.rule == JALUR_WHY_NONE)
            line("rules", "none matched: the default, " + policy(w.policy));
        else
            line("rules", rule_name(cfg, w.rule) + " matched: " + policy(w.policy));
    }
    if (w.step == JALUR_WHY_POLICY || w.step == JALUR_WHY_FLOW_MOVE) {
        line("policy", policy(w.policy) + ", mode " + (w.mode == JALUR_MODE_NTH ? "nth" : "hash") + ", classifier " +
                           balancer::classifier_name(w.fields) +
                           (w.policy_live ? "" : "; no member is live"));
        if (w.affinity_found)
            line("affinity", "the client's entry names " + wan(w.affinity_wan) + ", used " +
                                 seconds_ago(w.now_ns, w.affinity_last_seen_ns) + " (timeout " +
                                 std::to_string(w.affinity_timeout_ns / 1000000000ull) + " s)" +
                                 (w.pick == JALUR_WHY_PICK_AFFINITY ? ": it decides" : ": idle or down, not used"));
        if (w.pick == JALUR_WHY_PICK_HASH)
            line("hash", hex(w.hash) + " of the classifier's fields -> slot " + std::to_string(w.slot) + " of " +
                             std::to_string(JALUR_SLOTS) + " -> " +
                             (w.slot_wan == JALUR_WAN_NONE ? std::string("no WAN") : wan(w.slot_wan)));
        else if (w.pick == JALUR_WHY_PICK_RANKED)
            line("ranked", "the member ranked best by load, capacity or latency now -> " +
                               (w.slot_wan == JALUR_WAN_NONE ? std::string("no WAN") : wan(w.slot_wan)) +
                               " (the next connection may rank them differently)");
        else if (w.pick == JALUR_WHY_PICK_NTH)
            line("nth", "the next connection takes slot " + std::to_string(w.slot) + " -> " +
                            (w.slot_wan == JALUR_WAN_NONE ? std::string("no WAN") : wan(w.slot_wan)));
        if (w.action != 1)
            line("fallback", std::string("no live WAN for it: ") +
                                 (w.fallback == JALUR_FALLBACK_DROP ? "drop" : "main (unmarked)"));
    }
    line("decision", decision);
    return out;
}

ctl::Reply why_command(Agent &agent, const ctl::Request &req)
{
    const auto *src = req.arg("src");
    const auto *dst = req.arg("dst");
    if (!src || !dst)
        return ctl::Reply::refused("why: \"src\" and \"dst\" (addresses) are required");
    auto s = Prefix::parse(*src);
    auto d = Prefix::parse(*dst);
    if (!s || !d || s->len != s->max_len() || d->len != d->max_len())
        return ctl::Reply::refused("why: expected two host addresses, got '" + *src + "' and '" + *dst + "'");
    if (s->family != d->family)
        return ctl::Reply::refused("why: " + *src + " and " + *dst + " are of different families");
    datapath::WhyPacket p;
    p.src = s.value();
    p.dst = d.value();
    auto proto = datapath::parse_proto(req.arg("proto") ? *req.arg("proto") : "tcp", p.src.family);
    if (!proto)
        return ctl::Reply::refused("why: " + proto.error().message);
    p.proto = proto.value();
    auto sp = req.arg("sport") ? port(req.arg("sport")) : std::optional<uint16_t>(40000);
    auto dp = req.arg("dport") ? port(req.arg("dport")) : std::optional<uint16_t>(443);
    if (!sp || !dp)
        return ctl::Reply::refused("why: ports are numbers 0-65535");
    p.sport = *sp;
    p.dport = *dp;
    const auto &cfg = agent.config();
    std::string in = req.arg("in") ? *req.arg("in") : cfg.lans.empty() ? "" : cfg.lans.front().interface;
    if (!in.empty()) {
        const auto &facts = agent.core().world().interface(in);
        bool lan = std::any_of(cfg.lans.begin(), cfg.lans.end(), [&](const auto &l) { return l.interface == in; });
        if (!lan)
            return ctl::Reply::refused("why: '" + in + "' is not a LAN interface of the config");
        p.ifindex = facts.present ? facts.ifindex : 0;
    }
    auto w = datapath::explain(agent.datapath().why_fd(), p);
    if (!w)
        return ctl::Reply::refused("why: " + w.error().message);
    std::string pname = p.proto == 6 ? "tcp" : p.proto == 17 ? "udp" : p.proto == 1 || p.proto == 58 ? "icmp"
                                                                                                   : std::to_string(p.proto);
    auto host = [](const Prefix &a, uint16_t port) {
        return (a.family == 6 ? "[" + a.addr_str() + "]" : a.addr_str()) + ":" + std::to_string(port);
    };
    std::string connection = pname + " " + host(p.src, p.sport) + " -> " + host(p.dst, p.dport) +
                             (in.empty() ? "" : ", arriving on " + in);
    return ctl::Reply::done(
        why_text(agent.core(), w.value(), connection, req.arg("format") && *req.arg("format") == "json"));
}

} // namespace jalur::agent
