// SPDX-License-Identifier: GPL-2.0-only
#include "common/event_log.h"

#include "common/json.h"

#include <algorithm>
#include <array>
#include <ctime>

namespace jalur {

namespace {

constexpr std::array<std::pair<EventKind, std::string_view>, 8> kNames{{
    {EventKind::Agent, "agent"},
    {EventKind::Transition, "transition"},
    {EventKind::Alert, "alert"},
    {EventKind::Admin, "admin"},
    {EventKind::Reload, "reload"},
    {EventKind::RogueDhcp, "rogue-dhcp"},
    {EventKind::Flows, "flows"},
    {EventKind::Quota, "quota"},
}};

// Keeps the text on one line and within the bound, cutting at a UTF-8
// character boundary.
std::string one_line(std::string s)
{
    for (char &c : s)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    if (s.size() <= EventLog::kMaxText)
        return s;
    size_t cut = EventLog::kMaxText - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    s.resize(cut);
    return s + "...";
}

std::string rfc3339(std::chrono::system_clock::time_point t)
{
    auto secs = std::chrono::system_clock::to_time_t(t);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char b[64];
    std::snprintf(b, sizeof(b), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms < 0 ? 0 : ms));
    return b;
}

} // namespace

std::string_view event_kind_name(EventKind k)
{
    for (const auto &[kind, name] : kNames)
        if (kind == k)
            return name;
    return "agent";
}

std::optional<EventKind> event_kind_from(std::string_view name)
{
    for (const auto &[kind, n] : kNames)
        if (n == name)
            return kind;
    return std::nullopt;
}

void write_event(JsonWriter &w, const Event &e)
{
    w.begin_object()
        .field("seq", e.seq)
        .field("at", rfc3339(e.at))
        .field("at_ms", static_cast<int64_t>(
                            std::chrono::duration_cast<std::chrono::milliseconds>(e.at.time_since_epoch()).count()))
        .field("kind", std::string(event_kind_name(e.kind)))
        .field("wan", e.wan)
        .field("text", e.text)
        .end_object();
}

EventLog::EventLog(size_t capacity) : ring_(std::max<size_t>(capacity, 1)) {}

uint64_t EventLog::add(EventKind kind, std::string wan, std::string text)
{
    return add_at(std::chrono::system_clock::now(), kind, std::move(wan), std::move(text));
}

uint64_t EventLog::add_at(std::chrono::system_clock::time_point at, EventKind kind, std::string wan,
                          std::string text)
{
    std::lock_guard lock(mutex_);
    uint64_t seq = next_++;
    ring_[seq % ring_.size()] = Event{seq, at, kind, one_line(std::move(wan)), one_line(std::move(text))};
    return seq;
}

std::vector<Event> EventLog::after(uint64_t after, size_t max) const
{
    std::lock_guard lock(mutex_);
    uint64_t oldest = next_ > ring_.size() ? next_ - ring_.size() : 1;
    uint64_t from = std::max(after + 1, oldest);
    if (max < next_ - from)
        from = next_ - max;
    std::vector<Event> out;
    for (uint64_t s = from; s < next_; ++s)
        out.push_back(ring_[s % ring_.size()]);
    return out;
}

std::vector<Event> EventLog::since(std::chrono::system_clock::time_point since) const
{
    auto all = after(0);
    std::erase_if(all, [&](const Event &e) { return e.at < since; });
    return all;
}

uint64_t EventLog::last_seq() const
{
    std::lock_guard lock(mutex_);
    return next_ - 1;
}

uint64_t EventLog::dropped() const
{
    std::lock_guard lock(mutex_);
    return next_ - 1 > ring_.size() ? next_ - 1 - ring_.size() : 0;
}

} // namespace jalur
