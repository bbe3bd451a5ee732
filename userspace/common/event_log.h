// SPDX-License-Identifier: GPL-2.0-only
// What happened, most recent last: WAN transitions, alerts, administrative
// actions, reloads, rogue DHCP sightings. A fixed number of events (the
// oldest go first) of bounded size each, so a flood of sightings cannot grow
// the agent. Read from other threads (the HTTP endpoint, the control
// socket's answers), hence the mutex; every read is a copy.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jalur {

enum class EventKind { Agent, Transition, Alert, Admin, Reload, RogueDhcp, Flows, Quota };

std::string_view event_kind_name(EventKind k);
std::optional<EventKind> event_kind_from(std::string_view name);

struct Event {
    uint64_t seq = 0; // 1, 2, ...: a reader asks for what came after the last it saw
    std::chrono::system_clock::time_point at{};
    EventKind kind = EventKind::Agent;
    std::string wan;  // empty when no single WAN is concerned
    std::string text; // one line, at most kMaxText bytes
};

class JsonWriter;
void write_event(JsonWriter &w, const Event &e); // {"seq":..,"at":"RFC 3339","at_ms":..,"kind":..,"wan":..,"text":..}

class EventLog {
public:
    static constexpr size_t kMaxText = 512;
    explicit EventLog(size_t capacity = 1000);

    // Records an event now (or at `at`) and returns its sequence number.
    uint64_t add(EventKind kind, std::string wan, std::string text);
    uint64_t add_at(std::chrono::system_clock::time_point at, EventKind kind, std::string wan, std::string text);

    // Events with seq > after, oldest first, at most `max` (the newest of them).
    std::vector<Event> after(uint64_t after, size_t max = SIZE_MAX) const;
    // Events at or after `since`, oldest first.
    std::vector<Event> since(std::chrono::system_clock::time_point since) const;
    uint64_t last_seq() const;
    uint64_t dropped() const; // pushed out by newer events since the start
    size_t capacity() const { return ring_.size(); }

private:
    mutable std::mutex mutex_;
    std::vector<Event> ring_; // slot seq % capacity
    uint64_t next_ = 1;
};

} // namespace jalur
