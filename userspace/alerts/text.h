// SPDX-License-Identifier: GPL-2.0-only
// Telegram's HTML parse mode: escaping untrusted text, checking the HTML of
// templates, and splitting a message at Telegram's length limit. The limit
// counts what is shown (tags removed, entities as one character) in UTF-16
// code units, so that is what is measured here.
#pragma once

#include "common/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace jalur::notify {

inline constexpr size_t kMessageLimit = 4096; // sendMessage text, after entity parsing
inline constexpr size_t kMaxParts = 16;       // beyond this a message is cut, and says so

// Untrusted text (a rogue server's hostname, an interface name) made safe to
// place inside HTML: '<', '>', '&' and '"' become entities, invalid UTF-8
// becomes U+FFFD (Telegram rejects the whole message otherwise) and control
// characters other than newline and tab are dropped.
std::string html_escape(std::string_view text);

// What Telegram would show: tags removed, entities decoded. For length.
size_t visible_length(std::string_view html);

// Well formed for Telegram: only its tags (b, i, u, s, a, code, pre, ...),
// properly nested and closed, and only the entities it knows. The error
// says what is wrong and at which character.
Result<void> check_html(std::string_view html);

// One message in as many parts as needed, each at most `limit` visible
// characters, preferring to cut after a newline, then after a space. Tags
// open at a cut are closed at the end of a part and reopened at the start
// of the next, so every part is valid HTML. Beyond kMaxParts the rest is
// replaced by a line saying how much was left out (never cut silently).
std::vector<std::string> split_message(std::string_view html, size_t limit = kMessageLimit);

} // namespace jalur::notify
