// SPDX-License-Identifier: GPL-2.0-only
// Host settings (issue 23): what the core plans from the config and the
// interfaces present, the nft script of jalur's own table, and the sysctl
// effector on a scratch directory standing in for /proc/sys.
#include "config/parse.h"
#include "control/host_plan.h"
#include "host/sysctl.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace jalur;
using namespace jalur::control;

namespace {

config::Config cfg_of(const std::string &yaml)
{
    auto r = config::parse(yaml, "t.yaml");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return r.value();
}

World present(std::initializer_list<const char *> names)
{
    World w;
    for (const char *n : names)
        w.interfaces[n].present = true;
    return w;
}

const std::string kBase = R"(lan: br-lan
wans:
  - name: isp1
    interface: wan1
    nat: masquerade
  - name: isp2
    interface: ppp0
    gateway6: auto
    nat: masquerade
    nat6: masquerade
)";

} // namespace

TEST_CASE("host plan: nothing is planned unless asked")
{
    auto cfg = cfg_of("lan: br-lan\nwans:\n  - {name: isp1, interface: wan1}\n");
    CHECK(plan_host(cfg, present({"wan1"})) == HostPlan{});
}

TEST_CASE("host plan: sysctls per item, per-interface ones only for interfaces present; NAT per WAN and family")
{
    auto cfg = cfg_of(kBase + "host: {forwarding: on, rp_filter: loose, src_valid_mark: on}\n");
    auto p = plan_host(cfg, present({"wan1"})); // ppp0 not dialled yet
    std::vector<Sysctl> want{{"net/ipv4/ip_forward", "1"},
                             {"net/ipv6/conf/all/forwarding", "1"}, // isp2 has gateway6
                             {"net/ipv4/conf/wan1/rp_filter", "2"},
                             {"net/ipv4/conf/wan1/src_valid_mark", "1"}};
    CHECK(p.sysctls == want);
    std::vector<Masquerade> nat{{"wan1", 4}, {"ppp0", 4}, {"ppp0", 6}};
    CHECK(p.nat == nat);
    // ppp0 appears: its sysctls join
    p = plan_host(cfg, present({"wan1", "ppp0"}));
    CHECK(p.sysctls.size() == 6);
    CHECK(p.sysctls.back() == Sysctl{"net/ipv4/conf/ppp0/src_valid_mark", "1"});

    auto only_rp = plan_host(cfg_of(kBase + "host: {rp_filter: loose}\n"), present({"wan1"}));
    CHECK(only_rp.sysctls == std::vector<Sysctl>{{"net/ipv4/conf/wan1/rp_filter", "2"}});
}

TEST_CASE("host plan: the nft script names only jalur's table, and replaces it in one transaction")
{
    auto s = nat_script({{"wan1", 4}, {"ppp0", 6}});
    CHECK(s == "add table inet jalur\n"
               "delete table inet jalur\n"
               "table inet jalur {\n"
               "\tchain postrouting {\n"
               "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
               "\t\toifname \"wan1\" meta nfproto ipv4 masquerade\n"
               "\t\toifname \"ppp0\" meta nfproto ipv6 masquerade\n"
               "\t}\n"
               "}\n");
    CHECK(nat_script({}) == "add table inet jalur\ndelete table inet jalur\n");
}

