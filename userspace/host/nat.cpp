// SPDX-License-Identifier: GPL-2.0-only
#include "host/nat.h"

#include <nftables/libnftables.h>
#include <spdlog/spdlog.h>

namespace jalur::host {

Result<std::unique_ptr<Nat>> Nat::open()
{
    std::unique_ptr<Nat> n(new Nat());
    n->ctx_ = nft_ctx_new(NFT_CTX_DEFAULT);
    if (!n->ctx_)
        return errorf("nftables: cannot create a libnftables context");
    // output and errors into buffers, not our stdout and stderr
    if (nft_ctx_buffer_output(n->ctx_) != 0 || nft_ctx_buffer_error(n->ctx_) != 0)
        return errorf("nftables: cannot buffer libnftables' output");
    return n;
}

Nat::~Nat()
{
    if (ctx_)
        nft_ctx_free(ctx_);
}

Result<std::string> Nat::run(const std::string &script)
{
    if (nft_run_cmd_from_buffer(ctx_, script.c_str()) != 0) {
        std::string err = nft_ctx_get_error_buffer(ctx_);
        while (!err.empty() && err.back() == '\n')
            err.pop_back();
        return errorf("nftables: " + err);
    }
    (void)nft_ctx_get_error_buffer(ctx_); // warnings: read, so the next call starts clean
    return std::string(nft_ctx_get_output_buffer(ctx_));
}

std::optional<std::string> Nat::listing()
{
    auto r = run(std::string("list table inet ") + control::kNatTable);
    if (!r)
        return std::nullopt;
    return r.value();
}

Result<void> Nat::apply(const std::vector<control::Masquerade> &wanted)
{
    if (!written_ && wanted.empty())
        return {}; // never wrote, nothing wanted: no table, and none deleted
    if (written_ && *written_ == wanted) {
        auto now = listing();
        if (wanted.empty() ? !now : now && *now == written_listing_)
            return {};
        spdlog::warn("nftables: table inet {} was changed by someone else; writing it again", control::kNatTable);
    }
    if (auto r = run(control::nat_script(wanted)); !r)
        return r.error();
    written_ = wanted;
    written_listing_ = wanted.empty() ? "" : listing().value_or("");
    std::string what;
    for (const auto &m : wanted)
        what += (what.empty() ? "" : ", ") + m.interface + (m.family == 6 ? " (IPv6)" : " (IPv4)");
    spdlog::info("nftables: table inet {}: {}", control::kNatTable,
                 what.empty() ? "deleted" : "masquerade on " + what);
    return {};
}

void Nat::clear()
{
    if (!written_)
        return;
    if (auto r = run(control::nat_script({})); !r)
        spdlog::warn("nftables: table inet {} not deleted: {}", control::kNatTable, r.error().message);
    else
        spdlog::info("nftables: table inet {} deleted", control::kNatTable);
    written_.reset();
}

std::optional<std::string> list_ruleset()
{
    auto n = Nat::open();
    if (!n)
        return std::nullopt;
    auto r = n.value()->run("list ruleset");
    if (!r)
        return std::nullopt;
    return r.value();
}

} // namespace jalur::host
