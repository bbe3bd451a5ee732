// SPDX-License-Identifier: GPL-2.0-only
// Owner of the loaded BPF object: the only code that creates, pins or
// writes the data path's maps.
#pragma once

#include "common/result.h"
#include "datapath/ledger.h"
#include "datapath/pin_swap.h"
#include "jalur/datapath.h"
#include "jalur/dhcp_guard.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct jalur_bpf;
struct bpf_map;

namespace jalur::datapath {

struct MapSizes {
    uint32_t flows = JALUR_DEFAULT_FLOWS;
    uint32_t affinity = JALUR_DEFAULT_AFFINITY;
    uint32_t inbound = JALUR_DEFAULT_INBOUND;
    uint32_t rule_prefixes = JALUR_DEFAULT_LPM;
};

struct LoadOptions {
    std::string pin_dir; // bpffs directory; empty: nothing is pinned (tests, benchmarks)
    MapSizes sizes;
};

// A map of the loaded object, addressed by fd; typed helpers on top.
class Map {
public:
    Map(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
    int fd() const { return fd_; }
    const std::string &name() const { return name_; }

    Result<void> update(const void *key, const void *value, uint64_t flags = 0) const;
    bool lookup(const void *key, void *value) const;
    Result<void> erase(const void *key) const;

private:
    int fd_;
    std::string name_;
};

// A map with a privilege missing is named as such: an error of kind
// Permission says what it needs.
Error privilege_hint(Error e);

class Datapath {
public:
    // With a pin directory, pinned maps are adopted as they are, or
    // replaced deliberately when their layout changed (datapath/pin_swap.h);
    // a failure (kind Permission when a capability is missing, else Other)
    // leaves every pin as it was.
    static Result<Datapath> load(const LoadOptions &opts);

    Datapath(Datapath &&) noexcept;
    Datapath &operator=(Datapath &&) noexcept;
    ~Datapath();

    // Removes every pin of this object (the maps live on while loaded).
    void unpin();
    // What the load did with the pins it found (empty without pins).
    const PinReport &pins() const { return pins_; }
    // The pin directory's ledger; null without pins.
    const Ledger *ledger() const { return ledger_ ? &*ledger_ : nullptr; }

    int xdp_lan_fd() const;
    int tc_lan_fd() const;
    int tc_wan_fd() const;
    int xdp_port_fd() const; // LAN bridge ports with native XDP: DHCP inspection only
    int tc_port_fd() const;  // the other LAN bridge ports: the same from tc
    int why_fd() const;      // `jalur why`: run with BPF_PROG_TEST_RUN only (datapath/why.h)

    Map settings() const;
    Map wans() const;
    Map wan_ifindex() const;
    Map policies() const;
    Map slots() const;
    Map rules() const;
    Map rule_src() const;
    Map rule_dst() const;
    Map local_nets() const;
    Map flows() const;
    Map affinity() const;
    Map inbound() const;
    Map wan_stats() const;
    Map reasons() const;
    Map dhcp_ports() const;
    Map dhcp_trusted_macs() const;
    Map dhcp_trusted_addrs() const;
    Map dhcp_config() const;
    Map dhcp_events() const;
    Map dhcp_stats() const;
    Map members() const;
    Map wan_load() const;
    Map wan_assigned() const;
    Map handshakes() const;
    Map wan_rtt() const;
    std::vector<Map> maps() const; // every map of the object, the unnamed scratch ones too

    // Per-CPU counters summed over every possible CPU.
    jalur_wan_stats wan_stats_sum(uint32_t wan) const;
    uint64_t reason_sum(uint32_t reason) const;
    jalur_dhcp_stats dhcp_stats_sum() const;
    jalur_wan_rtt wan_rtt_sum(uint32_t wan) const;
    uint64_t wan_assigned_count(uint32_t wan) const;

private:
    struct Deleter {
        void operator()(jalur_bpf *skel) const;
    };
    explicit Datapath(std::unique_ptr<jalur_bpf, Deleter> skel);
    Map map_of(bpf_map *m) const;

    std::unique_ptr<jalur_bpf, Deleter> skel_;
    std::optional<Ledger> ledger_;
    PinReport pins_;
};

} // namespace jalur::datapath
