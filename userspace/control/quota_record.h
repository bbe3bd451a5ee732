// SPDX-License-Identifier: GPL-2.0-only
// The quota usage file's text (issue 20): one line per WAN and a last line
// with a checksum of the lines before it, so a torn or corrupted file is
// told from a good one (agent/quota_store.h keeps the previous good file to
// fall back on). Pure: formatting and parsing only.
#pragma once

#include "common/result.h"
#include "control/quota_meter.h"

#include <map>
#include <string>

namespace jalur::control {

using QuotaRecords = std::map<std::string, QuotaUsage>; // by WAN name

std::string format_quota_records(const QuotaRecords &records);
// An error for a file without its checksum line, or whose checksum or any
// line does not read back: the caller falls back to the previous file.
Result<QuotaRecords> parse_quota_records(const std::string &text);

} // namespace jalur::control
