// SPDX-License-Identifier: GPL-2.0-only
// The packaged default config (packaging/jalur.yaml) ships with values that
// cannot be guessed -- the LAN and WAN interfaces -- written as
// "EDIT-ME (what to write here)". Such a value is reported as what it is, a
// line the admin has not edited yet, instead of as an invalid interface name.
#pragma once

#include "config/diagnostics.h"

namespace jalur::config {

inline constexpr const char *kPlaceholder = "EDIT-ME";

// One error per placeholder scalar in the document; true if any.
bool report_placeholders(Diagnostics &d, const YAML::Node &doc);

} // namespace jalur::config
