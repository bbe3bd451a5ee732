// SPDX-License-Identifier: GPL-2.0-only
// jalur doctor's checks (host/doctor.h) on made-up facts: a clean host
// passes everything; each seeded problem fails or warns its own check, with
// the fix, and only the ones that certainly break traffic are fatal.
#include "config/parse.h"
#include "host/doctor.h"

#include <catch2/catch.hpp>

using namespace jalur;
using host::Check;

namespace {

config::Config cfg_of(const std::string &extra = "")
{
    auto r = config::parse("lan: br-lan\nwans:\n  - {name: isp1, interface: wan1}\n"
                           "  - {name: isp2, interface: wan2, nat: 'off'}\n" + extra,
                           "t.yaml");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return r.value();
}

host::Facts clean()
{
    host::Facts f;
    f.kernel = "6.1.0-18-amd64";
    f.btf = true;
    f.bpffs = true;
    f.interfaces["br-lan"] = {true, "bridge", true};
    f.interfaces["wan1"] = {true, "igb", false};
    f.interfaces["wan2"] = {true, "r8169", false};
    f.sysctls = {{"net/ipv4/ip_forward", "1"}, {"net/ipv4/conf/all/rp_filter", "0"},
                 {"net/ipv4/conf/wan1/rp_filter", "2"}, {"net/ipv4/conf/wan2/rp_filter", "0"}};
    f.nft_ruleset = "table inet nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; "
                    "policy accept;\n\t\toifname \"wan1\" masquerade\n\t}\n}\n";
    f.main_defaults = {{4, "wan1", 100}};
    f.rules = {{4, 0, 0, 0, false, 255, "0: from all lookup local"},
               {4, 32766, 0, 0, false, 254, "32766: from all lookup main"}};
    return f;
}

std::vector<Check> not_passing(const std::vector<Check> &all)
{
    std::vector<Check> out;
    for (const auto &c : all)
        if (c.level != Check::Level::Pass)
            out.push_back(c);
    return out;
}

std::string dump(const std::vector<Check> &cs)
{
    std::string s;
    for (const auto &c : cs)
        s += std::string(host::level_name(c.level)) + " " + c.what + ": " + c.message + " / " + c.fix + "\n";
    return s;
}

} // namespace

TEST_CASE("doctor: a clean host passes every check")
{
    auto all = host::run_checks(cfg_of(), clean());
    INFO(dump(all));
    CHECK(not_passing(all).empty());
    CHECK(all.size() >= 12);
}

TEST_CASE("doctor: forwarding off fails, fatally, unless jalur manages it")
{
    auto f = clean();
    f.sysctls["net/ipv4/ip_forward"] = "0";
    auto bad = not_passing(host::run_checks(cfg_of(), f));
    INFO(dump(bad));
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].what == "forwarding");
    CHECK(bad[0].level == Check::Level::Fail);
    CHECK(bad[0].fatal);
    CHECK_THAT(bad[0].fix, Catch::Matchers::Contains("host: {forwarding: on}"));
    CHECK(not_passing(host::run_checks(cfg_of("host: {forwarding: on}\n"), f)).empty());
    // IPv6 forwarding only matters with an IPv6 WAN
    auto v6 = cfg_of();
    v6.wans[0].gateway6 = "auto";
    CHECK(not_passing(host::run_checks(v6, clean())).size() == 1);
}

TEST_CASE("doctor: strict rp_filter on a WAN, by its own value or by all, fails fatally")
{
    auto f = clean();
    f.sysctls["net/ipv4/conf/wan1/rp_filter"] = "1";
    auto bad = not_passing(host::run_checks(cfg_of(), f));
    INFO(dump(bad));
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].what == "rp_filter wan1");
    CHECK(bad[0].fatal);
    CHECK_THAT(bad[0].fix, Catch::Matchers::Contains("net.ipv4.conf.wan1.rp_filter=2"));
    f = clean();
    f.sysctls["net/ipv4/conf/all/rp_filter"] = "1"; // max(all, wan2=0) is strict
    bad = not_passing(host::run_checks(cfg_of(), f));
    INFO(dump(bad));
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].what == "rp_filter wan2");
    CHECK(not_passing(host::run_checks(cfg_of("host: {rp_filter: loose}\n"), f)).empty());
}

