// SPDX-License-Identifier: GPL-2.0-only
// The config parser: defaults, shorthand forms, and every error with the
// exact line and column it is reported at. YAML is given inline; the file
// name in messages is always "t.yaml".
#include "config/parse.h"
#include "config/probe_reach.h"
#include "jalur/datapath.h"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace jalur;
using namespace jalur::config;
using Catch::Matchers::VectorContains;

namespace {

// Two ISPs: LAN on line 1, WANs on lines 2-6. Tests append to it, so their
// own lines start at 7.
const std::string kTwoIsps = R"(lan: br-lan
wans:
  - name: isp1
    interface: wan1
  - name: isp2
    interface: wan2
)";

Config ok(const std::string &yaml)
{
    auto r = parse(yaml, "t.yaml");
    INFO((r ? std::string() : r.error().message));
    REQUIRE(r);
    return r.value();
}

std::vector<std::string> errors(const std::string &yaml)
{
    auto r = parse(yaml, "t.yaml");
    REQUIRE_FALSE(r);
    std::vector<std::string> lines;
    std::istringstream in(r.error().message);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// The one error of a config that has exactly one.
std::string error(const std::string &yaml)
{
    auto all = errors(yaml);
    std::string text;
    for (const auto &line : all)
        text += line + "\n";
    INFO(text);
    REQUIRE(all.size() == 1);
    return all[0];
}

} // namespace

// ---- what a valid config becomes ---------------------------------------

TEST_CASE("config: the minimal two-ISP site gets working defaults")
{
    auto cfg = ok(kTwoIsps);
    CHECK(cfg.file == "t.yaml");
    CHECK(cfg.bpffs == "/sys/fs/bpf/jalur");
    CHECK(cfg.log_level == "info");
    CHECK(cfg.fwmark_mask == 0xff00);
    CHECK(cfg.flow_table_size == 262144);
    REQUIRE(cfg.lans.size() == 1);
    CHECK(cfg.lans[0].interface == "br-lan");
    CHECK(cfg.lans[0].xdp == XdpMode::Auto);

    REQUIRE(cfg.wans.size() == 2);
    const Wan &a = cfg.wans[0], &b = cfg.wans[1];
    CHECK(a.name == "isp1");
    CHECK(a.interface == "wan1");
    CHECK(a.gateway == std::optional<std::string>("auto")); // neither family given: IPv4 from DHCP
    CHECK_FALSE(a.gateway6);
    CHECK(a.weight == 1);
    CHECK(a.tier == 1);
    CHECK(a.id == 0);
    CHECK(b.id == 1);
    CHECK(a.fwmark == 0x100);
    CHECK(b.fwmark == 0x200);
    CHECK(a.table == 101);
    CHECK(b.table == 102);

    REQUIRE(cfg.policies.size() == 1);
    const Policy &p = cfg.policies[0];
    CHECK(p.name == "default");
    CHECK(p.classifier == "both-addresses-and-ports");
    CHECK(p.fields == (JALUR_F_SRC_ADDR | JALUR_F_DST_ADDR | JALUR_F_SRC_PORT | JALUR_F_DST_PORT));
    CHECK(p.mode == Mode::Hash);
    CHECK(p.fallback == Fallback::Main);
    CHECK(p.affinity == Affinity::None);
    CHECK(p.affinity_timeout == std::chrono::seconds(600));
    REQUIRE(p.members.size() == 2);
    CHECK(p.members[0].wan == "isp1");
    CHECK(p.members[1].wan == "isp2");
    CHECK(cfg.rules.empty());
    CHECK(cfg.default_policy == "default");
    CHECK(cfg.wan("isp2") == &cfg.wans[1]);
    CHECK(cfg.wan("isp3") == nullptr);
    CHECK(cfg.policy("default") == &cfg.policies[0]);
    CHECK(cfg.policy("other") == nullptr);
}

TEST_CASE("config: an IPv6-only WAN probes its IPv6 gateway by default")
{
    auto cfg = ok(R"(
lan: br-lan
wans:
  - {name: isp1, interface: wan1}
  - {name: v6, interface: wan2, gateway6: auto}
)");
    REQUIRE(cfg.wans[1].health.targets.size() == 4); // and the IPv6 default targets
    CHECK(cfg.wans[1].health.targets[0].gateway == 6);
    CHECK(cfg.wans[1].health.targets[0].text == "gateway6");
    CHECK(cfg.wans[1].health.targets[1].text == "2606:4700:4700::1111");
    CHECK(cfg.wans[0].health.targets[0].gateway == 4);
}

static std::vector<std::string> texts(const std::vector<ProbeTarget> &targets)
{
    std::vector<std::string> out;
    for (const auto &t : targets)
        out.push_back(t.text);
    return out;
}

TEST_CASE("config: with no targets, a WAN is probed at its gateway and beyond it (issue 24)")
{
    auto cfg = ok(R"(
lan: br-lan
wans:
  - {name: v4, interface: wan1, gateway: 100.64.1.1}
  - {name: dual, interface: wan2, gateway: auto, gateway6: auto}
)");
    using V = std::vector<std::string>;
    CHECK(texts(cfg.wans[0].health.targets) == V{"gateway", "1.1.1.1", "8.8.8.8", "9.9.9.9"});
    CHECK(texts(cfg.wans[1].health.targets) ==
          V{"gateway", "1.1.1.1", "8.8.8.8", "9.9.9.9", "2606:4700:4700::1111", "2001:4860:4860::8888", "2620:fe::fe"});
    CHECK(cfg.wans[0].health.reliability == 1);
    CHECK(config::gateway_only_probing(cfg).empty());

    // the lab's own: no test sends a packet to a public address
    auto lab = ok(R"(
lan: br-lan
health: {default_targets: [198.51.100.10, 2001:db8:ff::10, "tcp://203.0.113.10:80"], reliability: 2}
wans:
  - {name: dual, interface: wan1, gateway: auto, gateway6: auto}
  - {name: v6, interface: wan2, gateway6: auto, health: {reliability: 1}}
)");
    CHECK(texts(lab.wans[0].health.targets) ==
          V{"gateway", "198.51.100.10", "2001:db8:ff::10", "tcp://203.0.113.10:80"});
    CHECK(texts(lab.wans[1].health.targets) == V{"gateway6", "2001:db8:ff::10"});

    // targets set, or default_targets: [], are gateway-only by choice: a warning
    auto gw = ok(R"(
lan: br-lan
wans:
  - {name: a, interface: wan1, health: {targets: [gateway, 100.64.9.1]}, gateway: 100.64.9.1}
  - {name: b, interface: wan2, health: {default_targets: []}}
  - {name: c, interface: wan3, health: {targets: [198.51.100.10]}}
)");
    CHECK(texts(gw.wans[1].health.targets) == V{"gateway"});
    auto warnings = config::gateway_only_probing(gw);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].rfind("WAN a: probes only its gateway, so an upstream outage", 0) == 0);
    CHECK(warnings[1].rfind("WAN b: probes only its gateway", 0) == 0);

    CHECK(error("lan: br-lan\nhealth: {default_targets: [gateway]}\nwans:\n  - {name: a, interface: wan1}\n")
              .find("health.default_targets[0]: a default target must be beyond the gateway") != std::string::npos);
    // reliability counts the default targets of the WAN's families
    CHECK(error("lan: br-lan\nhealth: {reliability: 4}\nwans:\n  - {name: a, interface: wan1}\n")
              .find("wans[0].health.reliability: 4 targets must answer but only 3 decide a round") !=
          std::string::npos);
}