TEST_CASE("host config: nat and host values, and the errors")
{
    auto bad = config::parse(kBase + "host: {forwarding: yes, rp_filter: strict, mtu: 1}\n", "t.yaml");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Matchers::Contains("t.yaml:11:"));
    CHECK_THAT(bad.error().message, Catch::Matchers::Contains("unknown key 'mtu' in host"));
    CHECK_THAT(bad.error().message, Catch::Matchers::Contains("host.forwarding"));
    CHECK_THAT(bad.error().message, Catch::Matchers::Contains("host.rp_filter"));
    auto nat = config::parse("lan: br-lan\nwans:\n  - {name: isp1, interface: wan1, nat: snat}\n", "t.yaml");
    REQUIRE_FALSE(nat);
    CHECK_THAT(nat.error().message, Catch::Matchers::Contains("t.yaml:3:"));
    CHECK_THAT(nat.error().message, Catch::Matchers::Contains("masquerade"));
    // a quote would end the nft string the name is written in
    auto quoted = config::parse("lan: br-lan\nwans:\n  - {name: isp1, interface: 'w\"1', nat: masquerade}\n", "t.yaml");
    REQUIRE_FALSE(quoted);
    CHECK_THAT(quoted.error().message, Catch::Matchers::Contains("jalur masquerades only interfaces named with"));
    auto off = cfg_of("lan: br-lan\nwans:\n  - {name: isp1, interface: wan1, nat: 'off'}\n");
    CHECK_FALSE(off.wans[0].nat4);
}

TEST_CASE("sysctl effector: writes what differs, puts back what it changed, and only that")
{
    namespace fs = std::filesystem;
    fs::path root = fs::temp_directory_path() / ("jalur-sysctl-" + std::to_string(getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "net/ipv4/conf/wan1");
    auto put = [&](const std::string &p, const std::string &v) { std::ofstream(root / p) << v << "\n"; };
    auto get = [&](const std::string &p) { return host::read_sysctl((root / p).string()).value(); };
    put("net/ipv4/ip_forward", "0");
    put("net/ipv4/conf/wan1/rp_filter", "1");
    put("net/ipv4/conf/wan1/src_valid_mark", "1"); // already as wanted: not touched, not restored
    {
        host::Sysctls s(root.string());
        std::vector<Sysctl> want{{"net/ipv4/ip_forward", "1"},
                                 {"net/ipv4/conf/wan1/rp_filter", "2"},
                                 {"net/ipv4/conf/wan1/src_valid_mark", "1"},
                                 {"net/ipv4/conf/ppp0/rp_filter", "2"}}; // absent: skipped
        REQUIRE(s.apply(want));
        CHECK(get("net/ipv4/ip_forward") == "1");
        CHECK(get("net/ipv4/conf/wan1/rp_filter") == "2");
        CHECK(s.before().size() == 2);
        // ppp0 appears with its own default
        fs::create_directories(root / "net/ipv4/conf/ppp0");
        put("net/ipv4/conf/ppp0/rp_filter", "1");
        REQUIRE(s.apply(want));
        CHECK(get("net/ipv4/conf/ppp0/rp_filter") == "2");
        // someone sets it back: written again, the value before jalur kept
        put("net/ipv4/ip_forward", "0");
        REQUIRE(s.apply(want));
        CHECK(get("net/ipv4/ip_forward") == "1");
        // a reload that drops rp_filter: that one is put back at once
        want.erase(want.begin() + 1);
        REQUIRE(s.apply(want));
        CHECK(get("net/ipv4/conf/wan1/rp_filter") == "1");
        CHECK(get("net/ipv4/ip_forward") == "1");
    } // stop
    CHECK(get("net/ipv4/ip_forward") == "0");
    CHECK(get("net/ipv4/conf/ppp0/rp_filter") == "1");
    CHECK(get("net/ipv4/conf/wan1/src_valid_mark") == "1");
    // an upgrade: the first agent leaves its values (release), the next one
    // finds the host's own in the saved file and puts those back at its stop
    const std::string saved = (root / "saved").string();
    {
        host::Sysctls kept(root.string(), saved);
        REQUIRE(kept.apply({{"net/ipv4/ip_forward", "1"}}));
        kept.release();
    }
    CHECK(get("net/ipv4/ip_forward") == "1");
    REQUIRE(fs::exists(saved));
    {
        host::Sysctls next(root.string(), saved);
        REQUIRE(next.apply({{"net/ipv4/ip_forward", "1"}}));
        CHECK(next.before().at("net/ipv4/ip_forward") == "0");
    }
    CHECK(get("net/ipv4/ip_forward") == "0");
    CHECK_FALSE(fs::exists(saved)); // restored: nothing left to keep
    fs::remove_all(root);
}