TEST_CASE("doctor: a WAN without NAT fails (not fatally), jalur's nat or nat: off passes")
{
    auto f = clean();
    f.nft_ruleset = "table inet filter {\n}\n";
    auto bad = not_passing(host::run_checks(cfg_of(), f));
    INFO(dump(bad));
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].what == "nat isp1");
    CHECK_FALSE(bad[0].fatal);
    CHECK_THAT(bad[0].fix, Catch::Matchers::Contains("nat: masquerade"));
    auto nat = cfg_of();
    nat.wans[0].nat4 = true;
    CHECK(not_passing(host::run_checks(nat, f)).empty());
    // a masquerade on every interface covers every WAN
    f.nft_ruleset = "\t\tmasquerade\n";
    CHECK(not_passing(host::run_checks(cfg_of(), f)).empty());
}

TEST_CASE("doctor: a wg-quick fwmark rule inside jalur's mask fails, Tailscale's outside it passes")
{
    auto f = clean();
    f.rules.push_back({4, 32765, 0xca6c, 0, true, 51820, "32765: not from all fwmark 0xca6c lookup 51820"});
    auto bad = not_passing(host::run_checks(cfg_of(), f));
    INFO(dump(bad));
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].what == "fwmark");
    CHECK_THAT(bad[0].message, Catch::Matchers::Contains("(wg-quick)"));
    CHECK_THAT(bad[0].message, Catch::Matchers::Contains("0xca00"));
    f = clean();
    f.rules.push_back({4, 5270, 0x80000, 0xff0000, true, 52, "5270: from all fwmark 0x80000/0xff0000 lookup 52"});
    CHECK(not_passing(host::run_checks(cfg_of(), f)).empty());
    // jalur's own rules (a running agent) are not conflicts
    f.rules.push_back({4, 1001, 0x100, 0xff00, true, 101, "1001: from all fwmark 0x100/0xff00 lookup 101"});
    f.rules.push_back({4, 1000, 0, 0, false, 254, "1000: from all lookup main suppress_prefixlength 0"});
    CHECK(not_passing(host::run_checks(cfg_of(), f)).empty());
    // someone else at jalur's priority
    f.rules.push_back({4, 1005, 0, 0, false, 200, "1005: from 10.0.0.0/8 lookup 200"});
    bad = not_passing(host::run_checks(cfg_of(), f));
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].what == "rule priority");
    CHECK(bad[0].level == Check::Level::Warn);
}

TEST_CASE("doctor: kernel, BTF, bpffs, capabilities, XDP, default routes, marks and the firewall")
{
    auto f = clean();
    f.kernel = "5.10.0-28-amd64";
    f.btf = false;
    f.bpffs = false;
    f.missing_caps = {"CAP_BPF"};
    f.interfaces["br-lan"] = {true, "r8169", false};
    f.main_defaults = {{4, "ppp0", 0}};
    f.nft_ruleset = *f.nft_ruleset + "table inet fw {\n\tchain forward {\n\t\ttype filter hook forward priority "
                                     "filter; policy drop;\n\t}\n\tchain pre {\n\t\tmeta mark set 0x1\n\t}\n}\n";
    auto bad = not_passing(host::run_checks(cfg_of(), f));
    INFO(dump(bad));
    std::map<std::string, Check::Level> got;
    for (const auto &c : bad)
        got[c.what] = c.level;
    CHECK(got["kernel"] == Check::Level::Fail);
    CHECK(got["btf"] == Check::Level::Fail);
    CHECK(got["bpffs"] == Check::Level::Warn);
    CHECK(got["capabilities"] == Check::Level::Fail);
    CHECK(got["xdp br-lan"] == Check::Level::Warn);
    CHECK(got["default route"] == Check::Level::Warn);
    CHECK(got["fwmark"] == Check::Level::Warn);
    CHECK(got["firewall"] == Check::Level::Warn);
    CHECK(bad.size() == 8);
    for (const auto &c : bad)
        CHECK_FALSE(c.fix.empty());
    CHECK(host::kernel_at_least("6.1.0", 5, 15));
    CHECK_FALSE(host::kernel_at_least("5.4.0", 5, 15));
    CHECK_FALSE(host::kernel_at_least("garbage", 5, 15));
}