TEST_CASE("config: every field set explicitly is kept")
{
    auto cfg = ok(R"(bpffs: /run/jalur/bpf
log_level: debug
fwmark_mask: "0x00ff0000"
flow_table_size: 1024
lan:
  - interface: br-lan
    xdp: native
  - interface: br-guest
    xdp: off
wans:
  - name: isp1
    interface: wan1
    gateway: 100.64.1.1
    gateway6: 2001:db8:1::1
    weight: 3
    tier: 2
    fwmark: 0x30000
    table: 200
  - name: lte_2
    interface: wwan0
    gateway6: auto
address_lists:
  banks: [198.51.100.0/24, 2001:db8:ff::/48]
policies:
  - name: main-mix
    classifier: src-address
    mode: nth
    members: [{wan: isp1, weight: 7, tier: 1}, lte_2]
    fallback: drop
    affinity: both-addresses
    affinity_timeout: 2h
  - name: second
    members: isp1
rules:
  - name: bank
    src: [192.0.2.0/25]
    dst: ["@banks"]
    proto: tcp
    dst_ports: [443, "8000-8080"]
    in_interface: br-guest
    family: 4
    policy: second
  - dst: 203.0.113.7
    proto: 47
    policy: bypass
default_policy: bypass
)");
    CHECK(cfg.bpffs == "/run/jalur/bpf");
    CHECK(cfg.log_level == "debug");
    CHECK(cfg.fwmark_mask == 0x00ff0000);
    CHECK(cfg.flow_table_size == 1024);
    REQUIRE(cfg.lans.size() == 2);
    CHECK(cfg.lans[0].xdp == XdpMode::Native);
    CHECK(cfg.lans[1].xdp == XdpMode::Off);

    const Wan &isp1 = cfg.wans[0], &lte = cfg.wans[1];
    CHECK(isp1.gateway == std::optional<std::string>("100.64.1.1"));
    CHECK(isp1.gateway6 == std::optional<std::string>("2001:db8:1::1"));
    CHECK(isp1.weight == 3);
    CHECK(isp1.tier == 2);
    CHECK(isp1.fwmark == 0x30000);
    CHECK(isp1.table == 200);
    CHECK_FALSE(lte.gateway); // only IPv6 asked for
    CHECK(lte.gateway6 == std::optional<std::string>("auto"));
    CHECK(lte.fwmark == 0x20000); // (index + 1) << 16, the mask's lowest bit
    CHECK(lte.table == 102);

    REQUIRE(cfg.address_lists.at("banks").size() == 2);
    CHECK(cfg.address_lists.at("banks")[1].family == 6);

    const Policy &mix = cfg.policies[0];
    CHECK(mix.classifier == "src-address");
    CHECK(mix.fields == JALUR_F_SRC_ADDR);
    CHECK(mix.mode == Mode::Nth);
    CHECK(mix.fallback == Fallback::Drop);
    CHECK(mix.affinity == Affinity::BothAddresses);
    CHECK(mix.affinity_timeout == std::chrono::hours(2));
    REQUIRE(mix.members.size() == 2);
    CHECK(mix.members[0].weight == 7);
    CHECK(mix.members[1].wan == "lte_2");
    CHECK(mix.members[1].weight == 1); // the WAN's
    CHECK(cfg.policies[1].id == 1);
    REQUIRE(cfg.policies[1].members.size() == 1); // a single name for a list of one
    CHECK(cfg.policies[1].members[0].tier == 2);  // isp1's own tier

    REQUIRE(cfg.rules.size() == 2);
    const Rule &bank = cfg.rules[0];
    CHECK(bank.name == "bank");
    REQUIRE(bank.src.size() == 1);
    CHECK(bank.src[0].str() == "192.0.2.0/25");
    REQUIRE(bank.dst.size() == 2); // the list, expanded
    CHECK(bank.dst[0].str() == "198.51.100.0/24");
    CHECK(bank.proto == IPPROTO_TCP);
    REQUIRE(bank.dst_ports.size() == 2);
    CHECK(bank.dst_ports[0].lo == 443);
    CHECK(bank.dst_ports[0].hi == 443);
    CHECK(bank.dst_ports[1].lo == 8000);
    CHECK(bank.dst_ports[1].hi == 8080);
    CHECK(bank.datapath_rules() == 2);
    CHECK(bank.in_interface == "br-guest");
    CHECK(bank.family == 4);
    CHECK(bank.policy == "second");
    CHECK(cfg.rules[1].proto == 47);
    CHECK(cfg.rules[1].dst.size() == 1);
    CHECK(cfg.rules[1].policy == "bypass");
    CHECK(cfg.rules[1].datapath_rules() == 1);
    CHECK(cfg.default_policy == "bypass");
}

TEST_CASE("config: lan shorthand forms")
{
    CHECK(ok(kTwoIsps).lans.size() == 1); // a single name
    auto list = ok("lan: [br-lan, br-guest]\nwans: [{name: isp1, interface: wan1}]\n");
    REQUIRE(list.lans.size() == 2);
    CHECK(list.lans[1].interface == "br-guest");
    auto mixed = ok("lan:\n  - br-lan\n  - {interface: br-iot, xdp: generic}\nwans: [{name: a, interface: wan1}]\n");
    REQUIRE(mixed.lans.size() == 2);
    CHECK(mixed.lans[1].xdp == XdpMode::Generic);
}

TEST_CASE("config: locations point at the interface names")
{
    auto cfg = ok(kTwoIsps + "rules:\n  - in_interface: br-lan\n    policy: default\n");
    CHECK(cfg.lans[0].where.str() == "t.yaml:1:6");
    CHECK(cfg.wans[1].interface_where.str() == "t.yaml:6:16");
    CHECK(cfg.wans[1].where.str() == "t.yaml:5:5");
    CHECK(cfg.rules[0].in_interface_where.str() == "t.yaml:8:19");
    CHECK(cfg.rules[0].where.str() == "t.yaml:8:5");
}

TEST_CASE("config: durations")
{
    auto timeout = [](const std::string &text) {
        return ok(kTwoIsps + "policies: [{name: p, members: [isp1], affinity_timeout: " + text + "}]\n")
            .policies[0]
            .affinity_timeout;
    };
    CHECK(timeout("30s") == std::chrono::seconds(30));
    CHECK(timeout("10m") == std::chrono::minutes(10));
    CHECK(timeout("2h") == std::chrono::hours(2));
    CHECK(timeout("1d") == std::chrono::hours(24));
    CHECK(timeout("90") == std::chrono::seconds(90));
}

TEST_CASE("config: integers in decimal or hex and ports singly")
{
    auto cfg = ok("fwmark_mask: 0xF0\n" + kTwoIsps + "rules: [{proto: udp, dst_ports: 53, policy: default}]\n");
    CHECK(cfg.fwmark_mask == 0xf0);
    CHECK(cfg.wans[1].fwmark == 0x20);
    REQUIRE(cfg.rules[0].dst_ports.size() == 1);
    CHECK(cfg.rules[0].dst_ports[0].lo == 53);
    CHECK(cfg.rules[0].dst_ports[0].hi == 53);
}

TEST_CASE("config: quoted numbers and empty optional sections are fine")
{
    auto cfg = ok(kTwoIsps + "    weight: \"3\"\naddress_lists:\nrules:\n");
    CHECK(cfg.wans[1].weight == 3);
    CHECK(cfg.rules.empty());
    CHECK(cfg.address_lists.empty());
}

TEST_CASE("config: dst_ports without proto match both tcp and udp")
{
    auto cfg = ok(kTwoIsps + "rules: [{dst_ports: [443], policy: default}]\n");
    CHECK(cfg.rules[0].proto == 0);
}

TEST_CASE("config: exactly 64 data path rules fit")
{
    // 32 rules of two port ranges each
    std::string rules = "rules:\n";
    for (int i = 0; i < 32; i++)
        rules += "  - {proto: tcp, dst_ports: [80, 443], policy: default}\n";
    CHECK(ok(kTwoIsps + rules).rules.size() == 32);
}

TEST_CASE("config: each example file parses")
{
    namespace fs = std::filesystem;
    size_t seen = 0;
    for (const auto &entry : fs::directory_iterator(JALUR_EXAMPLES_DIR)) {
        if (entry.path().extension() != ".yaml")
            continue;
        INFO(entry.path().string());
        auto r = load_file(entry.path().string());
        INFO((r ? std::string() : r.error().message));
        CHECK(r);
        // a new user copies these: each must see an upstream failure (issue 24)
        if (r)
            CHECK(gateway_only_probing(r.value()).empty());
        seen++;
    }
    CHECK(seen >= 5);
}

TEST_CASE("config: a file that cannot be read")
{
    auto r = load_file("/nonexistent/jalur.yaml");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "/nonexistent/jalur.yaml:1:1: cannot read the config file: No such file or directory");
}

// ---- the whole file's errors at once ------------------------------------

