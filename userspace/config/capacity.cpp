// SPDX-License-Identifier: GPL-2.0-only
#include "config/capacity.h"

#include <cctype>
#include <charconv>

namespace jalur::config {

namespace {

const char *kRateHelp = "a rate such as 100mbit, 1.5gbit or 512kbit (bits per second, as tc writes them)";

} // namespace

std::optional<uint64_t> parse_rate_kbit(const std::string &text)
{
    std::string s;
    for (char c : text)
        s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s.size() > 2 && s.compare(s.size() - 2, 2, "/s") == 0)
        s.resize(s.size() - 2);
    struct Unit {
        const char *suffix;
        double kbit;
    };
    for (auto u : {Unit{"gbit", 1e6}, Unit{"mbit", 1e3}, Unit{"kbit", 1}, Unit{"bit", 1e-3}}) {
        size_t n = std::char_traits<char>::length(u.suffix);
        if (s.size() <= n || s.compare(s.size() - n, n, u.suffix) != 0)
            continue;
        double value = 0;
        const char *begin = s.data(), *end = s.data() + s.size() - n;
        auto [stop, ec] = std::from_chars(begin, end, value);
        if (ec != std::errc() || stop != end || !(value > 0))
            return std::nullopt;
        double kbit = value * u.kbit;
        // 1 kbit/s .. 1 Tbit/s: anything outside is a typo
        if (kbit < 1 || kbit > 1e9)
            return std::nullopt;
        return static_cast<uint64_t>(kbit + 0.5);
    }
    return std::nullopt;
}

std::optional<Bandwidth> read_bandwidth(Diagnostics &d, const Value &v)
{
    Bandwidth b;
    b.where = v.at;
    if (v.node.IsScalar()) {
        if (v.node.Scalar() == "auto") {
            b.learn = true;
            return b;
        }
        d.error(v.at, v.path + ": expected 'auto' or {down: RATE, up: RATE}, got " + describe(v.node));
        return std::nullopt;
    }
    MapReader m(d, v, {"down", "up"});
    if (!m.ok())
        return std::nullopt;
    auto rate = [&](const Value &r) -> std::optional<uint64_t> {
        auto kbit = r.node.IsScalar() ? parse_rate_kbit(r.node.Scalar()) : std::nullopt;
        if (!kbit)
            d.error(r.at, r.path + ": expected " + std::string(kRateHelp) + ", got " + describe(r.node));
        return kbit;
    };
    const Value *down = m.require("down", "the WAN's download capacity");
    if (!down)
        return std::nullopt;
    auto dk = rate(*down);
    if (!dk)
        return std::nullopt;
    b.down_kbit = *dk;
    if (const Value *up = m.get("up")) {
        auto uk = rate(*up);
        if (!uk)
            return std::nullopt;
        b.up_kbit = *uk;
    }
    return b;
}

std::optional<uint32_t> read_percent(Diagnostics &d, const Value &v)
{
    if (v.node.IsScalar()) {
        std::string s = v.node.Scalar();
        if (!s.empty() && s.back() == '%')
            s.pop_back();
        uint32_t n = 0;
        auto [stop, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (!s.empty() && ec == std::errc() && stop == s.data() + s.size() && n >= 1 && n <= 100)
            return n;
    }
    d.error(v.at, v.path + ": expected a share 1%..100% such as 80%, got " + describe(v.node));
    return std::nullopt;
}

std::optional<uint32_t> read_weight(Diagnostics &d, const Value &v, bool *is_auto)
{
    *is_auto = v.node.IsScalar() && v.node.Scalar() == "auto";
    if (*is_auto)
        return 1; // until the capacities are known (control/capacity.h)
    auto n = read_uint(d, v, 1, 255);
    return n ? std::optional<uint32_t>(static_cast<uint32_t>(*n)) : std::nullopt;
}

void check_capacities(Diagnostics &d, const Config &cfg)
{
    for (const auto &p : cfg.policies) {
        for (const auto &m : p.members) {
            const Wan *w = cfg.wan(m.wan);
            if (!w || w->bandwidth)
                continue;
            std::string what = by_load(p.mode) ? "mode " + std::string(p.mode == Mode::Overflow ? "overflow" : "least-loaded") +
                                                     " compares each member's load with its capacity"
                               : m.weight_auto ? std::string("weight: auto follows the WAN's capacity")
                                               : std::string();
            if (!what.empty())
                d.error(m.where, "policy '" + p.name + "': WAN '" + m.wan + "' has no bandwidth, and " + what +
                                     "; set its bandwidth: {down: 100mbit, up: 20mbit} or bandwidth: auto");
        }
    }
}

} // namespace jalur::config
