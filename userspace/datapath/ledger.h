// SPDX-License-Identifier: GPL-2.0-only
// What jalur made on this host and in its pins, kept in the pin directory
// itself (a bpffs holds no regular files, so a small pinned map): the
// layout of each pinned map, whether the directory and its bpffs mount were
// jalur's, and which clsact qdiscs jalur created. An agent that adopts the
// pins of a killed one reads it, so its stop removes what the first one
// made and nothing else.
#pragma once

#include "common/result.h"
#include "common/unique_fd.h"

#include <cstdint>
#include <optional>
#include <string>

namespace jalur::datapath {

class Ledger {
public:
    static constexpr const char *kPinName = "ledger";
    static constexpr size_t kKeySize = 32; // "layout:" + a map name (at most 15) fits

    // Opens DIR/ledger, or creates and pins it.
    static Result<Ledger> open(const std::string &dir);

    std::optional<uint64_t> get(const std::string &key) const;
    Result<void> set(const std::string &key, uint64_t value) const;
    void erase(const std::string &key) const;
    // Removes the pin (the entries go with the last fd).
    void unpin() const;

private:
    Ledger(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
    UniqueFd fd_;
    std::string path_;
};

} // namespace jalur::datapath