TEST_CASE("config: all errors are reported in file order")
{
    auto all = errors(R"(lan: br-lan
wans:
  - name: isp1
    interface: wan1
    weight: heavy
rules:
  - policy: nowhere
flow_table_size: 12
)");
    REQUIRE(all.size() == 3);
    CHECK(all[0] == "t.yaml:5:13: wans[0].weight: expected an integer 1..255, got 'heavy'");
    CHECK(all[1] == "t.yaml:7:13: rules[0].policy: no policy named 'nowhere' (expected one of: default, bypass)");
    CHECK(all[2] == "t.yaml:8:18: flow_table_size: expected an integer 1024..16777216, got '12'");
}

// ---- the document -------------------------------------------------------

TEST_CASE("config: YAML syntax errors have their place")
{
    CHECK(error("lan: [br-lan\nwans: 3\n") == "t.yaml:2:5: YAML syntax error: end of sequence flow not found");
    CHECK(error("lan: br-lan\n wans: 3\n") == "t.yaml:2:6: YAML syntax error: illegal map value");
    CHECK(error(kTwoIsps + "rules: [{dst: [@banks], policy: default}]\n") ==
          "t.yaml:7:16: YAML syntax error: unknown token (a value starting with '@' must be quoted: \"@name\")");
}

// yaml-cpp 0.7's LoadAll() looped on these, growing until bad_alloc
// (jbeder/yaml-cpp issue 1040): `jalur check` hung, a reload killed the agent.
TEST_CASE("config: a stray ',' ends the parse with its place")
{
    const std::string kComma = "t.yaml:1:1: YAML syntax error: a ',' outside of a [list] or {map} (a trailing comma?)";
    CHECK(error(",") == kComma);
    CHECK(error(", a") == kComma);
    CHECK(error("{lan: br-lan},") ==
          "t.yaml:1:14: YAML syntax error: a ',' outside of a [list] or {map} (a trailing comma?)");
    CHECK(error("[a],\n") == "t.yaml:1:4: YAML syntax error: a ',' outside of a [list] or {map} (a trailing comma?)");
    CHECK(error("&x ,") == "t.yaml:1:4: YAML syntax error: a ',' outside of a [list] or {map} (a trailing comma?)");
}

TEST_CASE("config: a file too big to be a config is refused unread")
{
    CHECK(error(std::string(kMaxConfigBytes + 1, '#')) ==
          "t.yaml:1:1: the file is larger than 1024 KiB: not a config file");
    auto r = load_file("/dev/zero");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "/dev/zero:1:1: the file is larger than 1024 KiB: not a config file");
}

TEST_CASE("config: the document must be one map")
{
    CHECK(error("") == "t.yaml:1:1: the file is empty: expected at least 'lan' and 'wans'");
    CHECK(error("# nothing\n") == "t.yaml:1:1: the file is empty: expected at least 'lan' and 'wans'");
    CHECK(error("- lan\n") == "t.yaml:1:1: the file: expected a map, got a list");
    CHECK_THAT(errors(kTwoIsps + "---\nlan: x\n"),
               VectorContains(std::string("t.yaml:8:1: expected one YAML document, found a second ('---')")));
}

TEST_CASE("config: unknown and repeated top-level keys")
{
    CHECK(error(kTwoIsps + "helth: {}\n") ==
          "t.yaml:7:1: unknown key 'helth' at the top level (expected one of: bpffs, state_dir, log_level, fwmark_mask, "
          "flow_table_size, lan, health, wans, address_lists, policies, rules, default_policy, dhcp_guard, notify, metrics, "
          "control, host)");
    CHECK(error(kTwoIsps + "lan: br-x\n") == "t.yaml:7:1: key 'lan' at the top level is repeated (first at line 1)");
    // a key whose value starts on the next line: still the key's own line
    CHECK(error("lan:\n  - br-lan\nwans: [{name: a, interface: wan1}]\nlan: br-x\n") ==
          "t.yaml:4:1: key 'lan' at the top level is repeated (first at line 1)");
}

TEST_CASE("config: lan and wans are required")
{
    CHECK(error("wans: [{name: a, interface: wan1}]\n") ==
          "t.yaml:1:1: missing key 'lan' (the interfaces whose traffic jalur balances, e.g. 'lan: br-lan')");
    CHECK(error("log_level: info\nlan: br-lan\n") ==
          "t.yaml:1:1: missing key 'wans' (the uplinks to balance: a list of 1..16)");
}

// ---- settings -----------------------------------------------------------

TEST_CASE("config: bad settings")
{
    CHECK(error("bpffs: jalur\n" + kTwoIsps) == "t.yaml:1:8: bpffs: expected an absolute path, got 'jalur'");
    CHECK(error("state_dir: var/lib\n" + kTwoIsps) == "t.yaml:1:12: state_dir: expected an absolute path, got 'var/lib'");
    CHECK(ok("state_dir: /var/lib/jalur-test\n" + kTwoIsps).state_dir == "/var/lib/jalur-test");
    CHECK(error("log_level: loud\n" + kTwoIsps) ==
          "t.yaml:1:12: log_level: expected one of trace|debug|info|warn|error, got 'loud'");
    CHECK(error("fwmark_mask: 0\n" + kTwoIsps) ==
          "t.yaml:1:14: fwmark_mask: expected an integer 0x1..0xffffffff, got '0'");
    CHECK(error("fwmark_mask: 0x1ffffffff\n" + kTwoIsps) ==
          "t.yaml:1:14: fwmark_mask: expected an integer 0x1..0xffffffff, got '0x1ffffffff'");
    CHECK(error("flow_table_size: [1]\n" + kTwoIsps) ==
          "t.yaml:1:18: flow_table_size: expected an integer 1024..16777216, got a list");
    CHECK(error("flow_table_size: 16777217\n" + kTwoIsps) ==
          "t.yaml:1:18: flow_table_size: expected an integer 1024..16777216, got '16777217'");
}

TEST_CASE("config: an empty value is reported at its key")
{
    CHECK(error("lan: br-lan\nwans:\n  - name: isp1\n    interface: wan1\n    weight:\n") ==
          "t.yaml:5:5: wans[0].weight: expected an integer 1..255, got nothing");
}

// ---- lan ----------------------------------------------------------------

TEST_CASE("config: bad lan entries")
{
    const std::string wans = "wans: [{name: a, interface: wan1}]\n";
    CHECK(error("lan: []\n" + wans) == "t.yaml:1:6: lan: expected at least one LAN interface");
    CHECK(error("lan:\n" + wans) == "t.yaml:1:1: lan: expected at least one LAN interface");
    CHECK(error("lan: [br-lan, br-lan]\n" + wans) ==
          "t.yaml:1:15: lan[1]: interface 'br-lan' is listed twice (first at line 1)");
    CHECK(error("lan:\n  - interface: br-lan\n    xdp: fast\n" + wans) ==
          "t.yaml:3:10: lan[0].xdp: expected one of auto|native|generic|off, got 'fast'");
    CHECK(error("lan:\n  - xdp: off\n" + wans) == "t.yaml:2:5: lan[0]: missing key 'interface'");
    CHECK(error("lan:\n  - interface: br-lan\n    mtu: 1500\n" + wans) ==
          "t.yaml:3:5: unknown key 'mtu' in lan[0] (expected one of: interface, xdp)");
    CHECK(error("lan: a/b\n" + wans) ==
          "t.yaml:1:6: lan: expected an interface name (1..15 characters, no '/', ':' or spaces), got 'a/b'");
    CHECK(error("lan: bridge-for-the-lan\n" + wans) ==
          "t.yaml:1:6: lan: expected an interface name (1..15 characters, no '/', ':' or spaces), got "
          "'bridge-for-the-lan'");
}

// ---- wans ---------------------------------------------------------------

TEST_CASE("config: wans must be a non-empty list of at most 16")
{
    CHECK(error("lan: br-lan\nwans: wan1\n") == "t.yaml:2:7: wans: expected a list of WANs, got 'wan1'");
    CHECK(error("lan: br-lan\nwans: []\n") == "t.yaml:2:7: wans: expected at least one WAN");
    std::string many = "lan: br-lan\nwans:\n";
    for (int i = 0; i < 17; i++)
        many += "  - {name: w" + std::to_string(i) + ", interface: wan" + std::to_string(i) + "}\n";
    CHECK(error(many) == "t.yaml:19:5: wans[16]: too many WANs: at most 16 (the data path's limit)");
}

