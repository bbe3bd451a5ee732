// SPDX-License-Identifier: GPL-2.0-only
// The masquerade of each WAN that asks for it (`nat: masquerade`, issue
// 23), in an nftables table of jalur's own (`inet jalur`, through
// libnftables). Only that table is ever written or read; other tables and
// the rest of the ruleset are never touched. apply() writes it when the
// plan changed or when the table is no longer what jalur wrote (deleted
// or edited by someone else); clear() deletes it at stop.
#pragma once

#include "common/result.h"
#include "control/host_plan.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct nft_ctx;

namespace jalur::host {

class Nat {
public:
    static Result<std::unique_ptr<Nat>> open();
    Nat(const Nat &) = delete;
    ~Nat();

    Result<void> apply(const std::vector<control::Masquerade> &wanted);
    void clear();                    // delete the table, if jalur wrote one
    void release() { written_.reset(); } // leave it (an upgrade: the next agent adopts it)

    // Runs an nft script; its output, or the error nft printed.
    Result<std::string> run(const std::string &script);

private:
    Nat() = default;
    std::optional<std::string> listing(); // the table as nft lists it; nullopt when absent

    nft_ctx *ctx_ = nullptr;
    std::optional<std::vector<control::Masquerade>> written_; // what the table holds
    std::string written_listing_; // nft's listing of it right after the write
};

// `nft list ruleset` (for jalur doctor); nullopt when nftables cannot be read.
std::optional<std::string> list_ruleset();

} // namespace jalur::host
