// SPDX-License-Identifier: GPL-2.0-only
// The administrative state of the WANs (drained, disabled), who set it,
// why and until when, kept in the state directory so that it outlives a
// restart until it is undone or expires. Pure apart from load and save:
// the clock is the caller's.
#pragma once

#include "common/result.h"
#include "control/world.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace jalur::agent {

struct AdminEntry {
    control::Admin state = control::Admin::Drain; // never Enabled: enabled WANs have no entry
    std::string by;                               // "root (uid 0)", "telegram user 42 (@ana)"
    std::string reason;                           // may be empty
    int64_t since_unix = 0;
    int64_t until_unix = 0; // 0: until undone
    bool operator==(const AdminEntry &) const = default;
};

const char *admin_name(control::Admin a); // "enabled", "drain", "disabled"
std::optional<control::Admin> admin_from(std::string_view name);

// "30m", "2h", "1d", "90s" or plain seconds, from 1 s to 30 days: how long a
// drain or a disable lasts, how far back `jalur events --since` goes. An
// error names what was given.
Result<std::chrono::seconds> parse_admin_duration(std::string_view text);

// One line of free text for the file and the event log: control characters
// and tabs become spaces, at most 200 bytes (cut on a UTF-8 boundary).
std::string admin_text(std::string_view s);

class AdminStore {
public:
    static constexpr size_t kMaxWans = 1024;

    // Reads DIR/wan-admin; a missing file is an empty store. Malformed lines
    // are skipped, each described in `skipped` for the log.
    static AdminStore load(const std::string &state_dir, std::vector<std::string> *skipped = nullptr);
    // The file's text and its parser, for the tests.
    static std::string serialize(const std::map<std::string, AdminEntry> &entries);
    static std::map<std::string, AdminEntry> parse(std::string_view text, std::vector<std::string> *skipped);

    const std::map<std::string, AdminEntry> &entries() const { return entries_; }
    const AdminEntry *find(const std::string &wan) const;
    // Each writes the file (atomically: a crash leaves the old file or the
    // new one); an error says the change holds only until a restart.
    Result<void> set(const std::string &wan, const AdminEntry &e);
    Result<void> clear(const std::string &wan);
    // Forgets WANs no longer configured.
    Result<void> keep_only(const std::set<std::string> &wans);

    // The WANs whose entry has expired at `now_unix`.
    std::vector<std::string> expired(int64_t now_unix) const;
    // The earliest expiry, if any entry has one.
    std::optional<int64_t> next_expiry() const;

private:
    Result<void> save() const;
    std::string file_;
    std::map<std::string, AdminEntry> entries_;
};

} // namespace jalur::agent