TEST_CASE("config: unknown WAN key")
{
    CHECK(error(kTwoIsps + "    wieght: 2\n") ==
          "t.yaml:7:5: unknown key 'wieght' in wans[1] (expected one of: name, interface, gateway, gateway6, "
          "weight, tier, fwmark, table, health, nat, nat6, quota, bandwidth)");
}

TEST_CASE("config: bad WAN values")
{
    CHECK(error(kTwoIsps + "    weight: heavy\n") ==
          "t.yaml:7:13: wans[1].weight: expected an integer 1..255, got 'heavy'");
    CHECK(error(kTwoIsps + "    weight: 256\n") == "t.yaml:7:13: wans[1].weight: expected an integer 1..255, got '256'");
    CHECK(error(kTwoIsps + "    tier: 0\n") == "t.yaml:7:11: wans[1].tier: expected an integer 1..16, got '0'");
    CHECK(error(kTwoIsps + "    gateway: 100.64.2\n") ==
          "t.yaml:7:14: wans[1].gateway: expected an IPv4 address or 'auto', got '100.64.2'");
    CHECK(error(kTwoIsps + "    gateway: 2001:db8::1\n") ==
          "t.yaml:7:14: wans[1].gateway: expected an IPv4 address or 'auto', got '2001:db8::1' (an IPv6 gateway goes "
          "in gateway6)");
    CHECK(error(kTwoIsps + "    gateway6: 100.64.2.1\n") ==
          "t.yaml:7:15: wans[1].gateway6: expected an IPv6 address or 'auto', got '100.64.2.1' (an IPv4 gateway goes "
          "in gateway)");
    CHECK(error(kTwoIsps + "    gateway: 100.64.2.0/24\n") ==
          "t.yaml:7:14: wans[1].gateway: expected an IPv4 address or 'auto', got '100.64.2.0/24'");
    CHECK(error(kTwoIsps + "    table: 254\n") ==
          "t.yaml:7:12: wans[1].table: table 254 is the kernel's (253 default, 254 main, 255 local)");
    CHECK(error(kTwoIsps + "    table: 0\n") ==
          "t.yaml:7:12: wans[1].table: expected an integer 1..4294967295, got '0'");
    CHECK(error(kTwoIsps + "    fwmark: 0\n") ==
          "t.yaml:7:13: wans[1].fwmark: expected an integer 0x1..0xffffffff, got '0'");
}

TEST_CASE("config: a WAN must be a map")
{
    CHECK(error("lan: br-lan\nwans:\n  - wan1\n") == "t.yaml:3:5: wans[0]: expected a map, got 'wan1'");
    CHECK(error("lan: br-lan\nwans:\n  - name: a\n    interface: wan1\n    ? [x]\n    : 1\n") ==
          "t.yaml:5:7: expected a plain key in wans[0], got a list");
}

TEST_CASE("config: WAN names")
{
    CHECK(error("lan: br-lan\nwans:\n  - interface: wan1\n") == "t.yaml:3:5: wans[0]: missing key 'name'");
    CHECK(error("lan: br-lan\nwans:\n  - name: isp1\n") == "t.yaml:3:5: wans[0]: missing key 'interface'");
    CHECK(error("lan: br-lan\nwans:\n  - name: ISP_1\n    interface: wan1\n") ==
          "t.yaml:3:11: wans[0].name: expected a name of 1..15 characters a-z, 0-9, '_' or '-', got 'ISP_1'");
    CHECK(error("lan: br-lan\nwans:\n  - name: a-very-long-wan-name\n    interface: wan1\n") ==
          "t.yaml:3:11: wans[0].name: expected a name of 1..15 characters a-z, 0-9, '_' or '-', got "
          "'a-very-long-wan-name'");
    CHECK(error("lan: br-lan\nwans:\n  - {name: isp1, interface: wan1}\n  - {name: isp1, interface: wan2}\n") ==
          "t.yaml:4:12: wans[1].name: 'isp1' is also the name of wans[0]");
}

TEST_CASE("config: a badly named WAN adds no errors where it is used")
{
    // only the name's own error, none from the policy naming it
    CHECK(error("lan: br-lan\nwans: [{name: Isp1, interface: wan1}]\npolicies: [{name: p, members: [Isp1]}]\n") ==
          "t.yaml:2:15: wans[0].name: expected a name of 1..15 characters a-z, 0-9, '_' or '-', got 'Isp1'");
}

TEST_CASE("config: WAN interfaces are unique and not LANs")
{
    CHECK(error("lan: br-lan\nwans:\n  - {name: a, interface: wan1}\n  - {name: b, interface: wan1}\n") ==
          "t.yaml:4:26: wans[1].interface: 'wan1' is also the interface of wans[0] ('a')");
    CHECK(error("lan: br-lan\nwans:\n  - {name: a, interface: br-lan}\n") ==
          "t.yaml:3:26: wans[0].interface: 'br-lan' is also a LAN interface (line 1)");
}

TEST_CASE("config: fwmarks inside the mask and unique")
{
    CHECK(error(kTwoIsps + "    fwmark: 0x10000\n") ==
          "t.yaml:7:13: wans[1].fwmark: 0x10000 is outside fwmark_mask 0xff00 (jalur may only use those bits of the "
          "packet mark)");
    CHECK(error(kTwoIsps + "    fwmark: 0x100\n") ==
          "t.yaml:7:13: wans[1].fwmark: 0x100 is also the fwmark of wans[0] ('isp1')");
    // an explicit mark taking the next WAN's default: reported at the later one
    CHECK(error("lan: br-lan\nwans:\n  - {name: a, interface: wan1, fwmark: 0x200}\n  - {name: b, interface: wan2}\n") ==
          "t.yaml:4:5: wans[1]: its default fwmark 0x200 is also the fwmark of wans[0] ('a'); set fwmark");
    // a two-bit mask has room for three WANs
    CHECK(error("fwmark_mask: 0x3\nlan: br-lan\nwans:\n  - {name: a, interface: wan1}\n  - {name: b, interface: wan2}\n"
                "  - {name: c, interface: wan3}\n  - {name: d, interface: wan4}\n") ==
          "t.yaml:7:5: wans[3]: the default fwmark 0x4 does not fit in fwmark_mask 0x3; set fwmark or widen fwmark_mask");
}

TEST_CASE("config: tables unique")
{
    CHECK(error(kTwoIsps + "    table: 101\n") == "t.yaml:7:12: wans[1].table: 101 is also the table of wans[0] ('isp1')");
    CHECK(error("lan: br-lan\nwans:\n  - {name: a, interface: wan1, table: 102}\n  - {name: b, interface: wan2}\n") ==
          "t.yaml:4:5: wans[1]: its default table 102 is also the table of wans[0] ('a'); set table");
}

TEST_CASE("config: repeated keys in a map")
{
    CHECK(error(kTwoIsps + "    interface: wan3\n") ==
          "t.yaml:7:5: key 'interface' in wans[1] is repeated (first at line 6)");
}

// ---- policies -----------------------------------------------------------

TEST_CASE("config: policies must be a non-empty list of at most 16")
{
    CHECK(error(kTwoIsps + "policies: []\n") ==
          "t.yaml:7:11: policies: expected at least one policy (or leave 'policies' out for one over every WAN)");
    CHECK(error(kTwoIsps + "policies: {name: p}\n") == "t.yaml:7:11: policies: expected a list of policies, got a map");
    std::string many = kTwoIsps + "policies:\n";
    for (int i = 0; i < 17; i++)
        many += "  - {name: p" + std::to_string(i) + ", members: [isp1]}\n";
    CHECK(error(many) == "t.yaml:24:5: policies[16]: too many policies: at most 16 (the data path's limit)");
}

TEST_CASE("config: policy names")
{
    CHECK(error(kTwoIsps + "policies:\n  - members: [isp1]\n") == "t.yaml:8:5: policies[0]: missing key 'name'");
    CHECK(error(kTwoIsps + "policies:\n  - {name: bypass, members: [isp1]}\n") ==
          "t.yaml:8:12: policies[0].name: 'bypass' is reserved (rules use it to skip balancing)");
    CHECK(error(kTwoIsps + "policies:\n  - {name: p, members: [isp1]}\n  - {name: p, members: [isp2]}\n") ==
          "t.yaml:9:12: policies[1].name: policy 'p' is defined twice");
    CHECK(error(kTwoIsps + "policies:\n  - {name: P1, members: [isp1]}\n") ==
          "t.yaml:8:12: policies[0].name: expected a name of 1..32 characters a-z, 0-9, '_' or '-', got 'P1'");
}

