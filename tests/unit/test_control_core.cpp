// SPDX-License-Identifier: GPL-2.0-only
// The control core against a fake world: interfaces that are absent, appear
// and are recreated; tiers, degraded weights, drains and the last resort;
// marks kept across reloads; the order the data path is written in.
#include "config/parse.h"
#include "control/core.h"
#include "control/marks.h"
#include "control/write_order.h"
#include "datapath/publisher.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace jalur;
using namespace jalur::control;

namespace {

config::Config parse_ok(const std::string &yaml)
{
    auto c = config::parse(yaml, "t.yaml");
    if (!c)
        FAIL(c.error().message);
    return std::move(c).value();
}

const std::string kSite = R"(lan: br-lan
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1, weight: 3}
  - {name: isp2, interface: wan2, gateway: 100.64.2.1}
  - {name: lte, interface: wwan0, gateway: auto, tier: 2}
)";

InterfaceFacts here(uint32_t ifindex) { return {true, ifindex, true, false}; }

// a core with the site's config and every interface present
Core site(const std::string &yaml = kSite)
{
    Core c;
    REQUIRE(c.configure(parse_ok(yaml)));
    c.set_interface("br-lan", here(2));
    c.set_interface("wan1", here(11));
    c.set_interface("wan2", here(12));
    c.set_interface("wwan0", here(13));
    return c;
}

uint32_t id(const Core &c, const std::string &wan) { return c.ids().wans.at(wan); }

uint32_t state(const Core &c, const std::string &wan) { return c.desired().datapath.wans.at(id(c, wan)).state; }

// how many of the default policy's slots each WAN holds
std::map<uint32_t, size_t> slot_share(const Core &c)
{
    std::map<uint32_t, size_t> n;
    const auto d = c.desired(); // the range below must not outlive it
    for (auto w : d.datapath.policies.begin()->second.slots)
        n[w]++;
    return n;
}

bool attached(const Desired &d, const std::string &ifname, Hook hook, uint32_t ifindex)
{
    return std::any_of(d.attachments.begin(), d.attachments.end(), [&](const Attachment &a) {
        return a.ifname == ifname && a.hook == hook && a.ifindex == ifindex;
    });
}

bool routed(const Desired &d, const std::string &wan)
{
    return std::any_of(d.routing.wans.begin(), d.routing.wans.end(), [&](const WanRoute &r) { return r.name == wan; });
}

} // namespace

TEST_CASE("control: a WAN interface absent at start, then present, then recreated with a new ifindex")
{
    Core c;
    REQUIRE(c.configure(parse_ok(kSite)));
    c.set_interface("br-lan", here(2));
    c.set_interface("wan1", here(11));
    c.set_interface("wan2", here(12));
    // wwan0 (the LTE modem) is not there yet

    auto d = c.desired();
    CHECK(d.datapath.wans.at(id(c, "lte")) == WanEntry{0, c.config().wan("lte")->fwmark, JALUR_WAN_DOWN});
    CHECK_FALSE(routed(d, "lte"));
    CHECK_FALSE(attached(d, "wwan0", Hook::TcWan, 0));
    CHECK(attached(d, "wan1", Hook::TcWan, 11));
    CHECK(attached(d, "br-lan", Hook::XdpLan, 2));

    // it appears: attached, routed and up (health has not said otherwise)
    CHECK(c.set_interface("wwan0", here(21)));
    d = c.desired();
    CHECK(attached(d, "wwan0", Hook::TcWan, 21));
    CHECK(routed(d, "lte"));
    CHECK(d.datapath.wans.at(id(c, "lte")).ifindex == 21);
    CHECK(state(c, "lte") == JALUR_WAN_UP);

    // a PPPoE re-dial: gone, then back under a new ifindex
    CHECK(c.set_interface("wwan0", InterfaceFacts{}));
    CHECK(state(c, "lte") == JALUR_WAN_DOWN);
    CHECK_FALSE(routed(c.desired(), "lte"));
    CHECK(c.set_interface("wwan0", here(22)));
    d = c.desired();
    CHECK(attached(d, "wwan0", Hook::TcWan, 22));
    CHECK_FALSE(attached(d, "wwan0", Hook::TcWan, 21));
    auto route = std::find_if(d.routing.wans.begin(), d.routing.wans.end(), [](const WanRoute &r) { return r.name == "lte"; });
    REQUIRE(route != d.routing.wans.end());
    CHECK(route->ifindex == 22);
    CHECK_FALSE(c.set_interface("wwan0", here(22))); // nothing new: no change
}

