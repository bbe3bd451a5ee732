// SPDX-License-Identifier: GPL-2.0-only
// The durable queue of alerts: one file per alert in a directory, named by
// a sequence number ("00000000000000000042.alert"; never anything secret).
//
// An alert file is written to a temporary name, fsync'd, renamed and the
// directory fsync'd, so after add() returns it survives a crash; a torn
// file (a crash mid-write leaves only the temporary, but a disk can lie)
// fails its checksum, is reported and set aside as ".corrupt", never read.
// Beside it, "N.sent" is an append-only log of the chats (and parts) that
// have it already, one checksummed line each, fsync'd after every line: a
// restart sends an alert only to the chats that do not have it. The alert
// is removed once every chat has it.
//
// Delivery is at least once: a crash after Telegram accepted a message but
// before its line reached the disk sends that one message again, so at most
// one duplicate per chat per crash.
//
// Not thread-safe: the notifier serialises access.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace jalur::notify {

struct SpoolEntry {
    uint64_t seq = 0;
    std::string kind;             // "wan_down", ..., or "dropped" for an overflow summary
    int64_t time_unix = 0;        // when the event happened
    int64_t created_unix = 0;     // when it was queued
    bool silent = false;          // disable_notification
    std::vector<std::string> parts; // rendered messages, in order
    std::set<std::pair<std::string, size_t>> done; // (chat, part) delivered or given up
    bool unspooled = false;       // held in memory only: writing it failed (a full disk)
};

class Spool {
public:
    // Creates the directory (0700) if needed and loads what is there.
    // Problems found (corrupt entries set aside, stray files) are returned
    // in `problems` for the caller to log; they never fail the open.
    static Result<Spool> open(const std::string &dir, std::vector<std::string> &problems);

    // Assigns the sequence number; durable when it returns, unless the
    // write failed (a full or read-only disk): then the entry is held in
    // memory (delivered all the same), `write_error()` says why, and
    // retry_unspooled() writes it once space returns. At most
    // kMaxUnspooled are held so; beyond, the oldest of them is dropped and
    // counted in lost().
    uint64_t add(SpoolEntry e);
    // Writes what is held in memory only; false while some still fail.
    bool retry_unspooled();
    size_t unspooled() const { return unspooled_; }
    uint64_t lost() const { return lost_; }
    const std::string &write_error() const { return write_error_; } // the last failed write
    static constexpr size_t kMaxUnspooled = 1000;
    // `chat` has `part` of alert `seq` (sent, or given up for good).
    Result<void> mark_done(uint64_t seq, const std::string &chat, size_t part);
    Result<void> remove(uint64_t seq);

    // In sequence order: the order alerts were raised.
    const std::map<uint64_t, SpoolEntry> &entries() const { return entries_; }
    size_t size() const { return entries_.size(); }
    const std::string &dir() const { return dir_; }

    // Alerts dropped because the queue was full, not yet reported.
    uint64_t dropped() const { return dropped_; }
    Result<void> set_dropped(uint64_t n);

    // A small named value kept beside the queue (chat migrations), written
    // atomically; empty when absent.
    std::string load_state(const std::string &name) const;
    Result<void> save_state(const std::string &name, const std::string &text);

private:
    explicit Spool(std::string dir) : dir_(std::move(dir)) {}
    std::string path(uint64_t seq, const char *suffix) const;
    Result<void> write_atomic(const std::string &final_path, const std::string &text);

    std::string dir_;
    std::map<uint64_t, SpoolEntry> entries_;
    uint64_t next_seq_ = 1;
    uint64_t dropped_ = 0;
    size_t unspooled_ = 0;
    uint64_t lost_ = 0;
    std::string write_error_;
};

// Exposed for tests: the on-disk form of an entry and back.
std::string encode_entry(const SpoolEntry &e);
Result<SpoolEntry> decode_entry(const std::string &text);

} // namespace jalur::notify