TEST_CASE("config: a classifier must be one of the nine RouterOS names")
{
    auto e = error(kTwoIsps + "policies:\n  - name: p\n    members: [isp1]\n    classifier: round-robin\n");
    CHECK_THAT(e, Catch::StartsWith("t.yaml:10:17: policies[0].classifier: expected one of "));
    CHECK_THAT(e, Catch::Contains("both-addresses-and-ports") && Catch::EndsWith(", got 'round-robin'"));
}

TEST_CASE("config: bad policy choices")
{
    const std::string head = kTwoIsps + "policies:\n  - name: p\n    members: [isp1]\n";
    CHECK(error(head + "    mode: random\n") == "t.yaml:10:11: policies[0].mode: expected one of "
          "hash|nth|least-loaded|overflow|lowest-latency, got 'random'");
    CHECK(error(head + "    fallback: other\n") ==
          "t.yaml:10:15: policies[0].fallback: expected one of main|drop, got 'other'");
    CHECK(error(head + "    affinity: dst-address\n") ==
          "t.yaml:10:15: policies[0].affinity: expected one of none|src-address|both-addresses, got 'dst-address'");
    CHECK(error(head + "    affinity_timeout: 10x\n") ==
          "t.yaml:10:23: policies[0].affinity_timeout: expected a duration 1s..604800s such as 30s, 10m, 2h, 1d or "
          "plain seconds, got '10x'");
    CHECK(error(head + "    affinity_timeout: 0s\n") ==
          "t.yaml:10:23: policies[0].affinity_timeout: expected a duration 1s..604800s such as 30s, 10m, 2h, 1d or "
          "plain seconds, got '0s'");
    CHECK(error(head + "    affinity_timeout: 8d\n") ==
          "t.yaml:10:23: policies[0].affinity_timeout: expected a duration 1s..604800s such as 30s, 10m, 2h, 1d or "
          "plain seconds, got '8d'");
    CHECK(error(head + "    strategy: x\n") ==
          "t.yaml:10:5: unknown key 'strategy' in policies[0] (expected one of: name, classifier, mode, members, "
          "fallback, affinity, affinity_timeout, failback, overflow_at)");
}

TEST_CASE("config: policy members")
{
    const std::string head = kTwoIsps + "policies:\n  - name: p\n";
    CHECK(error(head) == "t.yaml:8:5: policies[0]: missing key 'members' (the WANs this policy balances)");
    CHECK(error(head + "    members: []\n") == "t.yaml:9:14: policies[0].members: expected at least one WAN");
    CHECK(error(head + "    members: [isp1, isp3]\n") ==
          "t.yaml:9:21: policies[0].members[1]: no WAN named 'isp3' (WANs: isp1, isp2)");
    CHECK(error(head + "    members: [isp1, isp1]\n") == "t.yaml:9:21: policies[0].members[1]: WAN 'isp1' is listed twice");
    CHECK(error(head + "    members: [{weight: 2}]\n") == "t.yaml:9:15: policies[0].members[0]: missing key 'wan'");
    CHECK(error(head + "    members: [{wan: isp1, share: 2}]\n") ==
          "t.yaml:9:27: unknown key 'share' in policies[0].members[0] (expected one of: wan, weight, tier)");
    CHECK(error(head + "    members: [{wan: isp1, weight: 0}]\n") ==
          "t.yaml:9:35: policies[0].members[0].weight: expected an integer 1..255, got '0'");
    CHECK(error(head + "    members: [{wan: isp1, tier: 17}]\n") ==
          "t.yaml:9:33: policies[0].members[0].tier: expected an integer 1..16, got '17'");
}

TEST_CASE("config: default_policy names a policy")
{
    CHECK(error(kTwoIsps + "default_policy: main\n") ==
          "t.yaml:7:17: default_policy: no policy named 'main' (expected one of: default, bypass)");
    CHECK(ok(kTwoIsps + "default_policy: bypass\n").default_policy == "bypass");
}

// ---- address lists ------------------------------------------------------

TEST_CASE("config: bad address lists")
{
    CHECK(error(kTwoIsps + "address_lists:\n  banks: [198.51.100.0/33]\n") ==
          "t.yaml:8:11: address_lists.banks[0]: '198.51.100.0/33': prefix length must be 0..32");
    CHECK(error(kTwoIsps + "address_lists:\n  banks: [bank.example]\n") ==
          "t.yaml:8:11: address_lists.banks[0]: 'bank.example' is not an IPv4 or IPv6 address or prefix");
    CHECK(error(kTwoIsps + "address_lists:\n  banks: []\n") ==
          "t.yaml:8:10: address_lists.banks: expected at least one prefix");
    CHECK(error(kTwoIsps + "address_lists:\n  Banks: [192.0.2.0/24]\n") ==
          "t.yaml:8:3: address_lists.Banks: expected a name of 1..32 characters a-z, 0-9, '_' or '-', got 'Banks'");
    CHECK(error(kTwoIsps + "address_lists:\n  a: [192.0.2.0/24]\n  a: [192.0.2.1]\n") ==
          "t.yaml:9:3: key 'a' in address_lists is repeated (first at line 8)");
    CHECK(error(kTwoIsps + "address_lists: [192.0.2.0/24]\n") ==
          "t.yaml:7:16: address_lists: expected a map of name: [prefixes], got a list");
}

// ---- rules --------------------------------------------------------------

TEST_CASE("config: rules must be a list of maps with a policy")
{
    CHECK(error(kTwoIsps + "rules: {policy: default}\n") == "t.yaml:7:8: rules: expected a list of rules, got a map");
    CHECK(error(kTwoIsps + "rules:\n  - dst: 192.0.2.1\n") ==
          "t.yaml:8:5: rules[0]: missing key 'policy' (a policy name or 'bypass')");
    CHECK(error(kTwoIsps + "rules:\n  - policy: web\n") ==
          "t.yaml:8:13: rules[0].policy: no policy named 'web' (expected one of: default, bypass)");
    CHECK(error(kTwoIsps + "rules:\n  - policy: default\n    port: 80\n") ==
          "t.yaml:9:5: unknown key 'port' in rules[0] (expected one of: name, src, dst, proto, dst_ports, "
          "in_interface, family, policy, critical)");
    CHECK(error(kTwoIsps + "rules:\n  - {name: r, policy: default}\n  - {name: r, policy: bypass}\n") ==
          "t.yaml:9:12: rules[1].name: rule name 'r' is used twice (first at line 8)");
}

TEST_CASE("config: rule addresses and address list references")
{
    const std::string lists = kTwoIsps + "address_lists:\n  banks: [198.51.100.0/24]\nrules:\n";
    CHECK(error(lists + "  - {dst: [\"@bank\"], policy: default}\n") ==
          "t.yaml:10:12: rules[0].dst[0]: no address list named 'bank' (address_lists: banks)");
    CHECK(error(lists + "  - {dst: [banks], policy: default}\n") ==
          "t.yaml:10:12: rules[0].dst[0]: 'banks' is not an IPv4 or IPv6 address or prefix (an address list is "
          "written '@banks')");
    CHECK(error(lists + "  - {src: [192.0.2.0/40], policy: default}\n") ==
          "t.yaml:10:12: rules[0].src[0]: '192.0.2.0/40': prefix length must be 0..32");
    CHECK(error(lists + "  - {src: [], policy: default}\n") ==
          "t.yaml:10:11: rules[0].src: expected at least one prefix or @list (leave the key out to match any)");
    CHECK(error(lists + "  - {src: 2001:db8::/32, family: 4, policy: default}\n") ==
          "t.yaml:10:11: rules[0].src: no IPv4 prefix here, but the rule has family 4: it could never match");
    CHECK(error(lists + "  - {family: 5, policy: default}\n") ==
          "t.yaml:10:14: rules[0].family: expected one of 4|6, got '5'");
}