TEST_CASE("control: tiers, degraded weight and drain shape the slot tables")
{
    auto c = site();
    auto shares = slot_share(c);
    CHECK(shares.size() == 2); // tier 1 only: the LTE backup takes nothing while tier 1 is live
    CHECK(shares[id(c, "isp1")] > 2 * shares[id(c, "isp2")]);

    // degraded: isp1 keeps carrying traffic, a quarter of its weight (3 -> 1)
    c.set_health("isp1", Health::Degraded, "loss 20%");
    CHECK(state(c, "isp1") == JALUR_WAN_DEGRADED);
    shares = slot_share(c);
    CHECK(shares[id(c, "isp1")] < shares[id(c, "isp2")] * 3 / 2);

    // drained: no new connections, yet it stays up for the ones it carries
    c.set_health("isp1", Health::Up, "");
    c.set_admin("isp1", Admin::Drain);
    CHECK(state(c, "isp1") == JALUR_WAN_UP);
    shares = slot_share(c);
    CHECK(shares.count(id(c, "isp1")) == 0);
    CHECK(shares[id(c, "isp2")] == JALUR_SLOTS);

    // tier 1 gone but isp1 only drained: the backup tier takes over, not the drained WAN
    c.set_health("isp2", Health::Down, "probes");
    shares = slot_share(c);
    CHECK(shares[id(c, "lte")] == JALUR_SLOTS);

    // disabled: down
    c.set_admin("isp1", Admin::Disabled);
    CHECK(state(c, "isp1") == JALUR_WAN_DOWN);
}

TEST_CASE("control: the last resort keeps the WAN that went down last")
{
    auto c = site(kSite + "health: {last_resort: keep}\n");
    c.set_health("lte", Health::Down, "probes");
    c.set_health("isp2", Health::Down, "probes");
    CHECK(c.desired().last_resort_wan.empty());
    c.set_health("isp1", Health::Down, "carrier lost"); // the last one
    auto d = c.desired();
    CHECK(d.last_resort_wan == "isp1");
    CHECK(state(c, "isp1") == JALUR_WAN_LAST_RESORT);
    CHECK(state(c, "isp2") == JALUR_WAN_DOWN);
    CHECK(d.alert_fwmark == 0); // alerts wait for a live WAN
    for (const auto &[_, p] : d.datapath.policies)
        CHECK(p.params.fallback == JALUR_FALLBACK_MAIN);

    // isp2 comes back: the last resort ends
    c.set_health("isp2", Health::Up, "");
    CHECK(c.desired().last_resort_wan.empty());
    CHECK(state(c, "isp1") == JALUR_WAN_DOWN);
    CHECK(c.desired().alert_fwmark == c.config().wan("isp2")->fwmark);
}

TEST_CASE("control: with last_resort unreachable and every WAN down, the LAN gets unreachable")
{
    auto c = site(kSite + "health: {last_resort: unreachable}\n");
    for (auto w : {"isp1", "isp2", "lte"})
        c.set_health(w, Health::Down, "probes");
    CHECK(c.desired().routing.unreachable_from == std::vector<std::string>{"br-lan"});
    c.set_health("lte", Health::Up, "");
    CHECK(c.desired().routing.unreachable_from.empty());
}

TEST_CASE("control: the router's own default follows the best live WAN")
{
    auto c = site();
    auto main_default = [&] {
        for (const auto &r : c.desired().routing.wans)
            if (r.main_default)
                return r.name;
        return std::string();
    };
    CHECK(main_default() == "isp1"); // tier 1, highest weight
    c.set_health("isp1", Health::Down, "probes");
    CHECK(main_default() == "isp2");
    c.set_interface("wan1", InterfaceFacts{});
    c.set_health("isp2", Health::Down, "probes");
    c.set_health("lte", Health::Down, "probes");
    CHECK(main_default() == "isp2"); // nothing live: the best one still present, never an absent one
}

