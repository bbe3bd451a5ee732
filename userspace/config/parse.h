// SPDX-License-Identifier: GPL-2.0-only
// YAML to the validated model. Every error names file:line:column and what
// was expected; all errors are reported at once, and nothing is applied
// unless there are none.
#pragma once

#include "common/result.h"
#include "config/model.h"

#include <string>

namespace jalur::config {

Result<Config> parse(const std::string &yaml_text, const std::string &file_name);
Result<Config> load_file(const std::string &path);

// Every interface the config names exists on this host. Only reads.
Result<void> check_interfaces(const Config &cfg);

} // namespace jalur::config