TEST_CASE("config: rule protocols and ports")
{
    const std::string head = kTwoIsps + "rules:\n";
    CHECK(error(head + "  - {proto: tcpp, policy: default}\n") ==
          "t.yaml:8:13: rules[0].proto: expected tcp, udp, icmp, icmpv6 or a protocol number 1..255, got 'tcpp'");
    CHECK(error(head + "  - {proto: 256, policy: default}\n") ==
          "t.yaml:8:13: rules[0].proto: expected tcp, udp, icmp, icmpv6 or a protocol number 1..255, got '256'");
    CHECK(error(head + "  - {proto: icmp, family: 6, policy: default}\n") ==
          "t.yaml:8:13: rules[0].proto: icmp does not exist in IPv6 (the rule's family)");
    CHECK(error(head + "  - {proto: icmp, dst_ports: [80], policy: default}\n") ==
          "t.yaml:8:30: rules[0].dst_ports: ports need proto tcp or udp (or no proto, which matches both), not icmp");
    CHECK(error(head + "  - {proto: tcp, dst_ports: [\"9000-8000\"], policy: default}\n") ==
          "t.yaml:8:30: rules[0].dst_ports[0]: range '9000-8000' runs backwards: expected LO <= HI");
    CHECK(error(head + "  - {proto: tcp, dst_ports: [http], policy: default}\n") ==
          "t.yaml:8:30: rules[0].dst_ports[0]: expected a port 1..65535 or a range 'LO-HI', got 'http'");
    CHECK(error(head + "  - {proto: tcp, dst_ports: [0-100], policy: default}\n") ==
          "t.yaml:8:30: rules[0].dst_ports[0]: expected a port 1..65535 or a range 'LO-HI', got '0-100'");
    CHECK(error(head + "  - {proto: tcp, dst_ports: [65536], policy: default}\n") ==
          "t.yaml:8:30: rules[0].dst_ports[0]: expected a port 1..65535 or a range 'LO-HI', got '65536'");
    CHECK(error(head + "  - {proto: tcp, dst_ports: [], policy: default}\n") ==
          "t.yaml:8:29: rules[0].dst_ports: expected at least one port or range (leave the key out to match any)");
}

TEST_CASE("config: rule in_interface must be a LAN")
{
    CHECK(error(kTwoIsps + "rules:\n  - {in_interface: wan1, policy: default}\n") ==
          "t.yaml:8:20: rules[0].in_interface: 'wan1' is not a LAN interface (rules see traffic entering from a LAN: "
          "br-lan)");
}

TEST_CASE("config: too many rules after port range expansion")
{
    // 32 rules of two ranges fill the 64; the 33rd overflows
    std::string rules = "rules:\n";
    for (int i = 0; i < 33; i++)
        rules += "  - {proto: tcp, dst_ports: [80, 443], policy: default}\n";
    CHECK(error(kTwoIsps + rules) ==
          "t.yaml:40:5: rules[32]: too many rules: the data path holds 64 and each dst_ports entry counts as one");
}

// ---- the host -----------------------------------------------------------

TEST_CASE("config: check_interfaces reports each missing device at its name")
{
    // a WAN's interface may come later (PPPoE, an LTE modem): a warning,
    // an error only when strict
    auto cfg = ok("lan: lo\nwans:\n  - name: a\n    interface: jalur-none0\n");
    CHECK(check_interfaces(cfg));
    CHECK(absent_wan_interfaces(cfg) ==
          std::vector<std::string>{"t.yaml:4:16: WAN a: interface 'jalur-none0' does not exist here (yet); the WAN is "
                                   "down until it appears"});
    auto r = check_interfaces(cfg, true);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "t.yaml:4:16: unknown interface 'jalur-none0' (no such network device here)");

    // a rule's in_interface is reported at its own place too
    auto lans = ok("lan: jalur-none1\nwans: [{name: a, interface: lo}]\nrules:\n  - {in_interface: jalur-none1, policy: a}\n"
                   "policies: [{name: a, members: [a]}]\n");
    auto all = check_interfaces(lans);
    REQUIRE_FALSE(all);
    CHECK(all.error().message == "t.yaml:1:6: unknown interface 'jalur-none1' (no such network device here)\n"
                                 "t.yaml:4:20: unknown interface 'jalur-none1' (no such network device here)");

    Config present; // only loopback exists in every network namespace
    present.lans.push_back({"lo", XdpMode::Auto, {"t.yaml", 1, 6}});
    CHECK(check_interfaces(present));
}

TEST_CASE("config: health defaults suit a small site")
{
    auto cfg = ok(kTwoIsps);
    CHECK(cfg.health.interval == std::chrono::milliseconds(1000));
    CHECK(cfg.health.timeout == std::chrono::milliseconds(1000));
    CHECK(cfg.health.down == 3);
    CHECK(cfg.health.up == 3);
    REQUIRE(cfg.health.targets.size() == 1);
    CHECK(cfg.health.targets[0].kind == ProbeTarget::Kind::Icmp);
    CHECK(cfg.health.targets[0].gateway == 4);
    CHECK(cfg.health.passive);
    CHECK(cfg.last_resort == LastResort::Keep);
    // every WAN starts from the defaults
    CHECK(cfg.wans[1].health.interval == std::chrono::milliseconds(1000));
    CHECK(same_probing(cfg.wans[0].health, cfg.wans[1].health));
}

TEST_CASE("config: probe targets of every kind")
{
    auto cfg = ok(kTwoIsps + R"(health:
  targets:
    - gateway6
    - 2001:db8::53
    - tcp://198.51.100.7:443
    - tcp://[2001:db8::7]:22
    - http://198.51.100.7:8080/health
    - {target: "https://example.com/ping", address: 203.0.113.7, expect: 204}
    - dns://198.51.100.53/example.com
    - dns://[2001:db8::53]:5353
  reliability: 3
  last_resort: unreachable
  passive: off
)");
    const auto &t = cfg.health.targets;
    REQUIRE(t.size() == 8);
    CHECK(t[0].gateway == 6);
    CHECK((t[1].kind == ProbeTarget::Kind::Icmp && t[1].family() == 6));
    CHECK((t[2].kind == ProbeTarget::Kind::Tcp && t[2].port == 443 && t[2].address->addr_str() == "198.51.100.7"));
    CHECK((t[3].port == 22 && t[3].family() == 6));
    CHECK((t[4].kind == ProbeTarget::Kind::Http && t[4].port == 8080 && t[4].expect == 0 &&
           t[4].url == "http://198.51.100.7:8080/health"));
    CHECK((t[5].host == "example.com" && t[5].port == 443 && t[5].expect == 204 &&
           t[5].address->addr_str() == "203.0.113.7"));
    CHECK((t[6].kind == ProbeTarget::Kind::Dns && t[6].port == 53 && t[6].qname == "example.com"));
    CHECK((t[7].port == 5353 && t[7].qname == "."));
    CHECK(cfg.health.reliability == 3);
    CHECK(cfg.last_resort == LastResort::Unreachable);
    CHECK_FALSE(cfg.health.passive);
}

TEST_CASE("config: a WAN's own health overrides the defaults for it alone")
{
    auto cfg = ok(R"(lan: br-lan
health: {interval: 2s, down: 4, targets: [192.0.2.1]}
wans:
  - name: isp1
    interface: wan1
    health: {interval: 200ms, timeout: 200ms, targets: [gateway, "tcp://198.51.100.7:443", 198.51.100.8], reliability: 2}
  - name: isp2
    interface: wan2
)");
    const auto &a = cfg.wans[0].health;
    CHECK(a.interval == std::chrono::milliseconds(200));
    CHECK(a.down == 4); // not overridden: from health
    CHECK(a.targets.size() == 3);
    CHECK(a.reliability == 2);
    CHECK(cfg.wans[1].health.interval == std::chrono::seconds(2));
    CHECK(cfg.wans[1].health.targets.size() == 1);
    CHECK_FALSE(same_probing(a, cfg.wans[1].health));
}

TEST_CASE("config: the fast health profile")
{
    auto cfg = ok(kTwoIsps + "health: {interval: 200ms, timeout: 150ms, down: 2, up: 3, reliability: 1, "
                             "targets: [198.51.100.10, gateway]}\n");
    CHECK(cfg.health.interval == std::chrono::milliseconds(200));
    CHECK(cfg.health.timeout == std::chrono::milliseconds(150));
    CHECK(cfg.health.down == 2);
    CHECK(cfg.health.targets.size() == 2);
}