TEST_CASE("control: a reload keeps ids, marks and tables of the WANs that stay")
{
    auto c = site();
    auto isp2_mark = c.config().wan("isp2")->fwmark;
    auto isp2_table = c.config().wan("isp2")->table;
    auto isp2_id = id(c, "isp2");
    CHECK(isp2_mark == 0x200);
    CHECK(isp2_table == 102);

    // isp1 removed: isp2 is now first, and its derived mark would be 0x100
    REQUIRE(c.configure(parse_ok(R"(lan: br-lan
wans:
  - {name: isp2, interface: wan2, gateway: 100.64.2.1}
  - {name: lte, interface: wwan0, gateway: auto, tier: 2}
  - {name: isp3, interface: wan3, gateway: 100.64.3.1}
)")));
    CHECK(c.config().wan("isp2")->fwmark == isp2_mark);
    CHECK(c.config().wan("isp2")->table == isp2_table);
    CHECK(id(c, "isp2") == isp2_id);
    CHECK(c.ids().wans.count("isp1") == 0);
    CHECK(c.world().wans.count("isp1") == 0);
    // the new WAN gets a mark and a table nobody else has
    std::set<uint32_t> marks, tables;
    for (const auto &w : c.config().wans) {
        marks.insert(w.fwmark);
        tables.insert(w.table);
    }
    CHECK(marks.size() == 3);
    CHECK(tables.size() == 3);
    // the removed WAN's data path entry is gone from the desired state
    CHECK(c.desired().datapath.wans.size() == 3);
}

TEST_CASE("control: marks set in the file are never moved")
{
    config::Config running = parse_ok(kSite);
    auto next = parse_ok(R"(lan: br-lan
wans:
  - {name: isp2, interface: wan2, gateway: 100.64.2.1, fwmark: 0x100}
  - {name: isp1, interface: wan1, gateway: 100.64.1.1}
)");
    keep_marks(running, next);
    CHECK(next.wan("isp2")->fwmark == 0x100); // as written
    // isp1 had 0x100 (derived), which the file now gives isp2: isp1 gets a free one
    CHECK(next.wan("isp1")->fwmark != 0x100);
    CHECK(next.wan("isp1")->table == 101); // its table was free to keep
}

TEST_CASE("control: the data path is written live WANs first, then changed tables, rules only when changed, dead last")
{
    auto c = site();
    auto before = c.desired().datapath;
    auto all = write_order(nullptr, before);
    REQUIRE(all.size() == 3 + 1 + 1); // every WAN, the one policy, the rules
    CHECK(all[3].kind == Write::Kind::Policy);
    CHECK(all[4].kind == Write::Kind::Rules);

    CHECK(write_order(&before, before).empty()); // nothing changed: nothing written

    c.set_health("isp1", Health::Down, "carrier lost");
    auto after = c.desired().datapath;
    auto writes = write_order(&before, after);
    // the policy's table first (isp1 out of it), then isp1's state: no
    // packet is classified onto a WAN that is down; the rule set is untouched
    REQUIRE(writes.size() == 2);
    CHECK(writes[0] == Write{Write::Kind::Policy, 0});
    CHECK(writes[1] == Write{Write::Kind::Wan, id(c, "isp1")});

    // and back: the WAN is live before the table sends traffic to it
    auto back = write_order(&after, before);
    REQUIRE(back.size() == 2);
    CHECK(back[0] == Write{Write::Kind::Wan, id(c, "isp1")});
    CHECK(back[1] == Write{Write::Kind::Policy, 0});
}

namespace {

struct Recorder final : datapath::MapWriter {
    std::vector<std::string> log;
    int fail_at = -1; // the write that fails, counted from 0
    Result<void> record(std::string what)
    {
        if (static_cast<int>(log.size()) == fail_at) {
            fail_at = -1;
            return errorf("injected failure", ErrorKind::Busy);
        }
        log.push_back(std::move(what));
        return {};
    }
    Result<void> set_wan(uint32_t id, const WanEntry &e) override
    {
        return record("wan " + std::to_string(id) + " " + std::to_string(e.state));
    }
    Result<void> clear_wan(uint32_t id) override { return record("clear " + std::to_string(id)); }
    Result<void> set_policy(uint32_t id, const PolicyEntry &) override { return record("policy " + std::to_string(id)); }
    Result<void> set_rules(const RuleSet &) override { return record("rules"); }
};

} // namespace

TEST_CASE("control: the publisher writes only the difference, and retries only what failed")
{
    auto c = site();
    Recorder rec;
    datapath::Publisher pub(rec);
    REQUIRE(pub.apply(c.desired().datapath));
    CHECK(rec.log.size() == 5);

    rec.log.clear();
    REQUIRE(pub.apply(c.desired().datapath));
    CHECK(rec.log.empty()); // an unchanged state is not rewritten: rules included

    // a transition whose second write fails: the next pass writes only that one
    c.set_health("isp2", Health::Down, "probes");
    rec.fail_at = 1;
    CHECK_FALSE(pub.apply(c.desired().datapath));
    CHECK(rec.log == std::vector<std::string>{"policy 0"});
    rec.log.clear();
    REQUIRE(pub.apply(c.desired().datapath));
    CHECK(rec.log == std::vector<std::string>{"wan " + std::to_string(id(c, "isp2")) + " 0"});

    // a WAN removed by a reload: its entry is cleared, after everything else
    rec.log.clear();
    REQUIRE(c.configure(parse_ok(R"(lan: br-lan
wans:
  - {name: isp1, interface: wan1, gateway: 100.64.1.1, weight: 3}
  - {name: isp2, interface: wan2, gateway: 100.64.2.1}
)")));
    auto lte = std::to_string(2);
    REQUIRE(pub.apply(c.desired().datapath));
    REQUIRE_FALSE(rec.log.empty());
    CHECK(rec.log.back() == "clear " + lte);
    CHECK(std::find(rec.log.begin(), rec.log.end(), "rules") == rec.log.end());
}
