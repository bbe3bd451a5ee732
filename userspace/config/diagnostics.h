// SPDX-License-Identifier: GPL-2.0-only
// The errors of one config file. Parsing goes on after an error, so a user
// sees every mistake of a file in one run instead of fixing them one by one.
#pragma once

#include "config/model.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace jalur::config {

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    const std::string &file() const { return file_; }

    // yaml-cpp marks are 0-based; ours are 1-based like every editor's. A
    // node without a mark (an empty document) is placed at 1:1.
    Location at(const YAML::Node &n) const;

    void error(const Location &where, std::string what);
    bool failed() const { return !errors_.empty(); }

    // Every error as "file:line:column: what", in file order, one per line.
    std::string message() const;

private:
    struct Entry {
        Location where;
        std::string what;
    };
    std::string file_;
    std::vector<Entry> errors_;
};

} // namespace jalur::config
