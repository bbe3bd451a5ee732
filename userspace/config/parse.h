// SPDX-License-Identifier: GPL-2.0-only
// YAML to the validated model. Every error starts with file:line:column and
// says what was expected; all of a file's errors come back at once, one per
// line, and a Config comes back only when there are none. Nothing here
// touches the system (see interfaces.h for the one check that reads it).
#pragma once

#include "common/result.h"
#include "config/interfaces.h" // callers that load a config to use it check its interfaces too
#include "config/model.h"

#include <cstddef>
#include <string>

namespace jalur::config {

// A config is a few KiB; anything bigger than this is not one, and is
// refused before YAML sees it.
inline constexpr size_t kMaxConfigBytes = 1024 * 1024;

// Never throws, and always ends (yaml-cpp's LoadAll() does not: see
// parse.cpp). `file_name` is only used in messages (and kept in Config::file).
Result<Config> parse(const std::string &yaml_text, const std::string &file_name);
Result<Config> load_file(const std::string &path);

} // namespace jalur::config
