// SPDX-License-Identifier: GPL-2.0-only
// The quota usage file in the state directory (issue 20): written whole to
// a temporary file, synced, then renamed over the last one, which is kept as
// `quota-usage.prev`. A file that does not read back (torn by a crash of the
// disk or the host mid-write, or altered) is refused by its checksum and
// the previous good file is read instead; either way the agent says so.
#pragma once

#include "control/quota_record.h"

#include <string>

namespace jalur::agent {

class QuotaStore {
public:
    explicit QuotaStore(std::string state_dir);

    struct Loaded {
        control::QuotaRecords records;
        std::string problem; // empty: the file read back (or there was none: a first start)
    };
    Loaded load() const;
    Result<void> save(const control::QuotaRecords &records);

    const std::string &path() const { return file_; }

private:
    std::string dir_, file_;
};

} // namespace jalur::agent