TEST_CASE("config: an https target verifies its server by the CAs of ca_file")
{
    auto dir = std::filesystem::temp_directory_path() / ("jalur-ca-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "ca.pem") << "-----BEGIN CERTIFICATE-----\n";
    const std::string ca = (dir / "ca.pem").string();
    auto target = [](const std::string &fields) { return kTwoIsps + "health: {targets: [{" + fields + "}]}\n"; };

    auto cfg = ok(target("target: https://probe.example/, address: 203.0.113.7, ca_file: " + ca));
    CHECK(cfg.health.targets.at(0).ca_file == ca);
    CHECK(ok(target("target: https://probe.example/, address: 203.0.113.7")).health.targets.at(0).ca_file.empty());

    CHECK(error(target("target: 'http://203.0.113.7/', ca_file: " + ca)) ==
          "t.yaml:7:61: health.targets[0].ca_file: only an https target verifies a certificate");
    CHECK(error(target("target: https://probe.example/, address: 203.0.113.7, ca_file: ca.pem")) ==
          "t.yaml:7:84: health.targets[0].ca_file: expected an absolute path, got 'ca.pem'");
    CHECK(error(target("target: https://probe.example/, address: 203.0.113.7, ca_file: " + ca + ".missing")) ==
          "t.yaml:7:84: health.targets[0].ca_file: cannot read " + ca + ".missing: No such file or directory");
    std::filesystem::remove_all(dir);
}

TEST_CASE("config: health errors name their place")
{
    CHECK(error(kTwoIsps + "health: {interval: 50ms}\n") ==
          "t.yaml:7:20: health.interval: expected a duration 100ms..600000ms such as 200ms, 1s or 2m, got '50ms'");
    CHECK(error(kTwoIsps + "health: {interval: 200ms, timeout: 1s}\n").find(
              "t.yaml:7:36: health.timeout: must not exceed the interval, 200ms") == 0);
    CHECK(error(kTwoIsps + "health: {targets: [example.com]}\n").find("t.yaml:7:20: health.targets[0]: expected \"gateway\", \"gateway6\", an address or a tcp://") == 0);
    CHECK(error(kTwoIsps + "health: {targets: [\"tcp://198.51.100.7\"]}\n") ==
          "t.yaml:7:20: health.targets[0]: tcp://198.51.100.7: a tcp target needs a port, as in tcp://198.51.100.7:443");
    CHECK(error(kTwoIsps + "health: {targets: [\"tcp://2001:db8::1:80\"]}\n").find(
              "an IPv6 address with a port is written [address]:port") != std::string::npos);
    CHECK(error(kTwoIsps + "health: {targets: [\"http://example.com/\"]}\n").find(
              "t.yaml:7:20: health.targets[0]: http://example.com/: an http target names its server by address") == 0);
    CHECK(error(kTwoIsps + "health: {targets: [\"https://example.com/\"]}\n") ==
          "t.yaml:7:20: health.targets[0]: example.com needs its address, as in {target: https://example.com/, "
          "address: 203.0.113.7}");
    CHECK(error(kTwoIsps + "health: {targets: [{target: \"tcp://198.51.100.7:80\", expect: 200}]}\n") ==
          "t.yaml:7:62: health.targets[0].expect: only an http or https target has an expected status");
    CHECK(error(kTwoIsps + "health: {targets: [\"ftp://198.51.100.7/\"]}\n").find("unknown kind 'ftp'") !=
          std::string::npos);
    CHECK(error(kTwoIsps + "health: {targets: [\"tcp://198.51.100.7:70000\"]}\n").find("is not a port") !=
          std::string::npos);
    CHECK(error(kTwoIsps + "health: {last_resort: maybe}\n") ==
          "t.yaml:7:23: health.last_resort: expected one of keep|main|unreachable, got 'maybe'");
    CHECK(error("lan: br-lan\nwans:\n  - {name: a, interface: wan1, health: {last_resort: main}}\n").find(
              "wans[0].health.last_resort: applies to all WANs together") != std::string::npos);
    CHECK(error("lan: br-lan\nhealth: {interval: 2s}\nwans:\n  - {name: a, interface: wan1, health: {timeout: 3s}}\n")
              .find("wans[0].health.timeout: must not exceed the interval, 2000ms") != std::string::npos);
    CHECK(error(kTwoIsps + "health: {targets: [gateway], reliability: 2}\n").find("t.yaml:7:43: health.reliability") == 0);
    CHECK(error(kTwoIsps + "health: {intervall: 1s}\n").find("t.yaml:7:10: unknown key 'intervall'") == 0);
}

TEST_CASE("config: dhcp_guard is on in alert mode by default")
{
    auto cfg = ok(kTwoIsps);
    CHECK(cfg.dhcp_guard.mode == DhcpMode::Alert);
    CHECK(cfg.dhcp_guard.alert_timeout == std::chrono::seconds(60));
    CHECK(ok(kTwoIsps + "dhcp_guard: off\n").dhcp_guard.mode == DhcpMode::Off);
}

TEST_CASE("config: dhcp_guard ports and trusted servers")
{
    auto cfg = ok(kTwoIsps + R"(dhcp_guard:
  mode: guard
  ports: {lanp1: alert, lanp2: off}
  trusted_ports: [lanp9]
  trusted_servers: ["02:00:5e:00:00:01", 192.0.2.1, "fe80::1"]
  alert_timeout: 5m
  rate_limit: {per_mac: 3, total: 30, interval: 500ms}
)");
    const auto &g = cfg.dhcp_guard;
    CHECK(g.mode == DhcpMode::Guard);
    CHECK(g.ports.at("lanp1") == DhcpMode::Alert);
    CHECK(g.ports.at("lanp2") == DhcpMode::Off);
    CHECK(g.trusted_ports == std::vector<std::string>{"lanp9"});
    REQUIRE(g.trusted_servers.size() == 3);
    CHECK(g.trusted_servers[0].mac.has_value());
    CHECK((*g.trusted_servers[0].mac)[5] == 1);
    CHECK(g.trusted_servers[1].address->family == 4);
    CHECK(g.trusted_servers[2].address->family == 6);
    CHECK(g.alert_timeout == std::chrono::minutes(5));
    CHECK(g.events_per_mac == 3);
    CHECK(g.events_total == 30);
    CHECK(g.rate_interval == std::chrono::milliseconds(500));
}

TEST_CASE("config: dhcp_guard errors name their place")
{
    CHECK(error(kTwoIsps + "dhcp_guard: {mode: block}\n") ==
          "t.yaml:7:20: dhcp_guard.mode: expected one of off|alert|guard, got 'block'");
    CHECK(error(kTwoIsps + "dhcp_guard:\n  trusted_servers: [02:00:5e]\n").rfind("t.yaml:8:21: dhcp_guard.trusted_servers[0]: expected a MAC address", 0) == 0);
}

TEST_CASE("config: notify with every field")
{
    auto c = ok(kTwoIsps + R"(notify:
  telegram:
    api_base: http://198.51.100.10:8081/
    token_file: /etc/jalur/bot-token
    chats: [{id: -1001234567890, thread_id: 7}, 12345, "@jalur_alerts"]
    spool: /var/spool/jalur
    queue_limit: 50
    timeout: 2s
    disable_notification: [wan_up, agent_start]
  templates:
    wan_down: "<b>{wan}</b> down: {cause}"
)");
    REQUIRE(c.notify);
    const auto &n = *c.notify;
    CHECK(n.api_base == "http://198.51.100.10:8081");
    CHECK(n.token_file == "/etc/jalur/bot-token");
    CHECK(n.token_where.str() == "t.yaml:10:17");
    REQUIRE(n.chats.size() == 3);
    CHECK(n.chats[0].id == "-1001234567890");
    CHECK(n.chats[0].thread_id == 7);
    CHECK(n.chats[1].id == "12345");
    CHECK_FALSE(n.chats[1].thread_id);
    CHECK(n.chats[2].id == "@jalur_alerts");
    CHECK(n.spool == "/var/spool/jalur");
    CHECK(n.queue_limit == 50);
    CHECK(n.timeout == std::chrono::seconds(2));
    CHECK(n.disable_notification == std::vector<std::string>{"wan_up", "agent_start"});
    CHECK(n.templates.at("wan_down") == "<b>{wan}</b> down: {cause}");
    CHECK_FALSE(ok(kTwoIsps).notify);
}

TEST_CASE("config: notify errors name their place")
{
    CHECK(error(kTwoIsps + "notify:\n  telegram: {chats: [1]}\n") ==
          "t.yaml:8:13: notify.telegram: missing key 'token_file' or 'token_env' (where the bot token is; never the "
          "token itself)");
    CHECK(error(kTwoIsps + "notify:\n  telegram: {token_env: T, token_file: /t, chats: [1]}\n") ==
          "t.yaml:8:25: notify.telegram.token_env: give token_file or token_env, not both");
    CHECK(error(kTwoIsps + "notify:\n  telegram: {token_env: T, chats: [1, -12ab]}\n") ==
          "t.yaml:8:39: notify.telegram.chats[1]: expected a chat id (an integer, negative for a group) or a "
          "channel's @username, got '-12ab'");
    CHECK(error(kTwoIsps + "notify:\n  telegram: {token_env: T, chats: [1], disable_notification: [wan_sad]}\n") ==
          "t.yaml:8:63: notify.telegram.disable_notification[0]: expected one of wan_down, wan_degraded, wan_up, "
          "rogue_dhcp, agent_start, agent_stop, all_wans_down, wan_admin, quota_warning, quota_exceeded, quota_reset, got 'wan_sad'");
    CHECK(error(kTwoIsps + "notify:\n  telegram: {token_env: T, chats: [1]}\n  templates:\n    wan_up: \"{wan} "
                           "{offered}\"\n") ==
          "t.yaml:10:13: notify.templates.wan_up: unknown variable {offered} (a wan_up template knows: host, time, "
          "wan, interface, cause, down_for, state)");
    CHECK(error(kTwoIsps + "notify:\n  telegram: {token_env: T, chats: [1], api_base: ftp://x}\n") ==
          "t.yaml:8:50: notify.telegram.api_base: expected an http:// or https:// URL, got 'ftp://x'");
}

TEST_CASE("config: notify.telegram.commands")
{
    auto c = ok(kTwoIsps + R"(notify:
  telegram:
    token_env: T
    chats: [1]
    commands:
      admins: [12345, 67890]
      chats: [12345, -1001234567890]
      bot: "@jalur_bot"
)");
    REQUIRE(c.notify);
    REQUIRE(c.notify->commands);
    const auto &k = *c.notify->commands;
    CHECK(k.enabled);
    CHECK(k.admins == std::vector<int64_t>{12345, 67890});
    CHECK(k.chats == std::vector<int64_t>{12345, -1001234567890});
    CHECK(k.bot == "jalur_bot");
    CHECK_FALSE(ok(kTwoIsps + "notify:\n  telegram: {token_env: T, chats: [1]}\n").notify->commands);
    CHECK_FALSE(ok(kTwoIsps + "notify:\n  telegram: {token_env: T, chats: [1], commands: {enabled: off, admins: [1], "
                              "chats: [1]}}\n")
                    .notify->commands->enabled);
}

TEST_CASE("config: notify.telegram.commands errors name the field")
{
    const std::string head = kTwoIsps + "notify:\n  telegram: {token_env: T, chats: [1], commands: ";
    CHECK(error(head + "{chats: [1]}}\n") ==
          "t.yaml:8:50: notify.telegram.commands: missing key 'admins' (the Telegram user ids that may send commands)");
    CHECK(error(head + "{admins: [1]}}\n") ==
          "t.yaml:8:50: notify.telegram.commands: missing key 'chats' (the chat ids where commands are taken; a private "
          "chat's id is the user's)");
    CHECK(error(head + "{admins: [-5], chats: [1]}}\n") ==
          "t.yaml:8:60: notify.telegram.commands.admins[0]: expected a Telegram user id (a positive integer), got '-5'");
    CHECK(error(head + "{admins: [1], chats: [\"@chan\"]}}\n") ==
          "t.yaml:8:72: notify.telegram.commands.chats[0]: expected a chat id (an integer, negative for a group), got "
          "'@chan'");
    CHECK(error(head + "{admins: [1], chats: [1], bot: \"a b\"}}\n") ==
          "t.yaml:8:81: notify.telegram.commands.bot: expected the bot's username, got 'a b'");
    CHECK(error(head + "{admins: [1], chats: [1], admin: [2]}}\n").find("unknown key 'admin' in notify.telegram.commands") !=
          std::string::npos);
}

// ---- control --------------------------------------------------------------

TEST_CASE("config: the control socket is one per pin directory by default")
{
    CHECK(ok(kTwoIsps).control.socket == "/run/jalur/_sys_fs_bpf_jalur.sock");
    CHECK(ok("bpffs: /run/lab/a/bpffs/jalur\n" + kTwoIsps).control.socket == "/run/jalur/_run_lab_a_bpffs_jalur.sock");
    CHECK(ok("bpffs: /run/lab/b/bpffs/jalur\n" + kTwoIsps).control.socket != ok(kTwoIsps).control.socket);
    CHECK(ok(kTwoIsps).control.group.empty());
    CHECK(ok(kTwoIsps).control.gid == 0);
    // a deep pin directory: still unique, still a path a socket can have
    std::string deep = "/sys/fs/bpf/" + std::string(120, 'x');
    auto a = control_socket_for(deep), b = control_socket_for(deep + "y");
    CHECK(a != b);
    CHECK(a.size() <= 107);
    CHECK(a.rfind("/run/jalur/", 0) == 0);
}

TEST_CASE("config: the control socket and its group")
{
    auto c = ok(kTwoIsps + "control: {socket: /run/site/ctl.sock, group: root}\n").control;
    CHECK(c.socket == "/run/site/ctl.sock");
    CHECK(c.group == "root");
    CHECK(c.gid == 0);
    CHECK(error(kTwoIsps + "control: {socket: ctl.sock}\n") ==
          "t.yaml:7:19: control.socket: expected an absolute path, got 'ctl.sock'");
    CHECK(error(kTwoIsps + "control: {socket: /" + std::string(110, 's') + "}\n") ==
          "t.yaml:7:19: control.socket: a UNIX socket path has at most 107 bytes, this one 111");
    CHECK(error(kTwoIsps + "control: {group: no-such-group-jalur}\n") ==
          "t.yaml:7:18: control.group: no group 'no-such-group-jalur' on this host");
    CHECK(error(kTwoIsps + "control: {sock: /x}\n") ==
          "t.yaml:7:11: unknown key 'sock' in control (expected one of: socket, group)");
}

// The packaged default config (packaging/jalur.yaml): its placeholders are
// all the admin is told about, each at its line, and once they are edited
// the file is a valid config.
TEST_CASE("config: the packaged default config names each placeholder to edit, and is valid once edited")
{
    std::ifstream in(JALUR_PACKAGING_DIR "/jalur.yaml");
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    auto r = parse(text, "jalur.yaml");
    REQUIRE_FALSE(r);
    const std::string &m = r.error().message;
    INFO(m);
    // one error per placeholder, at its line, and nothing else
    std::istringstream lines(text);
    std::string line;
    int n = 0, placeholders = 0;
    while (std::getline(lines, line)) {
        n++;
        auto at = line.find(": EDIT-ME (");
        if (at == std::string::npos || line.find('#') < at)
            continue;
        placeholders++;
        CHECK_THAT(m, Catch::Matchers::Contains("jalur.yaml:" + std::to_string(n) + ":"));
    }
    CHECK(placeholders == 3);
    CHECK_THAT(m, Catch::Matchers::Contains("lan: edit this placeholder: the LAN interface"));
    CHECK_THAT(m, Catch::Matchers::Contains("wans[1].interface: edit this placeholder: the second WAN interface"));
    CHECK_THAT(m, Catch::Matchers::Contains("replace every EDIT-ME value"));
    CHECK(std::count(m.begin(), m.end(), '\n') == placeholders);

    // edited: a valid config
    int i = 0;
    for (auto at = text.find(": EDIT-ME ("); at != std::string::npos; at = text.find(": EDIT-ME ("))
        text.replace(at + 2, text.find('\n', at) - at - 2, "eth" + std::to_string(i++));
    auto edited = parse(text, "jalur.yaml");
    INFO((edited ? std::string() : edited.error().message));
    REQUIRE(edited);
    CHECK(edited.value().lans[0].interface == "eth0");
    CHECK(edited.value().wans[1].interface == "eth2");
}
