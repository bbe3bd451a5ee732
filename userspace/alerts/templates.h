// SPDX-License-Identifier: GPL-2.0-only
// Message templates: Telegram HTML from the config (trusted) with {name}
// variables (untrusted values, escaped). `{{` and `}}` are literal braces.
#pragma once

#include "common/result.h"
#include "alerts/alert.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jalur::notify {

// "wan_down", ...: the names used in the config (templates, disable_notification)
const char *kind_name(Kind k);
std::optional<Kind> kind_from_name(std::string_view name);
const std::vector<Kind> &all_kinds();

const char *default_template(Kind k);
// The variables a kind's template may use; `host` and `time` are in every one.
std::vector<std::string> template_variables(Kind k);

// Unknown variables and HTML Telegram would reject are errors here, at
// config time, rather than a 400 from the API for every alert later.
Result<void> check_template(Kind k, std::string_view tmpl);

// A variable without a value renders as "-".
std::string render(std::string_view tmpl, const std::map<std::string, std::string> &vars);

// "2024-05-01 14:03:07 WIB": alerts may arrive late, so each says when.
std::string format_time(int64_t unix_seconds);

// "512 B", "4.25 MB", "30.00 GB": decimal, as carriers count a quota.
std::string human_bytes(uint64_t bytes);

// "12.3 s", "4 min 5 s", "2 h 10 min", "3 d 4 h": how long a WAN was down.
std::string human_duration(double seconds);

} // namespace jalur::notify
